package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/i18n"
	"kabinet/internal/dbtest"
)

// vatPagesSubject grants access to inn (through the API officer) and returns a browser
// signed in to the cabinet in lang.
func vatPagesSubject(t *testing.T, e *testServer, officer *client, inn, lang string) (*browser, string) {
	t.Helper()
	login := grantAccess(t, e.client(), officer, inn, vatPassword)
	b := e.browser(lang)
	b.post(t, "/login", "login", login, "password", vatPassword).expect(t, 303, "/cabinet")
	return b, login
}

var vatCodeOnPage = regexp.MustCompile(`class="mono" data-label="[^"]*">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<`)

// The cabinet's, the office's and the public VAT pages, without JavaScript, in Russian
// and Kyrgyz (VAT-1…VAT-6, I18N-1, SEC-2, SEC-3).
func TestVATPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newVATEnv(t, dbURL)
		apiOfficer := e.client()
		apiOfficer.staffLogin(t, "naryn", "Naryn!2026x")
		ru := func(k string) string { return i18n.T(i18n.RU, k) }
		ky := func(k string) string { return i18n.T(i18n.KY, k) }

		t.Run("VAT-1 a subject who is not a VAT payer is told why", func(t *testing.T) {
			guide, _ := vatPagesSubject(t, e, apiOfficer, guideINN, "")
			p := guide.get(t, "/cabinet/vat").expect(t, 200, "")
			p.has(t, "Вы не зарегистрированы как плательщик НДС")
			p.hasNot(t, `action="/cabinet/vat/apply"`)
			guide.get(t, "/cabinet").expect(t, 200, "").has(t, `href="/cabinet/vat"`)
			guide.post(t, "/cabinet/vat/apply", "quantity", "10", "password", vatPassword).expect(t, 409, "").has(t, "плательщик НДС")
		})

		payer, payerLogin := vatPagesSubject(t, e, apiOfficer, vatPayerINN, "")
		var code string
		t.Run("VAT-2 apply on the page", func(t *testing.T) {
			p := payer.get(t, "/cabinet/vat").expect(t, 200, "")
			p.has(t, `action="/cabinet/vat/apply"`, ru("web.vat.apply.title"))
			// SEC-3: bad input is a message on the form, what was typed kept, never a 500.
			payer.post(t, "/cabinet/vat/apply", "quantity", "десять", "password", vatPassword).expect(t, 422, "").
				has(t, "от 1 до 10000", `value="десять"`, `aria-invalid="true"`)
			payer.post(t, "/cabinet/vat/apply", "quantity", "10\x00", "password", vatPassword).expect(t, 422, "")
			payer.post(t, "/cabinet/vat/apply", "quantity", "99999999", "password", vatPassword).expect(t, 422, "")
			wrong := payer.post(t, "/cabinet/vat/apply", "quantity", "100", "password", "Неверный2020!").expect(t, 401, "")
			wrong.has(t, `value="100"`)
			wrong.hasNot(t, "Неверный2020!")
			payer.post(t, "/cabinet/vat/apply", "quantity", "100", "password", vatPassword).expect(t, 303, "/cabinet/vat?m=applied")
			p = payer.get(t, "/cabinet/vat?m=applied").expect(t, 200, "")
			p.has(t, ru("web.vat.notice.applied"), ru("web.vat.status.open"))
			p.hasNot(t, `action="/cabinet/vat/apply"`)
			m := vatCodeOnPage.FindStringSubmatch(p.body)
			if m == nil {
				t.Fatalf("VAT-2 no code on the page: %s", excerpt(p.body))
			}
			code = strings.ReplaceAll(m[1], "-", "")
			payer.post(t, "/cabinet/vat/apply", "quantity", "5", "password", vatPassword).expect(t, 409, "").has(t, "уже есть заявление")
		})

		officer := e.browser("")
		officeIn := func() {
			officer.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
		}
		officeIn()
		t.Run("VAT-2 the office's board: due today, overdue", func(t *testing.T) {
			officer.get(t, "/office/").expect(t, 200, "").has(t, `href="/office/vat/"`)
			b := officer.get(t, "/office/vat/").expect(t, 200, "")
			b.has(t, code[:4]+"-"+code[4:8]+"-"+code[8:], "ОсОО «Нарын Агро Өнүгүү»", "25.11.2026 23:59")
			b.hasNot(t, ru("web.vat.flag.due_today"), ru("web.vat.flag.overdue"))
			e.clock.Set(time.Date(2026, 11, 25, 10, 0, 0, 0, kabinet.Bishkek)) // Wednesday: the last day
			officeIn()                                                         // the session's idle timeout has passed on the injected clock
			officer.get(t, "/office/vat/").expect(t, 200, "").has(t, `class="due-today"`, ru("web.vat.flag.due_today"))
			e.clock.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, kabinet.Bishkek)) // Thursday: past it
			officeIn()
			officer.get(t, "/office/vat/").expect(t, 200, "").has(t, `class="overdue"`, ru("web.vat.flag.overdue"))
			kyOfficer := e.browser("ky")
			kyOfficer.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
			kyOfficer.get(t, "/office/vat/").expect(t, 200, "").has(t, ky("web.vat.board.title"), ky("web.vat.flag.overdue"))
			other := e.browser("")
			other.post(t, "/office/login", "login", "oktyabr", "password", "Oktyabr!2026").expect(t, 303, "/office/")
			other.get(t, "/office/vat/").expect(t, 200, "").hasNot(t, code[:4])
			other.get(t, "/office/vat/applications/"+code).expect(t, 403, "")
			other.post(t, "/office/vat/applications/"+code+"/decision", "outcome", "assigned").expect(t, 403, "")
			e.browser("").get(t, "/office/vat/").expect(t, 303, "/office/login?m=signin")
		})

		var number, vcode string
		t.Run("VAT-3 decide on the page, print", func(t *testing.T) {
			path := "/office/vat/applications/" + code
			p := officer.get(t, path).expect(t, 200, "")
			p.has(t, `class="vat-assign"`, `class="vat-refuse"`, ru("web.vat.ground.other"), ru("web.vat.ground.fraud_evidence"))
			officer.post(t, path+"/decision", "outcome", "refused", "ground", "other", "text", "").expect(t, 422, "").
				has(t, "напишите, какое оно", `id="text-error"`)
			officer.post(t, path+"/decision", "outcome", "refused", "ground", "nonsense\x00").expect(t, 422, "").has(t, `id="ground-error"`)
			officer.post(t, path+"/decision", "outcome", "assigned").expect(t, 303, path)
			p = officer.get(t, path).expect(t, 200, "")
			p.has(t, ru("web.vat.outcome.assigned"), "AA 0000001 – 0000100", ru("web.vat.flag.overdue"))
			number = regexp.MustCompile(`038-\d{4}-\d{6}`).FindString(p.body)
			m := regexp.MustCompile(`class="mono vat-vcode">([^<]+)<`).FindStringSubmatch(p.body)
			if number == "" || m == nil {
				t.Fatalf("VAT-3 the decision's number and code: %s", excerpt(p.body))
			}
			vcode = m[1]
			pdfPage := officer.get(t, "/office/vat/decisions/"+number+".pdf").expect(t, 200, "")
			if ct := pdfPage.header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(pdfPage.body, "%PDF") {
				t.Errorf("VAT-3 PDF: %q", ct)
			}
			officer.get(t, "/office/vat/decisions/"+number).expect(t, 404, "")
			officer.get(t, "/office/vat/decisions/%00.pdf").expect(t, 404, "")
			officer.get(t, "/office/vat/applications/%FF%00").expect(t, 404, "")
		})

		t.Run("VAT-3 VAT-5 the subject sees the decision and reports unused numbers", func(t *testing.T) {
			payer.post(t, "/login", "login", payerLogin, "password", vatPassword).expect(t, 303, "/cabinet")
			p := payer.get(t, "/cabinet").expect(t, 200, "")
			p.has(t, ru("web.note.vat_decision"))
			p = payer.get(t, "/cabinet/vat").expect(t, 200, "")
			p.has(t, number, "AA 0000001 – 0000100", ru("web.vat.outcome.assigned"), `href="/cabinet/vat/decisions/`+number+`.pdf"`)
			payer.get(t, "/cabinet/vat/decisions/%00.pdf").expect(t, 404, "")
			pdfPage := payer.get(t, "/cabinet/vat/decisions/"+number+".pdf").expect(t, 200, "")
			if !strings.HasPrefix(pdfPage.body, "%PDF") {
				t.Error("VAT-3 the subject's print")
			}
			// Another subject cannot print it.
			e.browser("").get(t, "/cabinet/vat/decisions/"+number+".pdf").expect(t, 303, "/login?m=signin")
			payer.post(t, "/cabinet/vat/unused", "range", "1", "series", "AA", "to", "0000100", "from", "0000200", "password", vatPassword).
				expect(t, 404, "").has(t, `id="from-1-error"`, `value="0000200"`)
			payer.post(t, "/cabinet/vat/unused", "range", "1", "series", "AA", "to", "0000100", "from", "abc", "password", vatPassword).expect(t, 400, "")
			payer.post(t, "/cabinet/vat/unused", "range", "x\x00", "series", "ZZ\xff", "to", "", "from", "", "password", "").expect(t, 400, "")
			payer.post(t, "/cabinet/vat/unused", "range", "1", "series", "AA", "to", "0000100", "from", "0000051", "password", "Неверный2020!").
				expect(t, 401, "").has(t, `id="unused-password-1-error"`)
			payer.post(t, "/cabinet/vat/unused", "range", "1", "series", "AA", "to", "0000100", "from", "0000051", "password", vatPassword).
				expect(t, 303, "/cabinet/vat?m=unused")
			payer.get(t, "/cabinet/vat?m=unused").expect(t, 200, "").has(t, ru("web.vat.notice.unused"), "AA 0000051 – 0000100")
		})

		t.Run("VAT-3 public verification of the decision", func(t *testing.T) {
			for _, lang := range []string{"ru", "ky"} {
				b := e.browser(lang)
				p := b.get(t, "/vat/verify?number="+number+"&code="+vcode).expect(t, 200, "")
				p.has(t, "AA 0000001 – 0000100", "ОсОО «Нарын Агро Өнүгүү»", i18n.T(i18n.Lang(lang), "web.vat.verify.found"))
				b.get(t, "/vat/verify?number="+number+"&code=WRONG").expect(t, 404, "")
				b.get(t, "/vat/verify").expect(t, 200, "")
			}
		})

		t.Run("VAT-6 the public check page", func(t *testing.T) {
			b := e.browser("")
			b.get(t, "/vat/check").expect(t, 200, "").has(t, `method="post" action="/vat/check"`)
			b.post(t, "/vat/check", "series", "AA", "number", "0000050", "inn", vatPayerINN).expect(t, 200, "").has(t, ru("web.vat.state.assigned"))
			b.post(t, "/vat/check", "series", "AA", "number", "0000051", "inn", vatPayerINN).expect(t, 200, "").has(t, ru("web.vat.state.annulled"))
			b.post(t, "/vat/check", "series", "AA", "number", "0000050", "inn", guideINN).expect(t, 200, "").has(t, ru("web.vat.state.not_assigned"))
			k := e.browser("ky")
			k.post(t, "/vat/check", "series", "АА", "number", "60", "inn", vatPayerINN).expect(t, 200, "").has(t, ky("web.vat.state.annulled"))
			bad := b.post(t, "/vat/check", "series", "A\x00", "number", "1", "inn", vatPayerINN).expect(t, 400, "")
			bad.has(t, `id="series-error"`, `value="`+vatPayerINN+`"`)
			b.post(t, "/vat/check", "series", "AA", "number", "1", "inn", "12345").expect(t, 400, "").has(t, `id="inn-error"`)
		})
	})
}

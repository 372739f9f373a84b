package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
	"kabinet/web"
)

// The VAT tests' registry (the SPEC's optional columns present): the Guide's subject,
// not a VAT payer; a legal entity of 038 that is one; an entrepreneur of 038 who is one
// (the fraud mark and the liquidation are loaded later, after its access is granted,
// since the fraud mark bars access itself); one of office 001 who is one.
const (
	vatPayerINN  = "01503201010123"
	vatFraudINN  = "20107198200456"
	vatOtherINN  = "22001198500345"
	vatPassword  = "Нарын2020!x"
	vatHeader    = "inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports\n"
	vatFraudLine = `20107198200456,entrepreneur,Жумабеков Бакыт Асанович,,,038,"с. Ак-Кыя",active,%s,2021-03-01,` + "\n"
)

var vatRegistryCSV = vatHeader +
	`11705198700772,individual,Кашкариева Жазгул Бейшенбековна,,,038,"Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2,",active,,,
01503201010123,legal,ОсОО «Нарын Агро Өнүгүү»,Директор,Өмүрбеков Үсөн Каңкаевич,038,"г. Нарын",active,,2020-01-01,
` + fmt.Sprintf(vatFraudLine, "") +
	`22001198500345,entrepreneur,Ташиев Нурлан Сапарович,,,001,"г. Бишкек",active,,2022-01-01,
`

func newVATEnv(t *testing.T, dbURL string) *testServer {
	t.Helper()
	return startServer(t, dbURL, vatRegistryCSV, web.Config{BaseURL: "http://kabinet.test"})
}

// reimport loads registry lines over the test registry (inserting or updating by ИНН).
func (e *testServer) reimport(t *testing.T, lines string) {
	t.Helper()
	if _, err := e.db.ImportRegistry(context.Background(), store.System, "t", store.FormatCSV, strings.NewReader(vatHeader+lines),
		func(le store.LineError) { t.Errorf("registry: %v", le) }); err != nil {
		t.Fatal(err)
	}
}

// vatSubject grants access to inn through officer and returns a client signed in to it.
func vatSubject(t *testing.T, e *testServer, officer *client, inn string) *client {
	t.Helper()
	login := grantAccess(t, e.client(), officer, inn, vatPassword)
	return e.signedIn(t, login, vatPassword)
}

func (e *testServer) countAudit(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = $1", action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// rangesText prints a JSON answer's ranges: "AA 1-100, AB 1-5".
func rangesText(v any) string {
	rs, _ := v.([]any)
	var out []string
	for _, r := range rs {
		m, _ := r.(map[string]any)
		out = append(out, fmt.Sprintf("%v %.0f-%.0f", m["series"], m["from"], m["to"]))
	}
	return strings.Join(out, ", ")
}

func vatApply(t *testing.T, c *client, quantity int) map[string]any {
	t.Helper()
	return c.expect(t, "POST", "/api/v1/vat/applications", map[string]any{"quantity": quantity, "password": vatPassword}, 201, "").json(t)
}

func TestVATAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newVATEnv(t, dbURL)
		naryn, oktyabr := e.client(), e.client()
		naryn.staffLogin(t, "naryn", "Naryn!2026x")
		oktyabr.staffLogin(t, "oktyabr", "Oktyabr!2026")
		payer := vatSubject(t, e, naryn, vatPayerINN)
		var code, number, vcode string

		t.Run("VAT-2 sign-in and input rules", func(t *testing.T) {
			e.client().expect(t, "POST", "/api/v1/vat/applications", map[string]any{"quantity": 10, "password": vatPassword}, 401, "not_signed_in")
			e.client().expect(t, "GET", "/api/v1/vat/applications", nil, 401, "not_signed_in")
			for _, q := range []any{0, -1, 10_001, 1.5, "10", nil} {
				a := payer.expect(t, "POST", "/api/v1/vat/applications", map[string]any{"quantity": q, "password": vatPassword}, 422, "invalid_quantity")
				if !strings.Contains(string(a.body), "10000") {
					t.Errorf("VAT-2 the answer names the maximum: %s", a.body)
				}
			}
			payer.expect(t, "POST", "/api/v1/vat/applications", map[string]any{"quantity": 10, "password": "Неверный2020!"}, 401, "invalid_credentials")
			payer.expect(t, "POST", "/api/v1/vat/applications", `{"quantity": 10, "password": "x", "more": 1}`, 400, "invalid_json")
			payer.expect(t, "POST", "/api/v1/vat/applications", "\x00\xff", 400, "invalid_json")
		})

		t.Run("VAT-1 not a VAT payer is told why", func(t *testing.T) {
			guide := vatSubject(t, e, naryn, guideINN)
			a := guide.expect(t, "POST", "/api/v1/vat/applications", map[string]any{"quantity": 10, "password": vatPassword}, 409, "not_vat_payer")
			if !strings.Contains(string(a.body), "НДС") {
				t.Errorf("VAT-1 the message in plain words: %s", a.body)
			}
			l := guide.expect(t, "GET", "/api/v1/vat/applications", nil, 200, "").json(t)
			if p := l["payer"].(map[string]any); p["may_apply"] != false || p["reason"] != "not_vat_payer" {
				t.Errorf("VAT-1 payer state: %v", p)
			}
		})

		t.Run("VAT-2 apply, one open at a time", func(t *testing.T) {
			a := vatApply(t, payer, 100)
			code = a["code"].(string)
			if a["status"] != "open" || a["due_at"] == nil || a["quantity"].(float64) != 100 {
				t.Fatalf("VAT-2 application: %v", a)
			}
			// Due at the end of the second calendar day after submission, Bishkek time.
			due, _ := time.Parse(time.RFC3339, a["due_at"].(string))
			if want := time.Date(2026, 11, 26, 0, 0, 0, 0, kabinet.Bishkek); !due.Equal(want) && !due.Equal(want.Add(-time.Nanosecond)) && !due.Equal(want.Add(-time.Millisecond)) {
				t.Errorf("VAT-2 due %v", due.In(kabinet.Bishkek))
			}
			payer.expect(t, "POST", "/api/v1/vat/applications", map[string]any{"quantity": 5, "password": vatPassword}, 409, "application_open")
			l := payer.expect(t, "GET", "/api/v1/vat/applications", nil, 200, "").json(t)
			apps := l["applications"].([]any)
			if len(apps) != 1 || apps[0].(map[string]any)["code"] != code {
				t.Fatalf("VAT-2 the subject's list: %v", l)
			}
		})

		t.Run("VAT-3 the board and the wrong office", func(t *testing.T) {
			b := naryn.expect(t, "GET", "/api/v1/office/vat/applications", nil, 200, "")
			if !strings.Contains(string(b.body), code) || !strings.Contains(string(b.body), `"due_today":false`) {
				t.Errorf("VAT-2 038's board lacks %s: %s", code, b.body)
			}
			if b := oktyabr.expect(t, "GET", "/api/v1/office/vat/applications", nil, 200, ""); strings.Contains(string(b.body), code) {
				t.Errorf("ACC-10 001's board shows 038's application")
			}
			oktyabr.expect(t, "GET", "/api/v1/office/vat/applications/"+code, nil, 403, "wrong_office")
			oktyabr.expect(t, "POST", "/api/v1/office/vat/applications/"+code+"/decision", map[string]string{"outcome": "assigned"}, 403, "wrong_office")
			e.client().expect(t, "GET", "/api/v1/office/vat/applications", nil, 401, "not_signed_in")
			naryn.expect(t, "GET", "/api/v1/office/vat/applications/ZZZZZZZZZZZZ", nil, 404, "application_not_found")
			naryn.expect(t, "GET", "/api/v1/office/vat/applications/"+code, nil, 200, "")
		})

		t.Run("VAT-3 decision input", func(t *testing.T) {
			path := "/api/v1/office/vat/applications/" + code + "/decision"
			naryn.expect(t, "POST", path, map[string]string{"outcome": "granted"}, 422, "invalid_outcome")
			naryn.expect(t, "POST", path, map[string]string{"outcome": "refused"}, 422, "invalid_ground")
			naryn.expect(t, "POST", path, map[string]string{"outcome": "refused", "ground": "no_registration"}, 422, "invalid_ground")
			naryn.expect(t, "POST", path, map[string]string{"outcome": "refused", "ground": "other"}, 422, "ground_text_required")
			naryn.expect(t, "POST", path, map[string]string{"outcome": "assigned", "ground": "other", "text": "x"}, 422, "invalid_ground")
		})

		t.Run("VAT-3 VAT-4 assign, print, verify", func(t *testing.T) {
			d := naryn.expect(t, "POST", "/api/v1/office/vat/applications/"+code+"/decision", map[string]string{"outcome": "assigned"}, 201, "").json(t)
			number, vcode = d["number"].(string), d["verification_code"].(string)
			rs := d["ranges"].([]any)
			if len(rs) != 1 || rangesText(rs) != "AA 1-100" {
				t.Fatalf("VAT-4 ranges: %v", d)
			}
			naryn.expect(t, "POST", "/api/v1/office/vat/applications/"+code+"/decision", map[string]string{"outcome": "assigned"}, 409, "already_decided")
			p := naryn.expect(t, "GET", "/api/v1/office/vat/decisions/"+number+"/pdf", nil, 200, "")
			if ct := p.header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(string(p.body), "%PDF") {
				t.Errorf("VAT-3 PDF: %s", ct)
			}
			oktyabr.expect(t, "GET", "/api/v1/office/vat/decisions/"+number+"/pdf", nil, 403, "wrong_office")
			naryn.expect(t, "GET", "/api/v1/office/vat/decisions/000-0000-000000/pdf", nil, 404, "decision_not_found")
			// SEC-3: both engines answer alike to a NUL byte or invalid UTF-8 in the path.
			naryn.expect(t, "GET", "/api/v1/office/vat/decisions/%00/pdf", nil, 404, "decision_not_found")
			naryn.expect(t, "GET", "/api/v1/office/vat/decisions/%FF%FE/pdf", nil, 404, "decision_not_found")
			naryn.expect(t, "GET", "/api/v1/office/vat/applications/%00", nil, 404, "application_not_found")
			e.client().expect(t, "GET", "/api/v1/vat/decisions/verify?number=%00&code=%FF", nil, 404, "decision_not_found")
			v := e.client().expect(t, "GET", "/api/v1/vat/decisions/verify?number="+number+"&code="+vcode, nil, 200, "").json(t)
			if v["outcome"] != "assigned" || v["inn"] != vatPayerINN || len(v["ranges"].([]any)) != 1 {
				t.Errorf("VAT-3 verification: %v", v)
			}
			e.client().expect(t, "GET", "/api/v1/vat/decisions/verify?number="+number+"&code=WRONG1", nil, 404, "decision_not_found")
			l := payer.expect(t, "GET", "/api/v1/vat/applications", nil, 200, "").json(t)
			a := l["applications"].([]any)[0].(map[string]any)
			if a["status"] != "assigned" || a["decision"] == nil || len(a["ranges"].([]any)) != 1 {
				t.Errorf("VAT-3 the subject sees the decision: %v", a)
			}
			// The subject is notified in the cabinet.
			if n := e.count(t, "notifications"); n == 0 {
				t.Error("VAT-3 no notification")
			}
		})

		t.Run("VAT-5 unused numbers", func(t *testing.T) {
			unused := func(series string, from, to any, pw string, status int, code string) {
				t.Helper()
				payer.expect(t, "POST", "/api/v1/vat/unused", map[string]any{"series": series, "from": from, "to": to, "password": pw}, status, code)
			}
			unused("AA", 51, 99, vatPassword, 422, "invalid_tail")
			unused("AB", 51, 100, vatPassword, 404, "range_not_found")
			unused("A1", 51, 100, vatPassword, 400, "invalid_series")
			unused("AA", 0, 100, vatPassword, 400, "invalid_number")
			unused("AA", "x", 100, vatPassword, 400, "invalid_number")
			unused("AA", 51, 100, "Неверный2020!", 401, "invalid_credentials")
			unused("аа", "0000051", "0000100", vatPassword, 200, "") // Cyrillic look-alikes, printed digits
			unused("AA", 60, 100, vatPassword, 409, "already_annulled")
			l := payer.expect(t, "GET", "/api/v1/vat/applications", nil, 200, "").json(t)
			r := l["applications"].([]any)[0].(map[string]any)["ranges"].([]any)[0].(map[string]any)
			if r["annulled_from"].(float64) != 51 {
				t.Errorf("VAT-5 the range's annulled part: %v", r)
			}
		})

		t.Run("VAT-6 public check, audited, rate-limited", func(t *testing.T) {
			c := e.client()
			before := e.countAudit(t, "vat.check")
			for _, x := range []struct {
				series string
				number any
				inn    string
				state  string
			}{
				{"AA", 50, vatPayerINN, "assigned"},
				{"AA", "0000001", vatPayerINN, "assigned"},
				{"aa", 51, vatPayerINN, "annulled"},
				{"AA", 100, vatPayerINN, "annulled"},
				{"AA", 50, guideINN, "not_assigned"}, // another ИНН's number tells nothing
				{"AA", 101, vatPayerINN, "not_assigned"},
				{"ZZ", 9999999, vatPayerINN, "not_assigned"},
			} {
				a := c.expect(t, "POST", "/api/v1/vat/check", map[string]any{"series": x.series, "number": x.number, "inn": x.inn}, 200, "").json(t)
				if a["state"] != x.state || len(a) != 1 {
					t.Errorf("VAT-6 %s %v %s: %v, want only state %s", x.series, x.number, x.inn, a, x.state)
				}
			}
			if got := e.countAudit(t, "vat.check") - before; got != 7 {
				t.Errorf("SEC-2 %d checks audited, want 7", got)
			}
			c.expect(t, "POST", "/api/v1/vat/check", map[string]any{"series": "AA", "number": 1, "inn": "123"}, 400, "invalid_inn")
			c.expect(t, "POST", "/api/v1/vat/check", map[string]any{"series": "A", "number": 1, "inn": vatPayerINN}, 400, "invalid_series")
			c.expect(t, "POST", "/api/v1/vat/check", map[string]any{"series": "AA", "number": 0, "inn": vatPayerINN}, 400, "invalid_number")
			c.expect(t, "POST", "/api/v1/vat/check", map[string]any{"series": "AA", "number": "１２", "inn": vatPayerINN}, 400, "invalid_number")
			c.expect(t, "POST", "/api/v1/vat/check", map[string]any{"series": "AA\x00", "number": 1, "inn": vatPayerINN}, 400, "invalid_series")
			var limited answer
			for i := 0; i < 40 && limited.status != 429; i++ {
				limited = c.do(t, "POST", "/api/v1/vat/check", map[string]any{"series": "AA", "number": 1, "inn": vatPayerINN})
			}
			if limited.status != 429 || limited.code(t) != "rate_limited" || limited.header.Get("Retry-After") == "" {
				t.Fatalf("SEC-2 VAT-6 no rate limit: %d %s", limited.status, limited.body)
			}
		})

		t.Run("VAT-3 fraud mark bars assignment, refusal on its ground", func(t *testing.T) {
			fraud := vatSubject(t, e, naryn, vatFraudINN)
			fcode := vatApply(t, fraud, 10)["code"].(string)
			e.reimport(t, fmt.Sprintf(vatFraudLine, "Акт № 12-04/118"))
			path := "/api/v1/office/vat/applications/" + fcode + "/decision"
			a := naryn.expect(t, "POST", path, map[string]string{"outcome": "assigned"}, 409, "fraud_evidence")
			if !strings.Contains(string(a.body), "Акт № 12-04/118") {
				t.Errorf("VAT-3 the fraud refusal names its reference: %s", a.body)
			}
			v := naryn.expect(t, "GET", "/api/v1/office/vat/applications/"+fcode, nil, 200, "").json(t)
			if v["barred"] != "fraud_evidence" || v["fraud_mark"] != true {
				t.Errorf("VAT-3 the officer sees the bar: %v", v)
			}
			d := naryn.expect(t, "POST", path, map[string]string{"outcome": "refused", "ground": "fraud_evidence"}, 201, "").json(t)
			if d["ground"] != "fraud_evidence" || d["ranges"] != nil {
				t.Errorf("VAT-3 refusal: %v", d)
			}
			// A liquidated registration may not apply (VAT-1).
			e.reimport(t, strings.Replace(fmt.Sprintf(vatFraudLine, ""), ",active,", ",liquidated,", 1))
			fraud.expect(t, "POST", "/api/v1/vat/applications", map[string]any{"quantity": 10, "password": vatPassword}, 409, "registration_liquidated")
		})

		t.Run("VAT-4 split at a series' end; exhausted after ZZ", func(t *testing.T) {
			other := vatSubject(t, e, oktyabr, vatOtherINN)
			ocode := vatApply(t, other, 100)["code"].(string)
			path := "/api/v1/office/vat/applications/" + ocode + "/decision"
			ctx := context.Background()
			if err := e.db.SetVATSequenceForTest(ctx, kabinet.VATCapacity-10); err != nil {
				t.Fatal(err)
			}
			oktyabr.expect(t, "POST", path, map[string]string{"outcome": "assigned"}, 409, "series_exhausted")
			if err := e.db.SetVATSequenceForTest(ctx, kabinet.VATPosition(1, kabinet.VATNumbersPerSeries-29)); err != nil {
				t.Fatal(err)
			}
			d := oktyabr.expect(t, "POST", path, map[string]string{"outcome": "assigned"}, 201, "").json(t)
			if got := rangesText(d["ranges"]); got != "AB 9999970-9999999, AC 1-70" {
				t.Errorf("VAT-4 split ranges: %s", got)
			}
			// Password confirmation counts toward the lock (423 as sign-in).
			var last answer
			for i := 0; i < 6 && last.status != 423; i++ {
				last = other.do(t, "POST", "/api/v1/vat/applications", map[string]any{"quantity": 1, "password": "Неверный2020!"})
			}
			if last.status != 423 || last.code(t) != "account_locked" {
				t.Errorf("VAT-2 wrong passwords lock: %d %s", last.status, last.body)
			}
		})
	})
}

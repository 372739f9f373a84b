package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kabinet"
	"kabinet/i18n"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// vatPayerLine is a VAT payer of office 038 added to the demo registry for this test:
// a legal entity registered as a VAT payer since 2019 (the registry's optional column).
const (
	vatBrowserINN = "02001201510111"
	vatBrowserPW  = "Салык2026!nds"
	vatPayerLine  = "inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports\n" +
		`02001201510111,legal,ОсОО «Ак-Талаа Соода»,Директор,Бекмуратов Азамат Бакытович,038,"г. Нарын, ул. Ленина 5",active,,2019-07-01,` + "\n"
)

// addVATPayer loads the VAT payer into the instance's database, as `kabinet registry
// import` would.
func addVATPayer(t *testing.T, dbURL string) {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ImportRegistry(context.Background(), store.System, "test", store.FormatCSV, strings.NewReader(vatPayerLine),
		func(e store.LineError) { t.Errorf("registry: %v", e) }); err != nil {
		t.Fatal(err)
	}
}

// A VAT payer's whole path through the cabinet, the office and the public pages, in
// Russian and in Kyrgyz (CAB-3, VAT-1…VAT-6, I18N-1): access granted as a newcomer,
// then an application for 100 numbers confirmed with the password; the officer of 038
// finds it on the VAT board, assigns, prints the decision (a PDF); the decision
// verifies on the public page; the subject sees the range and reports its tail unused;
// the public check answers annulled for a number of the tail and assigned for one
// before it.
func TestBrowserVAT(t *testing.T) {
	chromiumPath(t)
	for i, e := range dbtest.Engines {
		lang := []i18n.Lang{i18n.RU, i18n.KY}[i%2]
		t.Run(e.Name+"/"+string(lang), func(t *testing.T) {
			dbURL := dbtest.URL(t, e)
			base := startInstance(t, dbURL, kabinet.SystemClock{}, true)
			addVATPayer(t, dbURL)
			vatFlow(t, base, lang)
		})
	}
}

func vatFlow(t *testing.T, base string, lang i18n.Lang) {
	tr := func(key string) string { return prefix(lang, key) }
	subject := browser(t, false) // the pages work without JavaScript

	// Access first, as any newcomer gets it (ACC-1…ACC-7).
	code, _, _ := applyForAccess(t, subject, base, false, vatBrowserINN, "AN 4890152", vatBrowserPW)
	officer := officeSignIn(t, base, true, "naryn", "Demo!Naryn038")
	officeFind(t, officer, vatBrowserINN, code)
	officeReceive(t, officer)
	login, _ := officeGrant(t, officer)
	setLang(t, subject, base, lang)
	setLang(t, officer, base, lang)

	// VAT-2: the cabinet's section; the application with the password.
	signIn(t, subject, base, login, vatBrowserPW)
	do(t, subject, "the VAT section", chromedp.Navigate(base+"/cabinet/vat"), chromedp.WaitVisible(chromedp.CSS("#quantity")),
		chromedp.SendKeys(chromedp.CSS("#quantity"), "100"), chromedp.SendKeys(chromedp.CSS("#vat-password"), vatBrowserPW))
	shot(t, subject, "vat-01-apply")
	page(t, subject, "apply", steps(chromedp.Click(chromedp.CSS("form.vat-apply-form button[type=submit]"))),
		chromedp.WaitVisible(chromedp.CSS("table.vat-apps")))
	shot(t, subject, "vat-02-applied")
	body := bodyText(t, subject)
	if !hasText(body, tr("web.vat.notice.applied")) || !hasText(body, tr("web.vat.status.open")) {
		t.Fatalf("VAT-2 the application's state:\n%s", body)
	}
	vcode := strings.ReplaceAll(strings.TrimSpace(text(t, subject, "table.vat-apps tbody td.mono")), "-", "")
	if len(vcode) != 12 {
		t.Fatalf("VAT-2 application code %q", vcode)
	}

	// VAT-2, VAT-3: the officer finds it on the board and assigns.
	do(t, officer, "the VAT board", chromedp.Navigate(base+"/office/"), chromedp.WaitVisible(chromedp.CSS(".office-vat-link a")))
	page(t, officer, "open the VAT board", steps(chromedp.Click(chromedp.CSS(".office-vat-link a"))), chromedp.WaitVisible(chromedp.CSS("#vat-open")))
	shot(t, officer, "vat-03-board")
	link := `a[href="/office/vat/applications/` + vcode + `"]`
	page(t, officer, "open the application", steps(chromedp.Click(chromedp.CSS(link))), chromedp.WaitVisible(chromedp.CSS("form.vat-assign")))
	page(t, officer, "assign", steps(chromedp.Click(chromedp.CSS("form.vat-assign button[type=submit]"))),
		chromedp.WaitVisible(chromedp.CSS(".vat-decision-number")))
	shot(t, officer, "vat-04-assigned")
	number := strings.TrimSpace(text(t, officer, ".vat-decision-number"))
	verification := strings.TrimSpace(text(t, officer, ".vat-vcode"))
	rangeText := strings.TrimSpace(text(t, officer, `section[aria-labelledby="vat-decided"] .vat-range`))
	m := regexp.MustCompile(`^([A-Z]{2}) (\d{7}) – (\d{7})$`).FindStringSubmatch(rangeText)
	if m == nil {
		t.Fatalf("VAT-3 the decision's range %q", rangeText)
	}
	series, first, _ := m[1], m[2], m[3]

	// The printed decision: a PDF (two copies, QR), fetched with the officer's session.
	ct, err := chromedp.Run(officer, chromedp.Evaluate[string](`fetch(document.querySelector('a.vat-print').href).then(r => r.status + ' ' + r.headers.get('content-type'))`,
		chromedp.EvalAwaitPromise))
	if err != nil || ct != "200 application/pdf" {
		t.Fatalf("VAT-3 the printed decision: %q %v", ct, err)
	}

	// The decision verifies on the public page (as its QR leads there).
	public := browser(t, false)
	setLang(t, public, base, lang)
	do(t, public, "verify the decision", chromedp.Navigate(base+"/vat/verify?number="+number+"&code="+verification), chromedp.WaitVisible(chromedp.CSS("#vr")))
	shot(t, public, "vat-05-verified")
	if body := bodyText(t, public); !hasText(body, tr("web.vat.verify.found")) || !strings.Contains(body, rangeText) {
		t.Fatalf("VAT-3 verification:\n%s", body)
	}

	// VAT-3, VAT-5: the subject sees the decision and the range, and reports its tail unused.
	firstN, _ := strconv.Atoi(first)
	tail := kabinet.FormatVATNumber(firstN + 50)
	do(t, subject, "the range in the cabinet", chromedp.Navigate(base+"/cabinet/vat"), chromedp.WaitVisible(chromedp.CSS("#range-1")))
	body = bodyText(t, subject)
	if !strings.Contains(body, rangeText) || !strings.Contains(body, number) || !hasText(body, tr("web.vat.outcome.assigned")) {
		t.Fatalf("VAT-3 the subject's decision:\n%s", body)
	}
	do(t, subject, "type the unused tail", chromedp.SendKeys(chromedp.CSS("#from-1"), tail), chromedp.SendKeys(chromedp.CSS("#unused-password-1"), vatBrowserPW))
	page(t, subject, "report unused", steps(chromedp.Click(chromedp.CSS("#range-1 form.vat-unused-form button[type=submit]"))),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	shot(t, subject, "vat-06-unused")
	if annulled := text(t, subject, "#range-1 .vat-annulled"); !strings.Contains(annulled, series+" "+tail) {
		t.Fatalf("VAT-5 the annulled part %q", annulled)
	}

	// VAT-6: the public check: annulled for a number of the tail, assigned before it.
	check := func(number string) string {
		do(t, public, "the check form", chromedp.Navigate(base+"/vat/check"), chromedp.WaitVisible(chromedp.CSS("#series")),
			chromedp.SendKeys(chromedp.CSS("#series"), series), chromedp.SendKeys(chromedp.CSS("#number"), number),
			chromedp.SendKeys(chromedp.CSS("#inn"), vatBrowserINN))
		page(t, public, "check", steps(chromedp.Click(chromedp.CSS("form.vat-check-form button[type=submit]"))), chromedp.WaitVisible(chromedp.CSS("#vat-state")))
		return strings.TrimSpace(text(t, public, "#vat-state"))
	}
	if got := check(kabinet.FormatVATNumber(firstN + 70)); !hasText(got, tr("web.vat.state.annulled")) {
		t.Fatalf("VAT-6 a number of the tail: %q", got)
	}
	shot(t, public, "vat-07-check-annulled")
	if got := check(first); !hasText(got, tr("web.vat.state.assigned")) {
		t.Fatalf("VAT-6 an assigned number: %q", got)
	}
}

package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"kabinet"
	"kabinet/demo"
	"kabinet/i18n"
	"kabinet/internal/dbtest"
)

// The filing pages in a browser (CAB-2; FIL-2, FIL-4, FIL-6, FIL-7, FIL-8, FIL-9;
// I18N-1): a subject gets access as the Guide describes, fills a report generated
// from its definition, sees input control beside the cell, submits with the password,
// prints, corrects; the officer of the office finds the filings.

// filingCase is one run: an engine, JavaScript on or off, a language.
type filingCase struct {
	engine dbtest.Engine
	js     bool
	lang   i18n.Lang
}

func (c filingCase) name() string {
	js := "js"
	if !c.js {
		js = "nojs"
	}
	return c.engine.Name + "/" + js + "/" + string(c.lang)
}

var filingNumberRE = regexp.MustCompile(`F-\d{4}-\d{7}`)

// filingSetup is one instance with its clock and the people's browsers.
type filingSetup struct {
	c       filingCase
	base    string
	dbURL   string
	subject context.Context
	officer context.Context
}

func newFilingSetup(t *testing.T, c filingCase, now time.Time) *filingSetup {
	t.Helper()
	s := &filingSetup{c: c, dbURL: dbtest.URL(t, c.engine)}
	s.base = startInstance(t, s.dbURL, kabinet.NewManualClock(now), true)
	s.subject = browser(t, c.js)
	setLang(t, s.subject, s.base, c.lang)
	return s
}

// grant gets the subject an account through the pages (ACC-1…ACC-7) and signs in.
func (s *filingSetup) grant(t *testing.T, inn, passport, pw string) {
	t.Helper()
	code, _, _ := applyForAccess(t, s.subject, s.base, s.c.js, inn, passport, pw)
	var officer demo.StaffMember
	for _, m := range demo.Staff {
		if m.Login == "naryn" {
			officer = m
		}
	}
	s.officer = officeSignIn(t, s.base, s.c.js, officer.Login, officer.Password)
	setLang(t, s.officer, s.base, s.c.lang)
	officeFind(t, s.officer, inn, code)
	officeReceive(t, s.officer)
	login, _ := officeGrant(t, s.officer)
	signIn(t, s.subject, s.base, login, pw)
}

// openDue opens the «Отчёты» page and fills in form for period from its due list (FIL-8).
func (s *filingSetup) openDue(t *testing.T, code, period string) {
	t.Helper()
	do(t, s.subject, "the reports page", chromedp.Navigate(s.base+"/cabinet/filings"), chromedp.WaitVisible(chromedp.CSS("#due")))
	shot(t, s.subject, "10-filings")
	link := `table.due-list a[href="/cabinet/filings/fill?form=` + code + `&period=` + period + `"]`
	page(t, s.subject, "fill "+code+" "+period+" from the due list", steps(chromedp.Click(chromedp.CSS(link))),
		chromedp.WaitVisible(chromedp.CSS("form.filing-form")))
}

// typeCell replaces a field's value as a person does: select all, type over.
func typeCell(t *testing.T, ctx context.Context, name, value string) {
	t.Helper()
	sel := `[name="` + name + `"]`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('`+sel+`').value = '', true)`)); err != nil {
		t.Fatalf("clear %s: %v", name, err)
	}
	do(t, ctx, "type "+name, chromedp.SendKeys(chromedp.CSS(sel), value))
}

// chooseCell picks an option of a select.
func chooseCell(t *testing.T, ctx context.Context, name, value string) {
	t.Helper()
	do(t, ctx, "choose "+name, chromedp.SetValue(chromedp.CSS(`select[name="`+name+`"]`), value))
}

// button clicks a submit button of the fill page and waits for the page it answers with.
func (s *filingSetup) button(t *testing.T, what, sel, then string) {
	t.Helper()
	page(t, s.subject, what, steps(chromedp.Click(chromedp.CSS(sel))), chromedp.WaitVisible(chromedp.CSS(then)))
}

// submit types the password and submits; it returns the receipt's number (FIL-6, FIL-7).
func (s *filingSetup) submit(t *testing.T, pw string) string {
	t.Helper()
	do(t, s.subject, "type the password", chromedp.SendKeys(chromedp.CSS("#password"), pw))
	s.button(t, "submit the report", "button.filing-send", ".filing-number")
	if loc := location(t, s.subject); !strings.HasPrefix(loc, "/cabinet/filings/F-") {
		t.Fatalf("FIL-7 the receipt is not its own page after the POST: %s", loc)
	}
	number := strings.TrimSpace(text(t, s.subject, ".filing-number"))
	if !filingNumberRE.MatchString(number) {
		t.Fatalf("FIL-7 registration number %q", number)
	}
	vcode := strings.TrimSpace(text(t, s.subject, ".filing-vcode"))
	if vcode == "" || !hasText(bodyText(t, s.subject), i18n.T(s.c.lang, "filing.receipt.accepted")) {
		t.Fatalf("FIL-7 receipt without a verification code or acceptance:\n%s", bodyText(t, s.subject))
	}
	return number
}

// pdf fetches a link of the page with the browser's cookies and checks it is a PDF.
func (s *filingSetup) pdf(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), "href"))
	href := attr.Value
	if err != nil || href == "" {
		t.Fatalf("FIL-7 no print link %s: %v", sel, err)
	}
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.base}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", s.base+href, nil)
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(b), "%PDF") {
		t.Fatalf("FIL-7 %s: %d %s", href, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	os.WriteFile(filepath.Join(artifacts(t), nonWord.ReplaceAllString(t.Name(), "_")+"-"+name), b, 0o644)
}

// An entrepreneur of 038 whose registry record says STI-091 files the single tax for
// 2026-Q1: a rate the line does not allow is an error beside cell 051, kept as typed;
// corrected, the report is accepted with a receipt, printed, then corrected by an
// Уточненный; the officer of 038 lists both and opens one.
func TestBrowserFilingEntrepreneur(t *testing.T) {
	chromiumPath(t)
	for _, c := range []filingCase{{dbtest.Engines[0], true, i18n.RU}, {dbtest.Engines[1], false, i18n.KY}} {
		t.Run(c.name(), func(t *testing.T) {
			filingEntrepreneur(t, c)
		})
	}
}

func filingEntrepreneur(t *testing.T, c filingCase) {
	const inn, pw = "20304198900123", "Нарын2026!"
	s := newFilingSetup(t, c, time.Date(2026, 4, 10, 10, 0, 0, 0, kabinet.Bishkek))
	// The registry says this subject files STI-091 (FIL-8).
	csv := filepath.Join(t.TempDir(), "registry.csv")
	os.WriteFile(csv, []byte("inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports\n"+
		inn+`,entrepreneur,Осмонова Айнура Токтогуловна,,,038,"Нарынская обл., г. Нарын, ул. Ленина 10",active,,,STI-091`+"\n"), 0o644)
	if code, out, errOut := kabinetCmd(t, "", "registry", "import", "--db", s.dbURL, csv); code != 0 {
		t.Fatalf("registry import: %d %s %s", code, out, errOut)
	}
	s.grant(t, inn, "AN 1234567", pw)

	// FIL-2: header 102–104 from the registry, read-only.
	s.openDue(t, "STI-091", "2026-Q1")
	shot(t, s.subject, "11-fill-empty")
	if got := text(t, s.subject, `output[id="c102"]`); got != inn {
		t.Fatalf("FIL-2 cell 102 %q", got)
	}
	typeCell(t, s.subject, "c105", "+996 555 123456")
	typeCell(t, s.subject, "c050", "1 234 567,89")
	typeCell(t, s.subject, "c051", "7")
	errBox := `[data-error-for="c051"]`
	if c.js {
		// The compute endpoint as one types: no button pressed.
		if _, err := chromedp.Run(s.subject, chromedp.Poll[bool](`!document.querySelector('`+errBox+`').hidden`)); err != nil {
			shot(t, s.subject, "failed")
			t.Fatalf("FIL-2 no error beside 051 as the taxpayer typed: %v", err)
		}
	} else {
		s.button(t, "recompute without JavaScript", "button.filing-recompute", errBox+":not([hidden])")
	}
	shot(t, s.subject, "12-fill-error")
	if msg := text(t, s.subject, errBox); msg == "" {
		t.Fatalf("FIL-4 error beside 051: %q", msg)
	}
	if v, _ := chromedp.Run(s.subject, chromedp.Value(chromedp.CSS(`[name="c050"]`))); v != "1 234 567,89" {
		t.Fatalf("SEC-3 what was typed is not kept: 050 %q", v)
	}
	typeCell(t, s.subject, "c051", "4")
	if !c.js {
		s.button(t, "recompute", "button.filing-recompute", ".filing-ok")
	} else if _, err := chromedp.Run(s.subject, chromedp.Poll[bool](`document.querySelector('output[id="c052"]').textContent.indexOf('49') === 0`)); err != nil {
		t.Fatalf("FIL-2 computed 052 did not update: %v", err)
	}
	if got := text(t, s.subject, `output[id="c052"]`); !strings.HasPrefix(strings.ReplaceAll(got, "\u00a0", " "), "49 382,72") {
		t.Fatalf("FIL-2 052 = %q, want 49 382,72", got)
	}
	first := s.submit(t, pw)
	shot(t, s.subject, "13-receipt")
	if !hasText(text(t, s.subject, ".filing-late"), i18n.T(c.lang, "filing.on_time")) {
		t.Fatalf("FIL-8 filed on 10.04 for a 20.04 due date is on time")
	}
	s.pdf(t, s.subject, "a.filing-print", "report.pdf")
	s.pdf(t, s.subject, "a.filing-print-receipt", "receipt.pdf")

	// FIL-5: an Уточненный for the same period; 105 is offered from the last filing.
	page(t, s.subject, "file a correction", steps(chromedp.Click(chromedp.CSS("a.filing-correct"))), chromedp.WaitVisible(chromedp.CSS("form.filing-form")))
	if v, _ := chromedp.Run(s.subject, chromedp.Value(chromedp.CSS(`[name="c105"]`))); v != "+996 555 123456" {
		t.Fatalf("FIL-2 105 not offered from the last filing: %q", v)
	}
	typeCell(t, s.subject, "c050", "1 300 000")
	typeCell(t, s.subject, "c051", "4")
	second := s.submit(t, pw)
	if second == first || !hasText(bodyText(t, s.subject), i18n.T(c.lang, "filing.type.correction")) {
		t.Fatalf("FIL-5 correction receipt %s after %s", second, first)
	}
	shot(t, s.subject, "14-correction")

	// FIL-9: the officer of 038 lists both and opens the first as filed.
	do(t, s.officer, "office filings", chromedp.Navigate(s.base+"/office/filings?form=STI-091&period=2026-Q1"), chromedp.WaitVisible(chromedp.CSS("form.filing-filter")))
	list := bodyText(t, s.officer)
	if !strings.Contains(list, first) || !strings.Contains(list, second) {
		t.Fatalf("FIL-9 the office list lacks %s or %s:\n%s", first, second, list)
	}
	shot(t, s.officer, "15-office-list")
	page(t, s.officer, "open the first filing", steps(chromedp.Click(chromedp.CSS(`a[href="/office/filings/`+first+`"]`))), chromedp.WaitVisible(chromedp.CSS(".filing-number")))
	filed := strings.ReplaceAll(bodyText(t, s.officer), "\u00a0", " ")
	if !strings.Contains(filed, "1 234 567,89") || !strings.Contains(filed, inn) {
		t.Fatalf("FIL-9 the filing as filed:\n%s", filed)
	}
	s.pdf(t, s.officer, "a.filing-print", "office-report.pdf")
	shot(t, s.officer, "16-office-filing")

	// FIL-7: anyone verifies the receipt by number and code.
	vcode := text(t, s.subject, ".filing-vcode")
	anyone := browser(t, c.js)
	setLang(t, anyone, s.base, c.lang)
	do(t, anyone, "verification page", chromedp.Navigate(s.base+"/verify/filing?number="+second+"&code="+strings.TrimSpace(vcode)), chromedp.WaitVisible(chromedp.CSS("form.filing-verify")))
	page(t, anyone, "verify", steps(chromedp.Click(chromedp.CSS("form.filing-verify button"))), chromedp.WaitVisible(chromedp.CSS(".filing-verified")))
	if v := bodyText(t, anyone); strings.Contains(v, "1 300 000") || strings.Contains(v, inn) {
		t.Fatalf("FIL-7 verification shows more than the receipt:\n%s", v)
	}
}

// The Guide's declarant (ИНН 11705198700772) gets access and, on 20.03.2027, files
// the STI-155 declaration for 2026 with a spouse, a flat and a car (FIL-2, FIL-7).
func TestBrowserFilingDeclarant(t *testing.T) {
	chromiumPath(t)
	for _, c := range []filingCase{{dbtest.Engines[0], false, i18n.RU}, {dbtest.Engines[1], true, i18n.KY}} {
		t.Run(c.name(), func(t *testing.T) {
			filingDeclarant(t, c)
		})
	}
}

func filingDeclarant(t *testing.T, c filingCase) {
	const pw = "Луна2018!"
	s := newFilingSetup(t, c, time.Date(2027, 3, 20, 11, 0, 0, 0, kabinet.Bishkek))
	s.grant(t, demo.GuideINN, "AN 4890152", pw)
	s.openDue(t, "STI-155", "2026")
	if !hasText(bodyText(t, s.subject), string([]rune(i18n.T(c.lang, "filing.provisional.text"))[:30])) {
		t.Fatalf("FIL-1 the provisional form does not say so")
	}
	typeCell(t, s.subject, "c105", "+996 700 112233")
	typeCell(t, s.subject, "c106", "Нарынская районная государственная администрация")
	typeCell(t, s.subject, "c107", "Главный специалист")
	chooseCell(t, s.subject, "t.persons.1.2", "declarant")
	typeCell(t, s.subject, "t.persons.1.3", "Кашкариева Жазгул Бейшенбековна")
	s.button(t, "add a person", `button[value="add:persons"]`, `[name="t.persons.2.3"]`)
	chooseCell(t, s.subject, "t.persons.2.2", "spouse")
	typeCell(t, s.subject, "t.persons.2.3", "Кашкариев Бакыт Асанович")
	s.button(t, "add income", `button[value="add:income"]`, `[name="t.income.1.2"]`)
	typeCell(t, s.subject, "t.income.1.1", "1")
	typeCell(t, s.subject, "t.income.1.2", "Нарынская районная государственная администрация")
	chooseCell(t, s.subject, "t.income.1.3", "salary")
	typeCell(t, s.subject, "t.income.1.4", "480 000")
	s.button(t, "add a flat", `button[value="add:real_estate"]`, `[name="t.real_estate.1.3"]`)
	typeCell(t, s.subject, "t.real_estate.1.1", "1")
	chooseCell(t, s.subject, "t.real_estate.1.2", "flat")
	typeCell(t, s.subject, "t.real_estate.1.3", "г. Нарын, ул. Ленина 12, кв. 4")
	typeCell(t, s.subject, "t.real_estate.1.4", "54,3")
	chooseCell(t, s.subject, "t.real_estate.1.5", "own")
	s.button(t, "add a car", `button[value="add:vehicles"]`, `[name="t.vehicles.1.3"]`)
	typeCell(t, s.subject, "t.vehicles.1.1", "2")
	chooseCell(t, s.subject, "t.vehicles.1.2", "car")
	typeCell(t, s.subject, "t.vehicles.1.3", "Toyota Camry")
	typeCell(t, s.subject, "t.vehicles.1.4", "2015")
	typeCell(t, s.subject, "t.vehicles.1.5", "N 123 ABC")
	s.button(t, "save the draft", "button.filing-save", "form.filing-form")
	shot(t, s.subject, "11-declaration")
	if v, _ := chromedp.Run(s.subject, chromedp.Value(chromedp.CSS(`[name="t.vehicles.1.3"]`))); v != "Toyota Camry" {
		t.Fatalf("FIL-2 the draft did not keep the car: %q", v)
	}
	s.button(t, "recompute", "button.filing-recompute", "form.filing-form")
	if got := strings.ReplaceAll(text(t, s.subject, `output[id="c601"]`), "\u00a0", " "); got != "480 000,00" {
		shot(t, s.subject, "failed")
		t.Fatalf("FIL-2 601 = %q:\n%s", got, bodyText(t, s.subject))
	}
	s.submit(t, pw)
	shot(t, s.subject, "12-receipt")
	body := bodyText(t, s.subject)
	if !hasText(text(t, s.subject, ".filing-late"), i18n.T(c.lang, "filing.on_time")) || !strings.Contains(body, "Toyota Camry") {
		t.Fatalf("FIL-7 the declaration's receipt:\n%s", body)
	}
	s.pdf(t, s.subject, "a.filing-print", "declaration.pdf")
}

package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kabinet/demo"
	"kabinet/i18n"
	"kabinet/internal/dbtest"
)

// evalOn evaluates a layout measurement on the page.
func evalOn[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		shot(t, ctx, "failed")
		t.Fatalf("measure %s: %v", js, err)
	}
	return v
}

// officeHeader is the back office's header as laid out: the sign-out's line boxes, the
// menu's rows (the pages of every officer, and the supervisor's row under its label).
type officeHeader struct {
	Text      string   `json:"text"`   // the sign-out's words
	Rects     int      `json:"rects"`  // its line boxes
	Height    float64  `json:"height"` // its height
	Line      float64  `json:"line"`   // its line's height
	Top       float64  `json:"top"`
	Row       float64  `json:"row"`  // the header row's bottom
	Lang      float64  `json:"lang"` // the language switch's top
	Rows      int      `json:"rows"` // distinct tops of the first menu list's items
	MenuEnd   float64  `json:"menuEnd"`
	Admin     bool     `json:"admin"`     // the supervisor's row is there
	AdminRows int      `json:"adminRows"` // distinct tops of its items and its label
	AdminTop  float64  `json:"adminTop"`
	Broken    []string `json:"broken"` // menu entries (and the label) whose words wrap
	Share     float64  `json:"share"`  // header and menu, a share of the viewport's height
}

// measureOfficeHeader measures the back office's header on the page the browser shows.
func measureOfficeHeader(t *testing.T, ctx context.Context) officeHeader {
	t.Helper()
	return evalOn[officeHeader](t, ctx, `(() => {
		const out = document.querySelector('.header-tools button.header-link');
		const r = out.getBoundingClientRect(), cs = getComputedStyle(out);
		const tops = els => new Set(els.map(e => { const r = e.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 2); })).size;
		const lines = e => { const g = document.createRange(); g.selectNodeContents(e); return tops([...g.getClientRects()].map(r => ({getBoundingClientRect: () => r}))) > 1; };
		const main = [...document.querySelectorAll('.site-nav .wrap > ul > li')];
		const admin = document.querySelector('.nav-admin');
		return {text: out.innerText, rects: out.getClientRects().length, height: r.height, line: parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.5,
			top: r.top, row: document.querySelector('.header-row').getBoundingClientRect().bottom,
			lang: document.querySelector('.lang-switch button').getBoundingClientRect().top, rows: tops(main),
			menuEnd: Math.max(...main.map(li => li.getBoundingClientRect().bottom)),
			admin: !!admin, adminRows: admin ? tops([...admin.querySelectorAll('li'), admin.querySelector('.nav-admin-label')]) : 0,
			adminTop: admin ? admin.getBoundingClientRect().top : 0,
			broken: [...document.querySelectorAll('.site-nav a, .nav-admin-label')].filter(lines).map(e => e.textContent),
			share: document.querySelector('.site-header').getBoundingClientRect().bottom / window.innerHeight};
	})()`)
}

// headerShare is the header and the menu's height as a share of the viewport's.
const headerShare = `(document.querySelector('.site-header').getBoundingClientRect().bottom) / window.innerHeight`

// The officer and the taxpayer in both languages (issue 14, points 4, 6, 7, 8): the
// grant asks to be confirmed on a page naming the subject, the outcome and the office,
// and without JavaScript a grant not confirmed grants nothing (ACC-6, ACC-7); the
// history names the staff member; «Помощь» is reached from the top right and from the
// change-password screen (Guide); on a 390 px phone the header and the folded menu
// take at most a fifth of the screen, and the menu opens without JavaScript; at
// 1280 px the Kyrgyz office header keeps «Чыгуу» on one line. axe finds nothing on
// the Help page and the confirmation.
func TestBrowserOfficer(t *testing.T) {
	chromiumPath(t)
	axeCore(t)
	base := startApp(t, dbtest.Engines[0])
	const inn, passport, pw = demo.GuideINN, "AN 4890152", "Луна2018!"
	officerName := ""
	for _, m := range demo.Staff {
		if m.Login == "naryn" {
			officerName = m.Name
		}
	}

	subject := browser(t, true)
	code, name, _ := applyForAccess(t, subject, base, true, inn, passport, pw)
	officer := officeSignIn(t, base, true, "naryn", "Demo!Naryn038")
	officeFind(t, officer, inn, code)
	officeReceive(t, officer)
	appURL := base + "/office/applications/" + code

	t.Run("ACC-6 without JavaScript a grant not confirmed grants nothing", func(t *testing.T) {
		nojs := officeSignIn(t, base, false, "naryn", "Demo!Naryn038")
		do(t, nojs, "the application", chromedp.Navigate(appURL), chromedp.WaitVisible(chromedp.CSS("form.decision-grant")))
		page(t, nojs, "Предоставить доступ", steps(chromedp.Click(chromedp.CSS("form.decision-grant button[type=submit]"))),
			chromedp.WaitVisible(chromedp.CSS("form.decision-confirm-form")))
		shot(t, nojs, "01-confirm-nojs")
		if h1 := text(t, nojs, "h1"); h1 != i18n.T(i18n.RU, "officer.confirm.h1") {
			t.Fatalf("the confirmation's heading %q", h1)
		}
		// Leaving the confirmation unanswered: the application still awaits its decision.
		do(t, nojs, "back to the application", chromedp.Navigate(appURL), chromedp.WaitVisible(chromedp.CSS("form.decision-grant")))
		if body := bodyText(t, nojs); hasText(body, i18n.T(i18n.RU, "web.office.decided.title")) {
			t.Fatalf("ACC-6 granted without confirmation:\n%s", body)
		}
	})

	t.Run("ACC-6 ACC-10 the confirmation names the subject, the outcome and the office; axe", func(t *testing.T) {
		for _, lang := range i18n.Langs {
			setLang(t, officer, base, lang)
			do(t, officer, "the application", chromedp.Navigate(appURL), chromedp.WaitVisible(chromedp.CSS("form.decision-grant")))
			page(t, officer, "grant", steps(chromedp.Click(chromedp.CSS("form.decision-grant button[type=submit]"))),
				chromedp.WaitVisible(chromedp.CSS("form.decision-confirm-form")))
			shot(t, officer, "02-confirm-"+string(lang))
			facts := text(t, officer, ".decision-confirm")
			office := map[i18n.Lang]string{i18n.RU: "038 Нарынский р-н", i18n.KY: "038 Нарын району"}[lang]
			for _, want := range []string{name, inn, office, i18n.T(lang, "web.outcome.granted"), officerName} {
				if !hasText(facts, want) {
					t.Errorf("I18N-1 %s: the confirmation lacks %q:\n%s", lang, want, facts)
				}
			}
			axeClean(t, officer, "the confirmation ("+string(lang)+")")
		}
		page(t, officer, "Ырастоо: жеткиликтүүлүк берүү", steps(chromedp.Click(chromedp.CSS("form.decision-confirm-form button[type=submit]"))),
			chromedp.WaitVisible(chromedp.CSS("#decided")))
		shot(t, officer, "03-granted-ky")
	})

	t.Run("staff names, not logins, in the application's history", func(t *testing.T) {
		for _, lang := range []i18n.Lang{i18n.KY, i18n.RU} {
			setLang(t, officer, base, lang)
			do(t, officer, "the application", chromedp.Navigate(appURL), chromedp.WaitVisible(chromedp.CSS("#hist")))
			hist := text(t, officer, `section[aria-labelledby="hist"]`)
			if !hasText(hist, officerName) || !hasText(hist, i18n.T(lang, "officer.actor.public")) || hasText(hist, "staff:") || hasText(hist, "public") {
				t.Errorf("I18N-1 %s: the history:\n%s", lang, hist)
			}
		}
	})

	var login string
	t.Run("«Помощь» from the top right and from the change-password screen; axe", func(t *testing.T) {
		do(t, officer, "the decision's login", chromedp.Navigate(appURL), chromedp.WaitVisible(chromedp.CSS(`section[aria-labelledby="decided"] .code-big`)))
		login = strings.TrimSpace(text(t, officer, `section[aria-labelledby="decided"] .code-big`))
		for _, lang := range i18n.Langs {
			setLang(t, subject, base, lang)
			do(t, subject, "home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".header-tools a[href='/help']")))
			page(t, subject, "Помощь (top right)", steps(chromedp.Click(chromedp.CSS(".header-tools a[href='/help']"))),
				chromedp.WaitVisible(chromedp.CSS("#h-numbers")))
			shot(t, subject, "04-help-"+string(lang))
			if h1 := text(t, subject, "h1"); h1 != i18n.T(lang, "help.title") {
				t.Errorf("I18N-1 %s: the Help page's heading %q", lang, h1)
			}
			axeClean(t, subject, "the Help page ("+string(lang)+")")
		}
		setLang(t, subject, base, i18n.RU)
		signIn(t, subject, base, login, pw)
		do(t, subject, "the change-password screen", chromedp.Navigate(base+"/password"), chromedp.WaitVisible(chromedp.CSS(".crumbs-row .help-link a")))
		page(t, subject, "Помощь (change-password screen)", steps(chromedp.Click(chromedp.CSS(".crumbs-row .help-link a"))),
			chromedp.WaitVisible(chromedp.CSS("#h-signin")))
		if loc := location(t, subject); loc != "/help" {
			t.Errorf("the change-password screen's Help leads to %s", loc)
		}
	})

	t.Run("a 390 px phone: header and folded menu at most a fifth of the screen; the menu opens without JavaScript", func(t *testing.T) {
		phone := browser(t, false)
		signIn(t, phone, base, login, pw)
		do(t, phone, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		officerPhone := officeSignIn(t, base, true, "naryn", "Demo!Naryn038")
		do(t, officerPhone, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		for _, lang := range i18n.Langs {
			for _, p := range []struct {
				who  context.Context
				path string
			}{{phone, "/"}, {phone, "/cabinet"}, {phone, "/help"}, {officerPhone, "/office/"}} {
				setLang(t, p.who, base, lang)
				do(t, p.who, "open "+p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(".nav-toggle summary")))
				shot(t, p.who, "05-phone-"+string(lang)+strings.ReplaceAll(p.path, "/", "-"))
				share := evalOn[float64](t, p.who, headerShare)
				t.Logf("%s %s: header and menu %.1f%% of 844 px", lang, p.path, share*100)
				if share > 0.20 {
					t.Errorf("%s %s: the header and the menu take %.0f%% of the phone's screen, want at most 20%%", lang, p.path, share*100)
				}
				if over := evalOn[bool](t, p.who, `document.documentElement.scrollWidth > window.innerWidth + 1`); over {
					t.Errorf("%s %s scrolls sideways at 390 px", lang, p.path)
				}
			}
		}
		// Without JavaScript the menu opens: the <details> toggles it, and its links work.
		setLang(t, phone, base, i18n.RU)
		do(t, phone, "the cabinet", chromedp.Navigate(base+"/cabinet"), chromedp.WaitVisible(chromedp.CSS(".nav-toggle summary")))
		if shown := evalOn[bool](t, phone, `document.querySelector('.site-nav ul a[href="/password"]').getClientRects().length > 0`); shown {
			t.Fatal("the folded menu shows its links")
		}
		do(t, phone, "open the menu", chromedp.Click(chromedp.CSS(".nav-toggle summary")), chromedp.WaitVisible(chromedp.CSS(`.site-nav ul a[href="/password"]`)))
		shot(t, phone, "06-phone-menu-open")
		page(t, phone, "Сменить пароль from the menu", steps(chromedp.Click(chromedp.CSS(`.site-nav ul a[href="/password"]`))),
			chromedp.WaitVisible(chromedp.CSS("#current_password")))
	})

	t.Run("1280 px, Kyrgyz: the office header keeps «Чыгуу» on one line, and the menu on one row", func(t *testing.T) {
		setLang(t, officer, base, i18n.KY)
		do(t, officer, "the board", chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(base+"/office/"), chromedp.WaitVisible(chromedp.CSS("form.find-form")))
		shot(t, officer, "07-office-ky-1280")
		b := measureOfficeHeader(t, officer)
		t.Logf("«%s»: %d line box(es), %.1f px high (line %.1f px); menu rows: %d", b.Text, b.Rects, b.Height, b.Line, b.Rows)
		if b.Text != i18n.T(i18n.KY, "web.nav.logout") {
			t.Fatalf("the sign-out reads %q", b.Text)
		}
		if b.Rects != 1 || b.Height > 1.5*b.Line {
			t.Errorf("«Чыгуу» wraps: %d line boxes, %.1f px high for a %.1f px line", b.Rects, b.Height, b.Line)
		}
		if b.Top > b.Row || b.Top < b.Lang-b.Line || b.Top > b.Lang+b.Line {
			t.Errorf("«Чыгуу» is not on the header's row beside the language: top %.0f, row ends %.0f, language at %.0f", b.Top, b.Row, b.Lang)
		}
		if b.Rows != 1 || b.Admin || len(b.Broken) > 0 {
			t.Errorf("the office menu at 1280 px: %d row(s), the supervisor's row %v, entries that wrap %q", b.Rows, b.Admin, b.Broken)
		}
	})
}

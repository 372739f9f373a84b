package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"kabinet/i18n"
	"kabinet/passport"
)

// The application form as a person meets it, in Russian and Kyrgyz, with and without
// JavaScript (issue 14, points 1 and 3):
//   - a refused ИНН (liquidated, unknown) disables the rest of the form, the reason
//     beside the ИНН (ACC-2);
//   - the password mismatch is the confirmation field's error; 106 is checked as typed
//     and Caps Lock is noticed (JavaScript);
//   - forming answers 303 to /applied: Back and reload show the same code and form
//     nothing (the printed application stays the one the office will find, RST-2);
//   - a new application that would supersede the open one asks first, naming when the
//     open one was formed and never its code;
//   - axe-core finds no violation, of any impact, on these pages.
//
// The store's side (the confirmation held in the transaction, on SQLite and PostgreSQL)
// is web/apply_prg_test.go's; the journeys run on the first engine.
func TestBrowserApplyForm(t *testing.T) {
	chromiumPath(t)
	// Each language once and each way of browsing once, on the engines in turn (see
	// TestBrowserAccessFlow): Russian with JavaScript, Kyrgyz without.
	for i, lang := range i18n.Langs {
		js := i%2 == 0
		e := journeyEngine(i)
		name := string(lang) + "/js/" + e.Name
		if !js {
			name = string(lang) + "/nojs/" + e.Name
		}
		t.Run(name, func(t *testing.T) {
			applyJourney(t, startApp(t, e), lang, js)
		})
	}
}

const (
	applyINN      = "11705198700772" // the Guide's taxpayer, active
	applyLiquid   = "12503199000111" // registration liquidated
	applyUnknown  = "21010199000123" // a well-formed ИНН the registry does not hold
	applyPassport = "AN 4890152"
	applyPW       = "Луна2018!"
	applyNewPW    = "Новый2019!"
)

// isTrue evaluates a JavaScript condition on the page.
func isTrue(t *testing.T, ctx context.Context, expr string) bool {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return ok
}

// waitTrue waits for a JavaScript condition on the page.
func waitTrue(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr)); err != nil {
		shot(t, ctx, "failed")
		t.Fatalf("%s: %v", what, err)
	}
}

// typeINN types an ИНН into the empty form's field and lets the form react: with
// JavaScript the look-up runs as the 14th digit is typed; without, «Найти» asks the server.
func typeINN(t *testing.T, ctx context.Context, base string, js bool, inn string) {
	t.Helper()
	do(t, ctx, "open the form", chromedp.Navigate(base+"/apply"), chromedp.WaitVisible(chromedp.CSS("#inn")),
		chromedp.SendKeys(chromedp.CSS("#inn"), inn))
	if !js {
		page(t, ctx, "«Найти» without JavaScript", steps(chromedp.Click(chromedp.CSS(`.inline-input button[formaction="/apply/lookup"]`))),
			chromedp.WaitVisible(chromedp.CSS("#passport")))
	}
}

func applyJourney(t *testing.T, base string, lang i18n.Lang, js bool) {
	T := func(key string, kv ...string) string { return i18n.T(lang, key, kv...) }
	subject := browser(t, js)
	if _, err := chromedp.Call(subject, network.SetCookie, network.SetCookieParams{Name: "lang", Value: string(lang), URL: base}); err != nil {
		t.Fatal(err)
	}
	blocked := `document.querySelector('#passport').disabled && document.querySelector('fieldset[data-blockable]').disabled &&
		document.querySelector('form.apply-form button.btn-large').disabled && !document.querySelector('#blocked-note').hidden`

	t.Run("ACC-2 a refused ИНН disables the rest of the form with the reason beside it", func(t *testing.T) {
		for inn, code := range map[string]string{applyLiquid: "registration_liquidated", applyUnknown: "inn_not_found"} {
			typeINN(t, subject, base, js, inn)
			waitTrue(t, subject, "the form is disabled", blocked)
			shot(t, subject, "01-refused-"+code)
			reason := text(t, subject, "#lookup-status")
			if !js {
				reason = text(t, subject, "#inn-error")
			}
			if !hasText(reason, prefix(lang, "error."+code)) {
				t.Fatalf("ACC-2 the reason beside the ИНН is %q, want %q", reason, T("error."+code))
			}
			if note := text(t, subject, "#blocked-note"); !hasText(note, T("web.apply.blocked.title")) {
				t.Fatalf("the note by the disabled fields: %q", note)
			}
			if js {
				axeClean(t, subject, "the form disabled by the look-up")
			}
		}
		// Without JavaScript the page came from the server; with it, «Найти» gives the same page.
		if js {
			page(t, subject, "«Найти» with JavaScript", steps(chromedp.Click(chromedp.CSS(`.inline-input button[formaction="/apply/lookup"]`))),
				chromedp.WaitVisible(chromedp.CSS("#inn-error")))
			waitTrue(t, subject, "the server's page is disabled too", blocked)
			axeClean(t, subject, "the form disabled by the server")
			// Correcting the ИНН enables the form again.
			do(t, subject, "correct the ИНН", chromedp.Evaluate[chromedp.Void](`(() => { const i = document.querySelector('#inn'); i.value = ''; i.dispatchEvent(new Event('input')); })()`),
				chromedp.SendKeys(chromedp.CSS("#inn"), applyINN))
			waitTrue(t, subject, "the form is enabled for an active ИНН", `!document.querySelector('#passport').disabled && document.querySelector('#blocked-note').hidden && document.querySelector('#f103').value !== ''`)
		}
	})

	t.Run("ACC-3 PSP-1 the mismatch is the confirmation's error; 106 checked as typed; Caps Lock noticed", func(t *testing.T) {
		typeINN(t, subject, base, js, applyINN)
		waitTrue(t, subject, "ACC-1 the registry fills 103", `document.querySelector('#f103').value !== ''`)
		if js {
			passportAsTyped(t, subject, lang)
			capsLockNoticed(t, subject, lang)
		}
		do(t, subject, "type 106 and two different passwords", chromedp.SendKeys(chromedp.CSS("#passport"), applyPassport),
			chromedp.SendKeys(chromedp.CSS("#password"), applyPW), chromedp.SendKeys(chromedp.CSS("#password_confirm"), applyPW+"x"))
		if js {
			waitTrue(t, subject, "the mismatch describes the confirmation as it is typed", `document.querySelector('#password_confirm').getAttribute('aria-invalid') === 'true' &&
				document.querySelector('#password_confirm').getAttribute('aria-describedby').split(' ').some(id => id && document.getElementById(id) && document.getElementById(id).textContent.trim() !== '')`)
		}
		page(t, subject, "Сформировать (mismatch)", steps(chromedp.Click(chromedp.CSS("form.apply-form button.btn-large"))),
			chromedp.WaitVisible(chromedp.CSS("#password_confirm-error")))
		shot(t, subject, "02-mismatch")
		if !isTrue(t, subject, `document.querySelector('#password_confirm').getAttribute('aria-invalid') === 'true' &&
			document.querySelector('#password_confirm').getAttribute('aria-describedby').split(' ').includes('password_confirm-error') &&
			!document.querySelector('#password-error')`) {
			t.Fatal("ACC-3 the mismatch error is not the confirmation field's")
		}
		if !hasText(text(t, subject, "#password_confirm-error"), T("error.password_mismatch")) {
			t.Fatalf("the mismatch error: %q", text(t, subject, "#password_confirm-error"))
		}
		if js {
			axeClean(t, subject, "the form with the mismatch")
		}
	})

	var first, formed string
	t.Run("ACC-4 RST-2 formed: Back and reload show the same code and form nothing", func(t *testing.T) {
		first, _, _ = applyForAccess(t, subject, base, js, applyINN, applyPassport, applyPW)
		formed = strings.TrimSpace(text(t, subject, ".panel strong"))
		if js {
			axeClean(t, subject, "/applied")
		}
		// shown checks the page shows the first code at /applied. It asks the page as it
		// is now (pageEval), not chromedp's view of the DOM, which a page restored from
		// the back/forward cache leaves stale (and no load event comes to wait for).
		shown := func(what string) {
			t.Helper()
			got := pageWait(t, subject, what, `location.pathname === '/applied' && document.querySelector('.code-big') ? document.querySelector('.code-big').textContent.trim().replaceAll('-', '') : ''`)
			if got != first {
				t.Fatalf("%s: the page shows %q, formed %q", what, got, first)
			}
			if loc := pageEval(t, subject, `location.href`); strings.Contains(loc, first) || strings.Contains(loc, applyINN) {
				t.Fatalf("SEC-2 %s: at %q", what, loc)
			}
		}
		page(t, subject, "go on to the status page", steps(chromedp.Click(chromedp.CSS(`section a[href="/status"]`))), chromedp.WaitVisible(chromedp.CSS("#code")))
		// Back may come from the browser's back/forward cache or from the server: either
		// way no request forms anything. (history.back, not NavigateBack: a page restored
		// from the cache fires no load event, which NavigateBack waits for.)
		pageEval(t, subject, `history.back(), ''`)
		shown("Back from the status page")
		page(t, subject, "reload", steps(chromedp.Reload()), chromedp.WaitVisible(chromedp.CSS(".code-big")))
		shown("reload")
		if js {
			// Back once more is the form as it was opened (GET /apply); Forward, the page
			// again. (Without JavaScript the entry before is the look-up's answer to a POST,
			// which the browser does not send again unasked; it forms nothing either.)
			pageEval(t, subject, `history.back(), ''`)
			pageWait(t, subject, "Back to the form", `location.pathname === '/apply' && document.querySelector('#inn') ? 'yes' : ''`)
			pageEval(t, subject, `history.forward(), ''`)
			shown("Forward")
		}
		shot(t, subject, "03-applied-again")
		// Nothing was formed meanwhile: the printed application is still the open one.
		if st := statusPage(t, subject, base, first, applyINN); !hasText(st, T("web.status.formed")) {
			t.Fatalf("RST-2 the printed application after Back and reload:\n%s", st)
		}
	})

	t.Run("RST-2 a new application asks first, naming when the open one was formed, never its code", func(t *testing.T) {
		typeINN(t, subject, base, js, applyINN)
		do(t, subject, "type 106 and a new password", chromedp.SendKeys(chromedp.CSS("#passport"), applyPassport),
			chromedp.SendKeys(chromedp.CSS("#password"), applyNewPW), chromedp.SendKeys(chromedp.CSS("#password_confirm"), applyNewPW))
		page(t, subject, "Сформировать", steps(chromedp.Click(chromedp.CSS("form.apply-form button.btn-large"))),
			chromedp.WaitVisible(chromedp.CSS(".formed-at")))
		shot(t, subject, "04-confirm")
		body := bodyText(t, subject)
		if !hasText(body, T("web.confirm.title")) || !strings.Contains(text(t, subject, ".formed-at"), formed) {
			t.Fatalf("the confirmation does not name when the open application was formed (%s):\n%s", formed, body)
		}
		html, _ := chromedp.Run(subject, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		for _, c := range []string{first, first[:4] + "-" + first[4:8] + "-" + first[8:]} {
			if strings.Contains(html, c) {
				t.Fatalf("the confirmation reveals the open application's code %s", c)
			}
		}
		if strings.Contains(html, applyNewPW) {
			t.Fatal("the password is in the page")
		}
		if js {
			axeClean(t, subject, "the confirmation")
		}
		// «Оставить прежнее» forms nothing.
		page(t, subject, T("web.confirm.keep"), steps(chromedp.Click(chromedp.CSS(`form[action="/apply"] a.btn`))), chromedp.WaitVisible(chromedp.CSS("#code")))
		if st := statusPage(t, subject, base, first, applyINN); !hasText(st, T("web.status.formed")) {
			t.Fatalf("RST-2 keeping the open application:\n%s", st)
		}
		// Confirming forms the new one (applyForAccess types the password again).
		second, _, _ := applyForAccess(t, subject, base, js, applyINN, applyPassport, applyNewPW)
		if second == first {
			t.Fatal("no new application")
		}
		if st := statusPage(t, subject, base, first, applyINN); !hasText(st, T("web.status.superseded")) {
			t.Fatalf("RST-2 the confirmed supersession:\n%s", st)
		}
	})

	t.Run("another browser is shown no application and forms none", func(t *testing.T) {
		other := browser(t, js)
		if _, err := chromedp.Call(other, network.SetCookie, network.SetCookieParams{Name: "lang", Value: string(lang), URL: base}); err != nil {
			t.Fatal(err)
		}
		do(t, other, "open /applied", chromedp.Navigate(base+"/applied"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		shot(t, other, "05-gone")
		if h := text(t, other, "main h1"); !hasText(h, T("web.applied.gone.title")) || isTrue(t, other, `!!document.querySelector('.code-big')`) {
			t.Fatalf("another browser's /applied: %q", h)
		}
		if js {
			axeClean(t, other, "/applied in another browser")
		}
	})
}

// passportAsTyped checks field 106 as app.js does while typing, against passport.Parse
// on the same inputs: the page's verdict and the server's agree (PSP-1).
func passportAsTyped(t *testing.T, ctx context.Context, lang i18n.Lang) {
	t.Helper()
	for _, in := range []string{"AN 4890152", "an4890152", "АН 4890152", "ІД 1234567", "AN-489-01-52", "AN\u00a04890152", "XY 1234567",
		"AN 48901", "AN 48901521", "A1 4890152", "AN 489015Z", "ANN4890152", "AN 4890152\u2003", "\U0001F600", "AN 4890152 " + strings.Repeat(" ", 60)} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const p = document.querySelector('#passport'); p.value = `+jsString(in)+`;
			p.dispatchEvent(new Event('input')); p.dispatchEvent(new Event('blur')); return document.querySelector('#passport-status').textContent; })()`))
		if err != nil {
			t.Fatal(err)
		}
		p, perr := passport.Parse(in)
		want := ""
		switch {
		case perr != nil:
			want = i18n.T(lang, "error.invalid_passport")
		case p.Known:
			want = i18n.T(lang, "web.apply.passport.ok", "value", p.Display())
		default:
			want = i18n.T(lang, "web.apply.passport.rare", "series", p.Series)
		}
		if got != want {
			t.Errorf("PSP-1 106 %q: the page says %q, the server's rule %q", in, got, want)
		}
	}
	invalid := `document.querySelector('#passport').getAttribute('aria-invalid') === 'true'`
	do(t, ctx, "type a short 106 and leave it", chromedp.Evaluate[chromedp.Void](`(() => { const p = document.querySelector('#passport'); p.value = ''; p.dispatchEvent(new Event('input')); })()`),
		chromedp.SendKeys(chromedp.CSS("#passport"), "AN 48"))
	if isTrue(t, ctx, invalid) || text(t, ctx, "#passport-status") != "" {
		t.Fatal("PSP-1 a beginning that may still be right is no error while typing")
	}
	do(t, ctx, "leave 106", chromedp.Focus(chromedp.CSS("#password")))
	waitTrue(t, ctx, "PSP-1 an incomplete 106 is an error once left", invalid)
	do(t, ctx, "clear 106", chromedp.Evaluate[chromedp.Void](`(() => { const p = document.querySelector('#passport'); p.value = ''; p.dispatchEvent(new Event('input')); })()`))
}

// capsLockNoticed presses a key with Caps Lock on in the password field: the warning is
// said in a live region and describes the field; it goes with Caps Lock.
func capsLockNoticed(t *testing.T, ctx context.Context, lang i18n.Lang) {
	t.Helper()
	key := func(caps bool) string {
		c := "false"
		if caps {
			c = "true"
		}
		return `(() => { const p = document.querySelector('#password'); p.focus();
			p.dispatchEvent(new KeyboardEvent('keydown', {key: 'A', bubbles: true, modifierCapsLock: ` + c + `}));
			const w = document.querySelector('#password-caps');
			return w.getAttribute('aria-live') + '|' + w.textContent + '|' + (p.getAttribute('aria-describedby') || ''); })()`
	}
	on, err := chromedp.Run(ctx, chromedp.Evaluate[string](key(true)))
	if err != nil {
		t.Fatal(err)
	}
	if want := "polite|" + i18n.T(lang, "web.caps_lock") + "|password-caps"; !strings.HasPrefix(on, "polite|") || !strings.Contains(on, i18n.T(lang, "web.caps_lock")) || !strings.Contains(on, "password-caps") {
		t.Fatalf("Caps Lock on: %q, want %q", on, want)
	}
	off, _ := chromedp.Run(ctx, chromedp.Evaluate[string](key(false)))
	if off != "polite||" {
		t.Fatalf("Caps Lock off: %q", off)
	}
}

// pageEval evaluates expr (a string) in the page as it is now, through the protocol
// directly: a page restored from the back/forward cache runs in a context chromedp's
// own evaluation no longer finds.
func pageEval(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, ReturnByValue: new(true)})
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	var s string
	if res.Result != nil {
		json.Unmarshal([]byte(res.Result.Value), &s)
	}
	return s
}

// pageWait evaluates expr until it is not empty (navigations meanwhile are no errors).
func pageWait(t *testing.T, ctx context.Context, what, expr string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, ReturnByValue: new(true)})
		if err == nil && res.Result != nil {
			var s string
			if json.Unmarshal([]byte(res.Result.Value), &s) == nil && s != "" {
				return s
			}
		}
		if time.Now().After(deadline) {
			shot(t, ctx, "failed")
			t.Fatalf("%s: %s stayed empty (%v)", what, expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

package main

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"kabinet"
	"kabinet/demo"
	"kabinet/i18n"
	"kabinet/ident"
	"kabinet/internal/dbtest"
)

// The annulment tests run two instances of the service on one database (two boxes
// behind a load balancer) with one injected clock, stopped on Monday 23.11.2026 at
// 09:00 Bishkek time and moved only when the test says so: an annulment received then
// is due by the end of Wednesday 25.11 (two calendar days, Reg §20).
var annulMonday = time.Date(2026, 11, 23, 9, 0, 0, 0, kabinet.Bishkek)

// annulSetup is one engine's pair of instances, their clock, and the people's browsers.
type annulSetup struct {
	clock   *kabinet.ManualClock
	one     string // instance 1: the subject's computer and the office use it
	two     string // instance 2: the subject's phone lands here
	subject context.Context
	phone   context.Context // the subject's phone: a small screen, no JavaScript
	officer context.Context
	staff   demo.StaffMember // the officer of 038, as `kabinet demo` prints them
}

func newAnnulSetup(t *testing.T, e dbtest.Engine) *annulSetup {
	t.Helper()
	s := &annulSetup{clock: kabinet.NewManualClock(annulMonday)}
	dbURL := dbtest.URL(t, e)
	s.one = startInstance(t, dbURL, s.clock, true)
	s.two = startInstance(t, dbURL, s.clock, false)
	s.subject, s.phone, s.officer = browser(t, true), browser(t, false), browser(t, true)
	do(t, s.phone, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for _, m := range demo.Staff {
		if m.Login == "naryn" {
			s.staff = m
		}
	}
	if s.staff.Office != "038" {
		t.Fatalf("no demo officer of 038: %+v", demo.Staff)
	}
	return s
}

// grant gets the subject an account the way a newcomer does (ACC-1…ACC-7): the form
// at /apply, the officer of 038 finds, receives and grants. It returns the login.
func (s *annulSetup) grant(t *testing.T, inn, passport, pw string) string {
	t.Helper()
	code, _, _ := applyForAccess(t, s.subject, s.one, true, inn, passport, pw)
	s.toBoard(t)
	officeFind(t, s.officer, inn, code)
	officeReceive(t, s.officer)
	login, _ := officeGrant(t, s.officer)
	shot(t, s.officer, "04-granted")
	return login
}

// toBoard brings the officer to the board, signing in when the session has ended.
func (s *annulSetup) toBoard(t *testing.T) {
	t.Helper()
	do(t, s.officer, "the board", chromedp.Navigate(s.one+"/office/"), chromedp.WaitVisible(chromedp.CSS("main")))
	if loc := location(t, s.officer); strings.Contains(loc, "/office/login") {
		officeLogin(t, s.officer, s.one, s.staff.Login, s.staff.Password)
	}
}

// location is the path and query of the page the browser shows.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// cabinet opens the cabinet at base and returns where the browser ended and its text.
func cabinet(t *testing.T, ctx context.Context, base string) (string, string) {
	t.Helper()
	do(t, ctx, "open the cabinet", chromedp.Navigate(base+"/cabinet"), chromedp.WaitVisible(chromedp.CSS("main")))
	return location(t, ctx), bodyText(t, ctx)
}

// signedOut checks the browser's next page load at base finds no session: the cabinet
// sends it to the sign-in page, which asks to sign in (ANN-4, SEC-4).
func signedOut(t *testing.T, ctx context.Context, base, what string) {
	t.Helper()
	loc, body := cabinet(t, ctx, base)
	if !strings.HasPrefix(loc, "/login") || !hasText(body, i18n.T(i18n.RU, "web.notice.sign_in_first")) {
		shot(t, ctx, "failed")
		t.Fatalf("%s: the next page load is still signed in (%s):\n%s", what, loc, body)
	}
}

// setLang chooses the interface language as the switch would, by its cookie (I18N-1).
func setLang(t *testing.T, ctx context.Context, base string, l i18n.Lang) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "lang", Value: string(l), URL: base}); err != nil {
		t.Fatal(err)
	}
}

// hasText reports whether a page's text shows want. Tags are set in capitals by the
// style sheet (text-transform), and the text read from the page is as displayed.
func hasText(s, want string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(want))
}

// prefix is a catalog text up to its first parameter, to find in a page.
func prefix(lang i18n.Lang, key string) string {
	s := i18n.T(lang, key)
	if i := strings.Index(s, "{"); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// boardRow is an application's row on the board: its class (overdue, due-today) and text.
type boardRow struct {
	Found bool   `json:"found"`
	Class string `json:"class"`
	Text  string `json:"text"`
}

// row finds code's row in the board's section (ann: annulments, acc: access).
func row(t *testing.T, officer context.Context, section, code string) boardRow {
	t.Helper()
	r, err := chromedp.Run(officer, chromedp.Evaluate[boardRow](`(() => {
		const a = document.querySelector('section[aria-labelledby="`+section+`"] a[href="/office/applications/`+code+`"]');
		if (!a) return {found: false};
		const tr = a.closest('tr');
		return {found: true, class: tr.className, text: tr.innerText};
	})()`))
	if err != nil {
		t.Fatalf("board row: %v", err)
	}
	return r
}

// The subject gives up access by application (Reg §18–§20): formed in the cabinet and
// on the public page, printed; the officer of 038 receives it, the board counts two
// calendar days (due today, overdue, on an injected clock), the officer enters it; the
// subject's sessions end on both instances within one request, the login no longer
// signs in, and a new access application reactivates the same login (ANN-1, ANN-2,
// ANN-4, RST-1, RST-2, SEC-4, I18N-1).
func TestBrowserAnnulByApplication(t *testing.T) {
	chromiumPath(t)
	e := journeyEngine(0) // one engine a journey (see TestBrowserAccessFlow); the fraud journey takes the other
	t.Run(e.Name, func(t *testing.T) {
		annulByApplication(t, newAnnulSetup(t, e))
	})
}

func annulByApplication(t *testing.T, s *annulSetup) {
	const inn, passport, name = demo.GuideINN, "AN 4890152", "Кашкариева Жазгул Бейшенбековна"
	const pw, newPW = "Луна2018!", "Солнце2026!"
	var login, cabinetCode, code string
	// The steps are one story: each needs those before it, so a failed step ends it.

	ok := t.Run("ACC-1 ACC-7 an account granted through the pages", func(t *testing.T) {
		login = s.grant(t, inn, passport, pw)
	}) && t.Run("ANN-1 formed inside the cabinet and on the public page; printable with its code", func(t *testing.T) {
		// Signed in at home (instance 1) and on the phone (instance 2).
		if home := signIn(t, s.subject, s.one, login, pw); !hasText(home, name) {
			t.Fatalf("CAB-1 cabinet:\n%s", home)
		}
		if home := signIn(t, s.phone, s.two, login, pw); !hasText(home, login) {
			t.Fatalf("CAB-1 cabinet on instance 2:\n%s", home)
		}
		shot(t, s.phone, "01-phone-cabinet")

		// In the cabinet: 106 only; the session stands in for the password.
		do(t, s.subject, "the cabinet's annulment form", chromedp.Navigate(s.one+"/cabinet"), chromedp.WaitVisible(chromedp.CSS(`form[action^="/cabinet/annul"] #passport`)),
			chromedp.SendKeys(chromedp.CSS(`form[action^="/cabinet/annul"] #passport`), passport))
		shot(t, s.subject, "02-cabinet-annul")
		page(t, s.subject, "form the annulment in the cabinet", steps(chromedp.Click(chromedp.CSS(`form[action^="/cabinet/annul"] button[type=submit]`))),
			chromedp.WaitVisible(chromedp.CSS(".code-big")))
		shot(t, s.subject, "03-cabinet-applied")
		cabinetCode = strings.ReplaceAll(strings.TrimSpace(text(t, s.subject, ".code-big")), "-", "")
		if body := bodyText(t, s.subject); len(cabinetCode) != 12 || !hasText(body, i18n.T(i18n.RU, "web.kind.annulment")) ||
			!hasText(body, i18n.T(i18n.RU, "web.applied.step4.annulment", "days", "2")) {
			t.Fatalf("ANN-1 the formed annulment (%q):\n%s", cabinetCode, body)
		}

		// On the public page: ИНН, 106 and the current password; a wrong one is refused.
		do(t, s.subject, "the public annulment form", chromedp.Navigate(s.one+"/annul"), chromedp.WaitVisible(chromedp.CSS("#inn")),
			chromedp.SendKeys(chromedp.CSS("#inn"), inn))
		if _, err := chromedp.Run(s.subject, chromedp.Poll[bool](`document.querySelector('#f103').value !== ''`)); err != nil {
			shot(t, s.subject, "failed")
			t.Fatalf("ACC-1 fields did not fill as the ИНН was typed: %v", err)
		}
		do(t, s.subject, "type 106 and a wrong password", chromedp.SendKeys(chromedp.CSS("#passport"), passport),
			chromedp.SendKeys(chromedp.CSS("#current_password"), "Неверный2018!"))
		page(t, s.subject, "Сформировать заявление (wrong password)", steps(chromedp.Click(chromedp.CSS("form.apply-form button.btn-large"))),
			chromedp.WaitVisible(chromedp.CSS("#current_password-error")))
		shot(t, s.subject, "04-annul-wrong-password")
		if body := bodyText(t, s.subject); !hasText(body, prefix(i18n.RU, "error.invalid_credentials")) || hasText(body, "Неверный2018!") {
			t.Fatalf("ANN-1 a wrong current password:\n%s", body)
		}
		do(t, s.subject, "type the current password", chromedp.SendKeys(chromedp.CSS("#current_password"), pw))
		shot(t, s.subject, "05-annul-filled")
		// RST-2: the annulment formed in the cabinet is open, and a new one would supersede
		// it: the page asks first, naming when that one was formed (never its code), with
		// the current password typed again.
		page(t, s.subject, "Сформировать заявление", steps(chromedp.Click(chromedp.CSS("form.apply-form button.btn-large"))),
			chromedp.WaitVisible(chromedp.CSS(".formed-at")))
		shot(t, s.subject, "05-annul-confirm")
		if body := bodyText(t, s.subject); !hasText(body, i18n.T(i18n.RU, "web.confirm.title")) || !hasText(body, i18n.T(i18n.RU, "web.kind.annulment")) ||
			hasText(body, cabinetCode) || hasText(body, ident.FormatCode(cabinetCode)) {
			t.Fatalf("RST-2 the confirmation before superseding the cabinet's annulment:\n%s", body)
		}
		do(t, s.subject, "type the current password again", chromedp.SendKeys(chromedp.CSS("#current_password"), pw))
		page(t, s.subject, "Сформировать новое заявление", steps(chromedp.Click(chromedp.CSS(`form[action="/apply"] button[type=submit]`))),
			chromedp.WaitVisible(chromedp.CSS(".code-big")))
		shot(t, s.subject, "06-annul-applied")
		code = strings.ReplaceAll(strings.TrimSpace(text(t, s.subject, ".code-big")), "-", "")
		if body := bodyText(t, s.subject); len(code) != 12 || code == cabinetCode || hasText(body, pw) {
			t.Fatalf("ANN-1 ACC-4 the formed annulment (%q):\n%s", code, body)
		}

		// «Распечатать» opens the print-ready form (in a new tab; here in the same one, as
		// a headless browser paints no background tab): two copies, each with the code
		// and its QR for the officer's scanner.
		do(t, s.subject, "open the print-ready form in this tab",
			chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action="/applications/print"]').removeAttribute('target')`))
		page(t, s.subject, "Распечатать", steps(chromedp.Click(chromedp.CSS(`form[action="/applications/print"] button[type=submit]`))),
			chromedp.WaitVisible(chromedp.CSS(".form-copy .code-big")))
		shot(t, s.subject, "07-annul-print")
		copies, err := chromedp.Run(s.subject, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.form-copy')].map(c =>
			c.querySelector('.code-big').innerText + '|' + c.querySelector('.copy-title').innerText + '|' + (c.querySelector('.qr-box svg') ? 'qr' : ''))`))
		want := ident.FormatCode(code) + "|" + i18n.T(i18n.RU, "print.title.annulment") + "|qr"
		if err != nil || len(copies) != 2 || copies[0] != want || copies[1] != want {
			t.Fatalf("ANN-1 ACC-4 two copies with the code and its QR: %q (%v), want %q", copies, err, want)
		}
		applicationPDF(t, s.one, code, inn, "annulment.pdf")

		// RST-2: the newer annulment application supersedes the one formed in the cabinet.
		if st := statusPage(t, s.subject, s.one, cabinetCode, inn); !hasText(st, i18n.T(i18n.RU, "web.status.superseded")) {
			t.Fatalf("RST-2 the earlier annulment application:\n%s", st)
		}
		shot(t, s.subject, "08-cabinet-code-superseded")
	}) && t.Run("ANN-1 ANN-2 the officer records receipt; the board shows the two-day deadline", func(t *testing.T) {
		s.toBoard(t)
		officeFind(t, s.officer, inn, code)
		shot(t, s.officer, "01-annulment")
		if body := bodyText(t, s.officer); !hasText(body, i18n.T(i18n.RU, "web.kind.annulment")) || !hasText(body, name) {
			t.Fatalf("ANN-1 the application in the back office:\n%s", body)
		}
		officeReceive(t, s.officer)
		shot(t, s.officer, "02-received")
		if dl := text(t, s.officer, `section[aria-labelledby="dl"]`); !hasText(dl, "23.11.2026 09:00") || !hasText(dl, "25.11.2026 23:59") {
			t.Fatalf("ANN-2 received Monday 09:00, due by the end of Wednesday:\n%s", dl)
		}
		s.toBoard(t)
		shot(t, s.officer, "03-board-monday")
		r := row(t, s.officer, "ann", code)
		if !r.Found || !hasText(r.Text, "25.11.2026 23:59") || r.Class != "" || hasText(r.Text, i18n.T(i18n.RU, "web.board.due_today")) {
			t.Fatalf("ANN-2 Monday's board row: %+v", r)
		}
	}) && t.Run("ANN-2 due today and overdue on the board (injected clock)", func(t *testing.T) {
		// Wednesday 09:00: the officer's session has long ended; the deadline is today.
		s.clock.Advance(48 * time.Hour)
		do(t, s.officer, "the board on Wednesday", chromedp.Navigate(s.one+"/office/"), chromedp.WaitVisible(chromedp.CSS("#login")))
		if body := bodyText(t, s.officer); !hasText(body, i18n.T(i18n.RU, "web.notice.expired")) {
			t.Errorf("SEC-4 the idle back-office session ended without saying so:\n%s", body)
		}
		shot(t, s.officer, "01-office-session-expired")
		officeLogin(t, s.officer, s.one, s.staff.Login, s.staff.Password)
		shot(t, s.officer, "02-board-wednesday")
		if r := row(t, s.officer, "ann", code); r.Class != "due-today" || !hasText(r.Text, i18n.T(i18n.RU, "web.board.due_today")) {
			t.Fatalf("ANN-2 Wednesday's board row: %+v", r)
		}

		// Thursday 00:00: past the deadline, in both languages.
		s.clock.Advance(15 * time.Hour)
		s.toBoard(t)
		shot(t, s.officer, "03-board-thursday")
		if r := row(t, s.officer, "ann", code); r.Class != "overdue" || !hasText(r.Text, i18n.T(i18n.RU, "web.board.overdue")) ||
			hasText(r.Text, i18n.T(i18n.RU, "web.board.due_today")) {
			t.Fatalf("ANN-2 Thursday's board row: %+v", r)
		}
		setLang(t, s.officer, s.one, i18n.KY)
		s.toBoard(t)
		shot(t, s.officer, "04-board-thursday-ky")
		if r := row(t, s.officer, "ann", code); r.Class != "overdue" || !hasText(r.Text, i18n.T(i18n.KY, "web.board.overdue")) {
			t.Errorf("ANN-2 I18N-1 Thursday's board row in Kyrgyz: %+v", r)
		}
		setLang(t, s.officer, s.one, i18n.RU)
	}) && t.Run("ANN-2 ANN-4 SEC-4 entered on instance 1; the sessions end on both instances within one request", func(t *testing.T) {
		// The subject is signed in again on Thursday, at home and on the phone.
		if home := signIn(t, s.subject, s.one, login, pw); !hasText(home, name) {
			t.Fatalf("sign in at home:\n%s", home)
		}
		if home := signIn(t, s.phone, s.two, login, pw); !hasText(home, login) {
			t.Fatalf("sign in on the phone (instance 2):\n%s", home)
		}
		s.toBoard(t)
		page(t, s.officer, "open the annulment from the board", steps(chromedp.Click(chromedp.CSS(`section[aria-labelledby="ann"] a[href="/office/applications/`+code+`"]`))),
			chromedp.WaitVisible(chromedp.CSS("#dec")))
		if dl := text(t, s.officer, `section[aria-labelledby="dl"]`); !hasText(dl, i18n.T(i18n.RU, "web.board.overdue")) {
			t.Errorf("ANN-2 the overdue annulment's page does not say so:\n%s", dl)
		}
		shot(t, s.officer, "01-annulment-overdue")
		page(t, s.officer, "Аннулировать доступ", steps(chromedp.Click(chromedp.CSS(`section[aria-labelledby="dec"] button[type=submit]`))),
			chromedp.WaitVisible(chromedp.CSS("#decided")))
		shot(t, s.officer, "02-annulled")
		decided := text(t, s.officer, `section[aria-labelledby="decided"]`)
		if !hasText(decided, i18n.T(i18n.RU, "web.outcome.annulment.granted")) || !hasText(decided, i18n.T(i18n.RU, "web.office.late")) ||
			!hasText(decided, login) {
			t.Fatalf("ANN-2 the entered annulment, late, names the login:\n%s", decided)
		}

		// The very next page load on either instance is signed out.
		signedOut(t, s.phone, s.two, "ANN-4 SEC-4 instance 2")
		shot(t, s.phone, "03-phone-signed-out")
		signedOut(t, s.subject, s.one, "ANN-4 SEC-4 instance 1")

		// The login no longer signs in: the message says why, in Russian and in Kyrgyz.
		if body := signIn(t, s.phone, s.two, login, pw); !hasText(body, prefix(i18n.RU, "error.account_annulled")) || hasText(body, name) {
			t.Fatalf("ANN-4 sign-in of an annulled account:\n%s", body)
		}
		shot(t, s.phone, "04-phone-annulled-ru")
		setLang(t, s.phone, s.two, i18n.KY)
		if body := signIn(t, s.phone, s.two, login, pw); !hasText(body, prefix(i18n.KY, "error.account_annulled")) {
			t.Fatalf("ANN-4 I18N-1 sign-in of an annulled account, in Kyrgyz:\n%s", body)
		}
		shot(t, s.phone, "05-phone-annulled-ky")
		setLang(t, s.phone, s.two, i18n.RU)

		st := statusPage(t, s.subject, s.one, code, inn)
		shot(t, s.subject, "06-status-annulled")
		if !hasText(st, i18n.T(i18n.RU, "web.status.annulment.granted")) {
			t.Fatalf("ANN-4 the status page:\n%s", st)
		}
	}) && t.Run("ANN-4 RST-1 a new access application reactivates the same login", func(t *testing.T) {
		again := s.grant(t, inn, passport, newPW)
		if again != login {
			t.Fatalf("ANN-4 the login %s became %s", login, again)
		}
		if body := signIn(t, s.subject, s.one, login, pw); !hasText(body, prefix(i18n.RU, "error.invalid_credentials")) {
			t.Fatalf("RST-1 the old password still works:\n%s", body)
		}
		home := signIn(t, s.subject, s.one, login, newPW)
		shot(t, s.subject, "05-cabinet-again")
		if !hasText(home, name) || !hasText(home, i18n.T(i18n.RU, "web.account.active")) {
			t.Fatalf("ANN-4 the reactivated cabinet:\n%s", home)
		}
		if home := signIn(t, s.phone, s.two, login, newPW); !hasText(home, login) {
			t.Fatalf("ANN-4 the reactivated cabinet on instance 2:\n%s", home)
		}
		shot(t, s.phone, "06-phone-cabinet-again")
	})
	if !ok {
		t.Log("a step failed; the steps after it were not run")
	}
}

// The office annuls access at once on documentary evidence of false entrepreneurship
// or fictitious supplies (Reg §21): through the back office's accounts page, with the
// document's reference; the subject's session on the other instance ends within one
// request; a pending restoration is refused on that ground, as the public status page
// shows; and a new grant is barred (ANN-3, ANN-4, ACC-6, SEC-4).
func TestBrowserAnnulOnFraud(t *testing.T) {
	chromiumPath(t)
	e := journeyEngine(1) // two instances on one database: PostgreSQL's case, when reachable
	t.Run(e.Name, func(t *testing.T) {
		annulOnFraud(t, newAnnulSetup(t, e))
	})
}

func annulOnFraud(t *testing.T, s *annulSetup) {
	// Түгөлбаева Сүйүнкан Өмүровна, registered in 038, no fraud mark in the registry.
	const inn, passport, name = "10903199500789", "ID 1234567", "Түгөлбаева Сүйүнкан Өмүровна"
	const pw, restorePW, laterPW = "Луна2018!", "Солнце2026!", "Жылдыз2027!"
	const reference = "Акт документальной проверки № 12-04/121 от 20.11.2026"
	var login, pending string
	// The steps are one story: each needs those before it, so a failed step ends it.

	ok := t.Run("ACC-1 ACC-7 an account granted through the pages", func(t *testing.T) {
		login = s.grant(t, inn, passport, pw)
	}) && t.Run("RST-1 a restoration waits at the office while the subject is signed in on instance 2", func(t *testing.T) {
		if home := signIn(t, s.phone, s.two, login, pw); !hasText(home, name) {
			t.Fatalf("CAB-1 cabinet on instance 2:\n%s", home)
		}
		shot(t, s.phone, "00-phone-cabinet")
		pending, _, _ = applyForAccess(t, s.subject, s.one, true, inn, passport, restorePW)
		s.toBoard(t)
		officeFind(t, s.officer, inn, pending)
		officeReceive(t, s.officer)
		s.toBoard(t)
		shot(t, s.officer, "04-board-pending")
		if r := row(t, s.officer, "acc", pending); !r.Found {
			t.Fatal("ACC-9 the received restoration is not on the board")
		}
	}) && t.Run("ANN-3 ANN-4 SEC-4 annulled at once on fraud evidence; the session on instance 2 ends", func(t *testing.T) {
		do(t, s.officer, "the accounts page", chromedp.Navigate(s.one+"/office/accounts"), chromedp.WaitVisible(chromedp.CSS("#annul_login")),
			chromedp.SendKeys(chromedp.CSS("#annul_login"), login))
		page(t, s.officer, "annul without a reference", steps(chromedp.Click(chromedp.CSS(`form[action="/office/accounts/annul"] button[type=submit]`))),
			chromedp.WaitVisible(chromedp.CSS("#reference-error")))
		shot(t, s.officer, "01-reference-required")
		if kept, _ := chromedp.Run(s.officer, chromedp.Value(chromedp.CSS("#annul_login"))); kept != login {
			t.Errorf("SEC-3 the login typed was not kept: %q", kept)
		}
		do(t, s.officer, "type the document", chromedp.SendKeys(chromedp.CSS("#reference"), reference))
		page(t, s.officer, "Аннулировать доступ", steps(chromedp.Click(chromedp.CSS(`form[action="/office/accounts/annul"] button[type=submit]`))),
			chromedp.WaitVisible(chromedp.CSS("#annulled")))
		shot(t, s.officer, "02-annulled")
		done := text(t, s.officer, `section[aria-labelledby="annulled"]`)
		for _, want := range []string{i18n.T(i18n.RU, "web.outcome.annulment.granted"), i18n.T(i18n.RU, "web.ground.fraud_evidence"), reference, login, name} {
			if !hasText(done, want) {
				t.Errorf("ANN-3 the annulment lacks %q:\n%s", want, done)
			}
		}
		signedOut(t, s.phone, s.two, "ANN-4 SEC-4 instance 2")
		shot(t, s.phone, "03-phone-signed-out")
		if body := signIn(t, s.phone, s.two, login, pw); !hasText(body, prefix(i18n.RU, "error.account_annulled")) {
			t.Fatalf("ANN-4 sign-in of an annulled account:\n%s", body)
		}
		shot(t, s.phone, "04-phone-annulled")
	}) && t.Run("ANN-3 the pending restoration is refused on the fraud ground", func(t *testing.T) {
		st := statusPage(t, s.subject, s.one, pending, inn)
		shot(t, s.subject, "01-status-refused")
		if !hasText(st, i18n.T(i18n.RU, "web.status.refused")) || !hasText(st, i18n.T(i18n.RU, "web.ground.fraud_evidence")) {
			t.Fatalf("ANN-3 the pending application's status:\n%s", st)
		}
		s.toBoard(t)
		if r := row(t, s.officer, "acc", pending); r.Found {
			t.Errorf("ANN-3 the refused restoration is still on the board: %+v", r)
		}
		// The refusal's ground, in Kyrgyz as well.
		setLang(t, s.subject, s.one, i18n.KY)
		st = statusPage(t, s.subject, s.one, pending, inn)
		shot(t, s.subject, "02-status-refused-ky")
		if !hasText(st, i18n.T(i18n.KY, "web.status.refused")) || !hasText(st, i18n.T(i18n.KY, "web.ground.fraud_evidence")) {
			t.Errorf("ANN-3 I18N-1 the status in Kyrgyz:\n%s", st)
		}
		setLang(t, s.subject, s.one, i18n.RU)
	}) && t.Run("ANN-3 ACC-6 a new grant is barred", func(t *testing.T) {
		code, _, _ := applyForAccess(t, s.subject, s.one, true, inn, passport, laterPW)
		s.toBoard(t)
		officeFind(t, s.officer, inn, code)
		if body := bodyText(t, s.officer); !hasText(body, i18n.T(i18n.RU, "web.office.fraud_mark")) || !hasText(body, reference) {
			t.Errorf("ACC-6 the officer is not warned of the fraud mark:\n%s", body)
		}
		officeReceive(t, s.officer)
		shot(t, s.officer, "04-grant-barred")
		grant, err := chromedp.Run(s.officer, chromedp.Evaluate[bool](`document.querySelector('form.decision-grant button') !== null`))
		if err != nil || grant {
			t.Fatalf("ACC-6 a grant button for a subject with the fraud mark (%v)", err)
		}
		if dec := text(t, s.officer, `section[aria-labelledby="dec"]`); !hasText(dec, i18n.T(i18n.RU, "web.office.grant.barred")) {
			t.Errorf("ACC-6 the page does not say why:\n%s", dec)
		}
		fraud, _ := chromedp.Run(s.officer, chromedp.Evaluate[bool](`document.querySelector('#g-fraud').checked`))
		if !fraud {
			t.Error("ACC-6 the fraud ground is not chosen for the officer")
		}
		page(t, s.officer, "Отказать", steps(chromedp.Click(chromedp.CSS("form.decision-refuse button[type=submit]"))),
			chromedp.WaitVisible(chromedp.CSS("#decided")))
		shot(t, s.officer, "05-refused")
		if d := text(t, s.officer, `section[aria-labelledby="decided"]`); !hasText(d, i18n.T(i18n.RU, "web.ground.fraud_evidence")) {
			t.Errorf("ANN-3 the refusal's ground:\n%s", d)
		}
		if body := signIn(t, s.subject, s.one, login, pw); !hasText(body, prefix(i18n.RU, "error.account_annulled")) {
			t.Fatalf("ANN-4 the account stays annulled:\n%s", body)
		}
	})
	if !ok {
		t.Log("a step failed; the steps after it were not run")
	}
}

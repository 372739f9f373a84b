package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// receivedOnPages applies through the pages as the Guide's taxpayer and has the officer
// of 038 receive it; it returns the code and the officer's browser.
func receivedOnPages(t *testing.T, e *testServer, lang string) (code string, officer *browser) {
	t.Helper()
	code = e.browser("").apply(t, pageINN, "AN 4890152", pagePassword)
	officer = e.browser(lang)
	officer.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
	officer.post(t, "/office/applications/"+code+"/receive", "check_complete", "on", "check_match", "on", "check_signed", "on").expect(t, 303, "")
	return code, officer
}

// The officer's grant is confirmed on a page of its own that names the subject, the
// outcome and the office (ACC-6, ACC-7, ACC-10): without the confirmation nothing is
// granted, with or without JavaScript (these are plain form posts). Histories name the
// staff by name and the taxpayer in words; a refusal for another office names the
// office in the user's language.
func TestPagesOfficerConfirmsGrant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		ctx := context.Background()
		code, officer := receivedOnPages(t, e, "")
		appPath := "/office/applications/" + code
		status := func() kabinet.ApplicationStatus {
			a, err := e.db.Application(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			return a.Status
		}

		t.Run("ACC-6 a grant without confirmation shows the confirmation and grants nothing", func(t *testing.T) {
			p := officer.post(t, appPath+"/decision", "outcome", "granted").expect(t, 200, "")
			p.has(t, "Предоставить доступ?", pageName, pageINN, "Доступ предоставлен", "038 Нарынский р-н", "Осмонов Талант",
				`name="confirm" value="yes"`, `action="`+appPath+`/decision"`, "Подтвердить: предоставить доступ", `href="`+appPath+`"`)
			if st := status(); st != kabinet.StatusReceived {
				t.Fatalf("ACC-6 the application is %s before the officer confirmed", st)
			}
			if n := e.count(t, "decisions"); n != 0 {
				t.Fatalf("%d decisions before the officer confirmed", n)
			}
			// Any other value of confirm is no confirmation.
			officer.post(t, appPath+"/decision", "outcome", "granted", "confirm", "1").expect(t, 200, "").has(t, "Предоставить доступ?")
			if st := status(); st != kabinet.StatusReceived {
				t.Fatalf("ACC-6 confirm=1 granted: %s", st)
			}
		})
		t.Run("I18N-1 the confirmation in Kyrgyz", func(t *testing.T) {
			ky := e.browser("ky")
			ky.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
			ky.post(t, appPath+"/decision", "outcome", "granted").expect(t, 200, "").
				has(t, `<html lang="ky">`, "Жеткиликтүүлүк берилсинби?", "038 Нарын району", "Ырастоо: жеткиликтүүлүк берүү")
		})
		t.Run("ACC-10 another office is refused before any confirmation, and the refusal names the office", func(t *testing.T) {
			other := e.browser("")
			other.post(t, "/office/login", "login", "oktyabr", "password", "Oktyabr!2026").expect(t, 303, "/office/")
			refused := other.post(t, appPath+"/decision", "outcome", "granted").expect(t, 403, "")
			refused.has(t, "038 Нарынский р-н")
			refused.hasNot(t, "Предоставить доступ?")
			otherKY := e.browser("ky")
			otherKY.post(t, "/office/login", "login", "oktyabr", "password", "Oktyabr!2026").expect(t, 303, "/office/")
			otherKY.get(t, appPath).expect(t, 403, "").has(t, "038 Нарын району")
			api := e.client()
			api.staffLogin(t, "oktyabr", "Oktyabr!2026")
			body := api.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}, 403, "wrong_office").json(t)
			errBody, _ := body["error"].(map[string]any)
			if errBody["office"] != "038" || errBody["office_name"] != "Нарынский р-н" || !strings.Contains(errBody["message"].(string), "038 Нарынский р-н") {
				t.Errorf("ACC-10 the API's refusal: %v", errBody)
			}
			if st := status(); st != kabinet.StatusReceived {
				t.Fatalf("another office's attempt changed the application: %s", st)
			}
		})
		t.Run("ACC-6 ACC-7 the confirmed grant", func(t *testing.T) {
			officer.post(t, appPath+"/decision", "outcome", "granted", "confirm", "yes").expect(t, 303, appPath)
			p := officer.get(t, appPath).expect(t, 200, "")
			p.has(t, "Решение принято")
			if st := status(); st != kabinet.StatusGranted {
				t.Fatalf("the confirmed grant left the application %s", st)
			}
			// The confirmation page of a decided application says so, and grants nothing more.
			officer.post(t, appPath+"/decision", "outcome", "granted").expect(t, 409, "").has(t, "уже принято решение")
			if n := e.count(t, "decisions"); n != 1 {
				t.Errorf("%d decisions, want 1", n)
			}
		})
		t.Run("the history names the staff member and the taxpayer, not their logins", func(t *testing.T) {
			p := officer.get(t, appPath).expect(t, 200, "")
			hist := p.body[strings.Index(p.body, `id="hist"`):]
			for _, want := range []string{"налогоплательщик", "Осмонов Талант"} {
				if !strings.Contains(hist, want) {
					t.Errorf("the history lacks %q: %s", want, excerpt(hist))
				}
			}
			for _, unwanted := range []string{"staff:naryn", ">public<", ">naryn<"} {
				if strings.Contains(hist, unwanted) {
					t.Errorf("the history shows %q: %s", unwanted, excerpt(hist))
				}
			}
			ky := e.browser("ky")
			ky.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
			ky.get(t, appPath).expect(t, 200, "").has(t, "салык төлөөчү", "Осмонов Талант")
		})
		t.Run("ACC-6 refusals and barred grants are as before: no confirmation step", func(t *testing.T) {
			fraud := e.browser("").apply(t, "20107198200456", "AN 1234567", pagePassword)
			fraudPath := "/office/applications/" + fraud
			officer.post(t, fraudPath+"/receive", "check_complete", "on", "check_match", "on", "check_signed", "on").expect(t, 303, "")
			barred := officer.post(t, fraudPath+"/decision", "outcome", "granted").expect(t, 409, "")
			barred.has(t, "Доступ предоставить нельзя")
			barred.hasNot(t, "Предоставить доступ?")
			officer.post(t, fraudPath+"/decision", "outcome", "refused", "ground", "fraud_evidence").expect(t, 303, fraudPath)
		})
	})
}

// A staff member without a name is shown by the login (kabinet.Staff.Name is optional).
func TestPagesHistoryFallsBackToLogin(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	if _, err := e.db.CreateStaff(context.Background(), store.System, store.NewStaff{Login: "narynb", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "NarynB!2026x"}); err != nil {
		t.Fatal(err)
	}
	code := e.browser("").apply(t, pageINN, "AN 4890152", pagePassword)
	officer := e.browser("")
	officer.post(t, "/office/login", "login", "narynb", "password", "NarynB!2026x").expect(t, 303, "/office/")
	officer.post(t, "/office/applications/"+code+"/receive", "check_complete", "on", "check_match", "on", "check_signed", "on").expect(t, 303, "")
	p := officer.get(t, "/office/applications/"+code).expect(t, 200, "")
	hist := p.body[strings.Index(p.body, `id="hist"`):]
	if !strings.Contains(hist, ">narynb<") || strings.Contains(hist, "staff:narynb") {
		t.Errorf("a nameless staff member in the history: %s", excerpt(hist))
	}
}

// CAB-1: the cabinet's sign-in history shows an attempt the lock refused, and a wrong
// current password typed on the change-password screen as that, not as a failed
// sign-in; it says that every wrong password counts toward the lock (PWD-3).
func TestPagesSignInHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		subject, _, d := grantedOnPages(t, e)
		intruder := e.browser("")
		for _, pw := range []string{"Неверно1!", "Неверно2!", "Неверно3!"} {
			intruder.post(t, "/login", "login", d.Login, "password", pw)
		}
		subject.post(t, "/login", "login", d.Login, "password", pagePassword).expect(t, 423, "")
		e.clock.Advance(20 * time.Minute)
		subject.post(t, "/login", "login", d.Login, "password", pagePassword).expect(t, 303, "/cabinet")
		subject.post(t, "/password", "current_password", "Неверно4!", "new_password", "Солнце2026!", "new_password_confirm", "Солнце2026!", "code_word", "мишка").
			expect(t, 422, "").has(t, "Текущий пароль введён неверно", `href="/help#h-signin"`)
		p := subject.get(t, "/cabinet").expect(t, 200, "")
		signins := p.body[strings.Index(p.body, `id="signins"`):]
		signins = signins[:strings.Index(signins, "</section>")]
		rows := strings.Count(signins, `<tr class="signin-`)
		order := []string{`signin-password_failure`, `signin-success`, `signin-locked`, `signin-lock`, `signin-failure`}
		at := 0
		for _, cls := range order {
			i := strings.Index(signins[at:], `class="`+cls+`"`)
			if i < 0 {
				t.Fatalf("CAB-1 the history lacks %s after position %d (%d rows): %s", cls, at, rows, excerpt(signins))
			}
			at += i + 1
		}
		p.has(t, "Смена пароля: текущий пароль введён неверно", "Каждый неверный пароль засчитывается для блокировки",
			"Неверных паролей подряд до блокировки: 3", "Блокировка, минут: 20")
		if strings.Count(signins, `class="signin-failure"`) != 2 {
			t.Errorf("CAB-1 the wrong current password was shown as a failed sign-in: %s", excerpt(signins))
		}
		subject.post(t, "/lang", "lang", "ky", "return", "/cabinet")
		subject.get(t, "/cabinet").expect(t, 200, "").has(t, "Сырсөздү алмаштыруу: учурдагы сырсөз туура эмес терилди")
	})
}

// The Help page (Guide: «Помощь» at the top right and on the change-password screen):
// the Guide's steps in the product's words, in both languages, the numbers of the
// policy in force; reached from every public and cabinet page, and by a session that
// must change its password (PWD-4), which reaches nothing else.
func TestPagesHelp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		b := e.browser("")
		p := b.get(t, "/help").expect(t, 200, "")
		p.has(t, "<h1>Помощь</h1>", "Получение доступа", "Печать заявления", "В налоговый орган", "Решение налогового органа",
			"Первый вход и смена пароля", "Кодовое слово", "мишка, кабинет, мама", "Блокировка входа", "Восстановление доступа",
			"Аннулирование доступа", "Подача отчётов", "Серии и номера счетов-фактур НДС", "Правила в цифрах",
			`href="#h-apply"`, `id="h-lock"`, `href="/apply"`, `href="/annul"`, `href="/cabinet/filings"`, `href="/cabinet/vat"`,
			`<dd>3</dd>`, `<dd>20</dd>`, `<dd>6</dd>`, `<dd>2</dd>`, `<dd>8</dd>`, `href="/help" aria-current="page"`)
		p.hasNot(t, "help.", "{n}")
		ky := e.browser("ky").get(t, "/help").expect(t, 200, "")
		ky.has(t, `<html lang="ky">`, "<h1>Жардам</h1>", "Коддук сөз", "Эрежелер сандар менен", "Кирүүнүн бөгөттөлүшү")
		ky.hasNot(t, "help.")
		for _, path := range []string{"/", "/apply", "/status", "/login"} {
			b.get(t, path).expect(t, 200, "").has(t, `class="header-link" href="/help"`, `<details class="nav-toggle">`)
		}
		// PWD-6: the page follows the supervisor's numbers.
		pol := kabinet.DefaultPolicy()
		pol.MaxFailures, pol.LockDuration = 5, 30*time.Minute
		if err := e.db.SetPolicy(context.Background(), store.System, pol); err != nil {
			t.Fatal(err)
		}
		b.get(t, "/help").expect(t, 200, "").has(t, `<dd>5</dd>`, `<dd>30</dd>`)

		// PWD-4: a session that must change its password reaches the Help, from the
		// change-password screen, and nothing else.
		subject, _, d := grantedOnPages(t, e)
		e.clock.Advance(7 * 30 * 24 * time.Hour)
		subject.post(t, "/login", "login", d.Login, "password", pagePassword).expect(t, 303, "/password")
		subject.get(t, "/password").expect(t, 200, "").has(t, `href="/help#h-signin"`, `class="header-link" href="/help"`)
		subject.get(t, "/help").expect(t, 200, "").has(t, "<h1>Помощь</h1>")
		subject.get(t, "/cabinet").expect(t, 303, "/password")
	})
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/i18n"
	"kabinet/internal/dbtest"
)

// The application forms answer a formed application with 303 to a page that shows it
// (Post/Redirect/Get): Back and reload show the same code and form nothing, and a new
// application that would supersede an open one (RST-2) is formed only once the subject,
// told when the open one was formed but never its code, confirms it (issue 14).

// code3 is an application code as pages print it: XXXX-XXXX-XXXX.
func code3(code string) string { return code[:4] + "-" + code[4:8] + "-" + code[8:] }

// setCookie puts a cookie in b's jar, as a browser that kept or forged one would send it.
func (b *browser) setCookie(t *testing.T, name, value string) {
	t.Helper()
	u, _ := url.Parse(b.e.srv.URL)
	b.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// cookie is the value of b's cookie name, "" when it holds none.
func (b *browser) cookie(t *testing.T, name string) string {
	t.Helper()
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (e *testServer) status(t *testing.T, code string) kabinet.ApplicationStatus {
	t.Helper()
	a, err := e.db.Application(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return a.Status
}

func TestApplyPostRedirectGet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		b := e.browser("")
		ru := func(k string, kv ...string) string { return i18n.T(i18n.RU, k, kv...) }
		gone := ru("web.applied.gone.title")

		var first string
		t.Run("ACC-4 SEC-2 formed: 303 to /applied, named by an HttpOnly SameSite=Strict cookie, nothing in the URL", func(t *testing.T) {
			p := b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 4890152", "password", pagePassword, "password_confirm", pagePassword).
				expect(t, 303, "/applied")
			sc := p.header.Get("Set-Cookie")
			for _, want := range []string{"kabinet_formed=", "HttpOnly", "SameSite=Strict", "Max-Age=1800", "Path=/"} {
				if !strings.Contains(sc, want) {
					t.Errorf("cookie %q lacks %s", sc, want)
				}
			}
			first = b.formed(t)
			if strings.Contains(p.header.Get("Location"), first) || strings.Contains(p.header.Get("Location"), pageINN) {
				t.Errorf("SEC-2 Location %q", p.header.Get("Location"))
			}
		})
		t.Run("RST-2 reload and Back show the same code and form nothing", func(t *testing.T) {
			for i := 0; i < 3; i++ {
				p := b.get(t, "/applied").expect(t, 200, "")
				p.has(t, code3(first), "23.11.2026 09:00:00", `action="/applications/print"`, `action="/applications/form.pdf"`, `action="/applied/done"`)
				p.hasNot(t, pagePassword)
			}
			if n := e.count(t, "applications"); n != 1 {
				t.Fatalf("%d applications after reloading the page", n)
			}
			if st := e.status(t, first); st != kabinet.StatusFormed {
				t.Fatalf("the printed application is %s", st)
			}
		})
		t.Run("another browser, a forged cookie, or the same one after 30 minutes: nothing shown, nothing formed", func(t *testing.T) {
			other := e.browser("")
			p := other.get(t, "/applied").expect(t, 200, "")
			p.has(t, gone, `href="/status"`, `href="/apply"`)
			p.hasNot(t, code3(first))
			forged := e.browser("ky")
			forged.setCookie(t, "kabinet_formed", first+".01503201010123")
			p = forged.get(t, "/applied").expect(t, 200, "")
			p.has(t, i18n.T(i18n.KY, "web.applied.gone.title"))
			p.hasNot(t, code3(first))
			forged.setCookie(t, "kabinet_formed", "\xff.\x00")
			forged.get(t, "/applied").expect(t, 200, "")
			// A copy of the cookie shows the application as long as the token is good.
			late := e.browser("")
			late.setCookie(t, "kabinet_formed", b.cookie(t, "kabinet_formed"))
			late.get(t, "/applied").expect(t, 200, "").has(t, code3(first))
			e.clock.Advance(31 * time.Minute)
			p = late.get(t, "/applied").expect(t, 200, "")
			p.has(t, gone)
			p.hasNot(t, code3(first))
			if sc := p.header.Get("Set-Cookie"); !strings.Contains(sc, "kabinet_formed=;") || !strings.Contains(sc, "Max-Age=0") {
				t.Errorf("the stale cookie is not cleared: %q", sc)
			}
			if n := e.count(t, "applications"); n != 1 {
				t.Fatalf("%d applications", n)
			}
		})
		t.Run("«Готово» forgets the application in this browser", func(t *testing.T) {
			c := e.browser("")
			c.setCookie(t, "kabinet_formed", b.cookie(t, "kabinet_formed"))
			c.post(t, "/applied/done").expect(t, 303, "/")
			c.get(t, "/applied").expect(t, 200, "").has(t, gone)
			if v := c.cookie(t, "kabinet_formed"); v != "" {
				t.Errorf("«Готово» left the cookie %q", v)
			}
		})

		var openMS string
		t.Run("RST-2 a new application asks first: when the open one was formed, never its code", func(t *testing.T) {
			e.clock.Advance(2 * time.Hour) // 11:31
			p := b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "ан 4890152", "password", "Новый2019!", "password_confirm", "Новый2019!").expect(t, 409, "")
			p.has(t, ru("web.confirm.title"), "23.11.2026 09:00:00", ru("web.kind.access"), `name="supersedes"`, `value="`+pageINN+`"`,
				`value="ан 4890152"`, "AN 4890152", `name="password"`, `name="password_confirm"`, ru("web.confirm.password.again"),
				`action="/apply"`, `href="/status"`)
			p.hasNot(t, first, code3(first), "Новый2019!", `id="error-summary"`)
			m := supersedesField.FindStringSubmatch(p.body)
			if m == nil {
				t.Fatal("no confirmation field")
			}
			openMS = m[1]
			if ms, _ := strconv.ParseInt(openMS, 10, 64); ms != t0.UnixMilli() {
				t.Errorf("supersedes %s, want the first one's field 300 %d", openMS, t0.UnixMilli())
			}
			if n := e.count(t, "applications"); n != 1 || e.status(t, first) != kabinet.StatusFormed {
				t.Fatalf("asking formed or superseded something: %d applications, the first %s", n, e.status(t, first))
			}
			// Without JavaScript, Back to the form and «Сформировать» again asks again.
			b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 4890152", "password", "Новый2019!", "password_confirm", "Новый2019!").
				expect(t, 409, "").has(t, "23.11.2026 09:00:00")
		})
		t.Run("SEC-3 a mistyped password on the confirmation page keeps the confirmation", func(t *testing.T) {
			p := b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 4890152", "supersedes", openMS).expect(t, 422, "")
			p.has(t, ru("web.confirm.title"), "23.11.2026 09:00:00", `id="password-error"`, `name="supersedes" value="`+openMS+`"`)
			p = b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 4890152", "password", "Новый2019!", "password_confirm", "Новый2019?", "supersedes", openMS).expect(t, 422, "")
			p.has(t, ru("web.confirm.title"), `id="password_confirm-error"`, `aria-describedby="password_confirm-error"`)
			p.hasNot(t, "Новый2019!", "Новый2019?")
			// A tampered passport goes back to the form.
			b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 48", "password", "Новый2019!", "password_confirm", "Новый2019!", "supersedes", openMS).
				expect(t, 422, "").has(t, `id="passport-error"`, `formaction="/apply/lookup"`)
			if n := e.count(t, "applications"); n != 1 {
				t.Fatalf("%d applications", n)
			}
		})
		var second, secondToken string
		t.Run("RST-2 a confirmation for another open application than the one open now asks again", func(t *testing.T) {
			e.clock.Advance(time.Minute) // 11:32
			other := e.browser("")
			second = other.apply(t, pageINN, "AN 4890152", "Другой2020!")
			secondToken = other.cookie(t, "kabinet_formed")
			if e.status(t, first) != kabinet.StatusSuperseded {
				t.Fatal("the other browser's confirmation did not supersede the first")
			}
			p := b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 4890152", "password", "Новый2019!", "password_confirm", "Новый2019!", "supersedes", openMS).
				expect(t, 409, "")
			p.has(t, "23.11.2026 11:32:00")
			p.hasNot(t, second, code3(second), "23.11.2026 09:00:00")
			if e.status(t, second) != kabinet.StatusFormed {
				t.Fatal("an unconfirmed application superseded")
			}
			openMS = supersedesField.FindStringSubmatch(p.body)[1]
		})
		t.Run("RST-2 confirmed: the new one is formed and shown, the open one superseded", func(t *testing.T) {
			b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 4890152", "password", "Новый2019!", "password_confirm", "Новый2019!", "supersedes", openMS).
				expect(t, 303, "/applied")
			third := b.formed(t)
			if third == second || third == first || e.status(t, second) != kabinet.StatusSuperseded {
				t.Fatalf("third %s, second %s is %s", third, second, e.status(t, second))
			}
			b.get(t, "/applied").expect(t, 200, "").has(t, code3(third), "23.11.2026 11:32:00")
			// The browser that formed the superseded one is told so on its page.
			o := e.browser("")
			o.setCookie(t, "kabinet_formed", secondToken)
			p := o.get(t, "/applied").expect(t, 200, "")
			p.has(t, code3(second), ru("web.status.superseded"), ru("web.applied.since.title"))
			p.hasNot(t, `action="/applications/print"`)
		})
	})
}

// ACC-2: a refused ИНН disables the rest of the form with the reason beside it, so
// nobody types a passport and a password for nothing; without JavaScript, too.
func TestApplyRefusedINNDisablesTheForm(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	for _, lang := range []string{"ru", "ky"} {
		b := e.browser(lang)
		l := i18n.Lang(lang)
		for inn, code := range map[string]string{"21212198800231": "inn_not_found", "12503199000111": "registration_liquidated"} {
			for _, path := range []string{"/apply/lookup", "/apply"} {
				p := b.post(t, path, "kind", "access", "inn", inn, "passport", "AN 4890152")
				p.has(t, i18n.T(l, "error."+code), `id="inn-error"`, i18n.T(l, "web.apply.blocked.title"),
					`aria-describedby="passport-hint passport-status blocked-note" disabled`, `data-blockable>`,
					`<fieldset class="section" disabled data-blockable>`, `disabled aria-describedby="blocked-note" data-blockable>`,
					`class="default-submit" tabindex="-1" aria-hidden="true" formaction="/apply/lookup"`)
				p.hasNot(t, `data-blocked-note hidden`)
			}
			p := b.post(t, "/apply/lookup", "kind", "annulment", "inn", inn)
			p.has(t, `<fieldset class="section" disabled data-blockable>`, `name="current_password"`)
		}
		// An ИНН with a wrong format is a typing error, not a refusal: nothing is disabled.
		p := b.post(t, "/apply/lookup", "kind", "access", "inn", "12345").expect(t, 400, "")
		p.has(t, `data-blocked-note hidden`)
		p.hasNot(t, " disabled")
		p = b.post(t, "/apply/lookup", "kind", "access", "inn", pageINN).expect(t, 200, "")
		p.has(t, `data-blocked-note hidden`, `data-passport-check`, `data-caps-lock="`+i18n.T(l, "web.caps_lock")+`"`)
		p.hasNot(t, " disabled")
	}
	if n := e.count(t, "applications"); n != 0 {
		t.Fatalf("ACC-2: %d applications", n)
	}
}

// ANN-1 RST-2: the annulment application, on the public form and in the cabinet, ends
// in 303 to /applied and asks before superseding an open annulment application.
func TestAnnulPostRedirectGet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		_, _, login := granted(t, e)
		ru := func(k string) string { return i18n.T(i18n.RU, k) }
		pub := e.browser("")
		var public string
		t.Run("public /annul: 303, then asks with the current password again", func(t *testing.T) {
			pub.post(t, "/apply", "kind", "annulment", "inn", pageINN, "passport", "AN 4890152", "current_password", pagePassword).expect(t, 303, "/applied")
			public = pub.formed(t)
			pub.get(t, "/applied").expect(t, 200, "").has(t, ru("web.kind.annulment"), "календарных дней")
			// An outsider is told nothing about an open annulment: the password comes first.
			pub.post(t, "/apply", "kind", "annulment", "inn", pageINN, "passport", "AN 4890152", "current_password", "Неверный1!").
				expect(t, 401, "").hasNot(t, ru("web.confirm.title"), `name="supersedes"`)
			e.clock.Advance(time.Minute)
			p := pub.post(t, "/apply", "kind", "annulment", "inn", pageINN, "passport", "AN 4890152", "current_password", pagePassword).expect(t, 409, "")
			p.has(t, ru("web.confirm.title"), ru("web.kind.annulment"), "23.11.2026 09:00:00", `name="current_password"`, ru("web.annul.confirm.hint"))
			p.hasNot(t, public, code3(public), pagePassword, `name="password_confirm"`)
			ms := supersedesField.FindStringSubmatch(p.body)[1]
			p = pub.post(t, "/apply", "kind", "annulment", "inn", pageINN, "passport", "AN 4890152", "current_password", "Неверный1!", "supersedes", ms).expect(t, 401, "")
			p.has(t, ru("web.confirm.title"), `id="current_password-error"`)
			pub.post(t, "/apply", "kind", "annulment", "inn", pageINN, "passport", "AN 4890152", "current_password", pagePassword, "supersedes", ms).expect(t, 303, "/applied")
			if again := pub.formed(t); again == public || e.status(t, public) != kabinet.StatusSuperseded {
				t.Fatalf("the confirmed annulment %s, the earlier %s", again, e.status(t, public))
			}
		})
		t.Run("the cabinet: 303 to /applied; asks without a password (the session stands in)", func(t *testing.T) {
			c := e.browser("")
			c.post(t, "/login", "login", login, "password", pagePassword).expect(t, 303, "/cabinet")
			e.clock.Advance(time.Minute) // 09:02
			p := c.post(t, "/cabinet/annul", "passport", "AN 4890152").expect(t, 409, "")
			p.has(t, ru("web.confirm.title"), "23.11.2026 09:01:00", `action="/cabinet/annul"`, `href="/cabinet"`, ru("web.nav.cabinet"))
			p.hasNot(t, `type="password"`, `name="inn"`)
			if n := e.count(t, "applications"); n != 3 {
				t.Fatalf("%d applications", n)
			}
			ms := supersedesField.FindStringSubmatch(p.body)[1]
			c.post(t, "/cabinet/annul", "passport", "AN 4890152", "supersedes", ms).expect(t, 303, "/applied")
			code := c.formed(t)
			c.get(t, "/applied").expect(t, 200, "").has(t, code3(code), `href="/cabinet"`, "23.11.2026 09:02:00")
			c.post(t, "/applied/done").expect(t, 303, "/cabinet")
		})
	})
}

// The API keeps its contract: an open application is superseded silently unless the
// caller asks first (ask_before_superseding, supersedes_formed_at; web/openapi.json).
func TestApplyAPIAsksOnlyWhenAsked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		c := e.client()
		body := func(kv ...any) map[string]any {
			m := map[string]any{"inn": pageINN, "passport": "AN 4890152", "password": pagePassword, "password_confirm": pagePassword}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		a := c.expect(t, "POST", "/api/v1/applications", body(), 201, "").json(t)
		b := c.expect(t, "POST", "/api/v1/applications", body(), 201, "").json(t)
		if e.status(t, a["code"].(string)) != kabinet.StatusSuperseded {
			t.Fatal("RST-2 without asking, the open application is superseded as before")
		}
		e.clock.Advance(1500 * time.Millisecond)
		ans := c.expect(t, "POST", "/api/v1/applications", body("ask_before_superseding", true), 409, "would_supersede")
		if strings.Contains(string(ans.body), b["code"].(string)) {
			t.Fatal("would_supersede names the open application's code")
		}
		er := ans.json(t)["error"].(map[string]any)
		formed, _ := er["formed_at"].(string)
		if at, err := time.Parse(time.RFC3339, formed); err != nil || !at.Equal(t0) || er["status"] != "formed" {
			t.Fatalf("would_supersede: %v", er)
		}
		c.expect(t, "POST", "/api/v1/applications", body("supersedes_formed_at", "yesterday"), 400, "invalid_json")
		c.expect(t, "POST", "/api/v1/applications", body("supersedes_formed_at", t0.Add(time.Millisecond).Format(time.RFC3339Nano)), 409, "would_supersede")
		d := c.expect(t, "POST", "/api/v1/applications", body("supersedes_formed_at", formed), 201, "").json(t)
		if e.status(t, b["code"].(string)) != kabinet.StatusSuperseded || d["filled_at"] == b["filled_at"] {
			t.Fatalf("confirmed: %v after %v", d, b)
		}
		// With nothing open there is nothing to ask.
		c.expect(t, "POST", "/api/v1/applications", map[string]any{"inn": "01503201010123", "passport": "AN 4890152",
			"password": pagePassword, "password_confirm": pagePassword, "ask_before_superseding": true}, 201, "")
	})
}

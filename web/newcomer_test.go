package web_test

import (
	"strings"
	"testing"
	"time"

	"kabinet/internal/dbtest"
)

// Issue 14, point 10: the verification form sent with a field empty asks for it, in
// both languages, instead of answering that no such decision exists; and it asks
// without touching the store, so empty forms spend nothing of the look-up limit.
func TestVerifyAsksForEmptyFields(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	b := e.browser("")

	p := b.get(t, "/verify").expect(t, 200, "")
	p.hasNot(t, `role="alert"`, "field-error")

	p = b.get(t, "/verify?number=&code=").expect(t, 422, "")
	p.has(t, `role="alert"`, ru("error.verify_fields_required"), `href="#number"`,
		`id="number-error"`, ru("web.verify.number.required"), `id="vcode-error"`, ru("web.verify.code.required"),
		`aria-describedby="number-error"`, `aria-describedby="vcode-error"`)
	p.hasNot(t, ru("error.decision_not_found"))
	if n := strings.Count(p.body, `aria-invalid="true"`); n != 2 {
		t.Errorf("%d fields marked invalid, want 2", n)
	}

	p = b.get(t, "/verify?number=R-038-2026-000001&code=+").expect(t, 422, "")
	p.has(t, `href="#vcode"`, `id="vcode-error"`, ru("web.verify.code.required"), `value="R-038-2026-000001"`)
	p.hasNot(t, `id="number-error"`, ru("web.verify.number.required"))

	p = b.get(t, "/verify?code=ABCDEFGHJK").expect(t, 422, "")
	p.has(t, `href="#number"`, `id="number-error"`, `value="ABCDEFGHJK"`)
	p.hasNot(t, `id="vcode-error"`)

	e.browser("ky").get(t, "/verify?number=&code=").expect(t, 422, "").
		has(t, ky("error.verify_fields_required"), ky("web.verify.number.required"), ky("web.verify.code.required"))

	// More empty forms than the look-ups a client may make in a minute (SEC-2, 30):
	// a real check afterwards is still answered.
	for range 35 {
		b.get(t, "/verify?number=&code=").expect(t, 422, "")
	}
	b.get(t, "/verify?number=R-038-2026-000001&code=ABCDEFGHJK").expect(t, 404, "").has(t, ru("error.decision_not_found"))
}

// Issue 14, point 10: «Вход в кабинет» leads to the sign-in page, which says nothing
// about a session that ended while the person was away and clears its cookie; a
// cabinet page the session ended under still says it expired.
func TestLoginLinkWithoutExpiredNotice(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	subject, _, d := grantedOnPages(t, e)

	home := e.browser("").get(t, "/").expect(t, 200, "")
	home.has(t, `<a href="/login">`+ru("web.nav.login")+`</a>`)
	home.hasNot(t, `<a href="/cabinet">`+ru("web.nav.login"))
	e.browser("").get(t, "/login").expect(t, 200, "").has(t, `<a href="/login" aria-current="page">`+ru("web.nav.login")+`</a>`)

	subject.post(t, "/login", "login", d.Login, "password", pagePassword).expect(t, 303, "/cabinet")
	subject.get(t, "/login").expect(t, 303, "/cabinet")

	// Away longer than the idle timeout (30 minutes), then «Вход в кабинет».
	e.clock.Advance(31 * time.Minute)
	p := subject.get(t, "/login").expect(t, 200, "")
	p.hasNot(t, ru("web.notice.expired"), ru("web.notice.sign_in_first"), `class="notice"`)
	cleared := false
	for _, c := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "kabinet=;") && strings.Contains(c, "Max-Age=0") {
			cleared = true
		}
	}
	if !cleared {
		t.Errorf("the ended session's cookie is not cleared: %q", p.header.Values("Set-Cookie"))
	}
	subject.get(t, "/login").expect(t, 200, "").hasNot(t, ru("web.notice.expired"))

	// A real expiry under a cabinet page is still told.
	subject.post(t, "/login", "login", d.Login, "password", pagePassword).expect(t, 303, "/cabinet")
	e.clock.Advance(31 * time.Minute)
	subject.get(t, "/cabinet").expect(t, 303, "/login?m=expired")
	subject.get(t, "/login?m=expired").expect(t, 200, "").has(t, ru("web.notice.expired"))
}

package web_test

import (
	"strings"
	"testing"

	"kabinet/i18n"
	"kabinet/internal/dbtest"
)

// Issue 14, point 10, on the other verification pages: the VAT decision's (/vat/verify,
// a GET) and the filing receipt's (/verify/filing, a POST) forms sent with a field empty
// ask for it in both languages, with an error summary linking to the first empty field,
// instead of answering that nothing was found; and empty forms spend nothing of the
// client's look-up limit.
func TestOtherVerifyPagesAskForEmptyFields(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	type send func(b *browser, number, code string) page
	pages := []struct {
		name, summary, numberRequired, notFound string
		blank                                   string // a value of spaces, as the page's request carries it
		send                                    send
		real                                    [2]string
	}{
		{"/vat/verify", "error.verify_fields_required", "web.verify.number.required", "web.vat.error.decision_not_found", "+",
			func(b *browser, number, code string) page {
				return b.get(t, "/vat/verify?number="+number+"&code="+code)
			}, [2]string{"R-038-2026-000001", "ABCDEFGHJK"}},
		{"/verify/filing", "error.filing_verify_fields_required", "filing.verify.number.required", "error.filing_not_found", " ",
			func(b *browser, number, code string) page {
				return b.post(t, "/verify/filing", "number", number, "code", code)
			}, [2]string{"F-038-2026-000001", "ABCD-EFGH"}},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			b := e.browser("")
			p := pg.send(b, "", "").expect(t, 422, "")
			p.has(t, `role="alert"`, i18n.T(i18n.RU, pg.summary), `href="#number"`,
				`id="number-error"`, i18n.T(i18n.RU, pg.numberRequired), `id="vcode-error"`, ru("web.verify.code.required"),
				`aria-describedby="number-error"`, `aria-describedby="vcode-error"`)
			p.hasNot(t, i18n.T(i18n.RU, pg.notFound))
			if n := strings.Count(p.body, `aria-invalid="true"`); n != 2 {
				t.Errorf("%d fields marked invalid, want 2", n)
			}
			if n := strings.Count(p.body, `id="number-error"`); n != 1 {
				t.Errorf("%d number errors, want 1", n)
			}

			p = pg.send(b, pg.real[0], pg.blank).expect(t, 422, "")
			p.has(t, `href="#vcode"`, `id="vcode-error"`, ru("web.verify.code.required"), `value="`+pg.real[0]+`"`)
			p.hasNot(t, `id="number-error"`, i18n.T(i18n.RU, pg.numberRequired))

			p = pg.send(b, "", pg.real[1]).expect(t, 422, "")
			p.has(t, `href="#number"`, `id="number-error"`, `value="`+pg.real[1]+`"`)
			p.hasNot(t, `id="vcode-error"`)

			pg.send(e.browser("ky"), "", "").expect(t, 422, "").
				has(t, ky(pg.summary), ky(pg.numberRequired), ky("web.verify.code.required"))

			// More empty forms than the look-ups a client may make in a minute (SEC-2, 30):
			// a real check afterwards is still answered.
			for range 35 {
				pg.send(b, "", "").expect(t, 422, "")
			}
			pg.send(b, pg.real[0], pg.real[1]).expect(t, 404, "").has(t, i18n.T(i18n.RU, pg.notFound))
		})
	}
	// The form itself, with nothing sent, asks for nothing yet.
	e.browser("").get(t, "/vat/verify").expect(t, 200, "").hasNot(t, `role="alert"`, "field-error")
	e.browser("").get(t, "/verify/filing").expect(t, 200, "").hasNot(t, `role="alert"`, "field-error")
}

package web_test

import (
	"context"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"kabinet"
	"kabinet/i18n"
	"kabinet/internal/dbtest"
	"kabinet/password"
)

// The pages are driven as a browser without JavaScript would: GET pages, POST forms
// (application/x-www-form-urlencoded, with the same-origin header a browser sends),
// follow nothing automatically.

const (
	pageINN      = "11705198700772"
	pageName     = "Кашкариева Жазгул Бейшенбековна"
	pagePassword = "Луна2018!"
)

// browser is one person's browser: its own cookies, no JavaScript.
type browser struct {
	e    *testServer
	http *http.Client
}

func (e *testServer) browser(lang string) *browser {
	return &browser{e: e, http: &http.Client{Jar: e.jar(lang), CheckRedirect: noRedirects}}
}

type page struct {
	status int
	body   string
	header http.Header
}

func (p page) has(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("page (%d) lacks %q", p.status, w)
		}
	}
}

func (p page) hasNot(t *testing.T, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Errorf("page (%d) contains %q", p.status, w)
		}
	}
}

func (b *browser) do(t *testing.T, method, path string, form url.Values) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", b.e.srv.URL)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, body: string(raw), header: resp.Header}
	checkPage(t, method+" "+path, p)
	return p
}

func (b *browser) get(t *testing.T, path string) page {
	t.Helper()
	return b.do(t, http.MethodGet, path, nil)
}

func (b *browser) post(t *testing.T, path string, kv ...string) page {
	t.Helper()
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	return b.do(t, http.MethodPost, path, form)
}

// expect checks the status (and for redirects the target's path).
func (p page) expect(t *testing.T, status int, location string) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d: %s", p.status, status, excerpt(p.body))
	}
	if location != "" {
		if got := p.header.Get("Location"); got != location {
			t.Fatalf("redirect to %q, want %q", got, location)
		}
	}
	return p
}

func excerpt(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000]
	}
	return s
}

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	identInURL   = regexp.MustCompile(`\d{14}|AN\s?\d{7}`)
)

// attributes yields every name="value" attribute of an HTML page that follows
// whitespace, its name in lower case: the pages are the service's own templates, which
// quote every value with double quotes.
func attributes(body string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for rest, at := body, 0; ; {
			i := strings.Index(rest[at:], `="`)
			if i < 0 {
				return
			}
			eq := at + i
			start := eq
			for start > 0 && isNameByte(rest[start-1]) {
				start--
			}
			end := strings.IndexByte(rest[eq+2:], '"')
			if end < 0 {
				return
			}
			value := rest[eq+2 : eq+2+end]
			at = eq + 2 + end + 1
			if start == eq || start == 0 || !isSpace(rest[start-1]) {
				continue
			}
			if !yield(strings.ToLower(rest[start:eq]), value) {
				return
			}
		}
	}
}

func isNameByte(c byte) bool {
	return c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// reporter is the part of *testing.T that checkPage reports through.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// checkPage holds every HTML page to the rules that apply everywhere: never a 500 on
// input (SEC-3), a language attribute and a language switch (I18N-1), no inline script
// or style (CSP), labels and descriptions that point at something, and no personal
// identifier in any link or form address (SEC-2). t is a *testing.T, or a recorder in
// the test of checkPage itself.
func checkPage(t reporter, what string, p page) {
	t.Helper()
	if p.status >= 500 {
		t.Errorf("SEC-3 %s: status %d", what, p.status)
	}
	if p.status >= 300 && p.status < 400 {
		return
	}
	if !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
		return
	}
	if !strings.Contains(p.body, `<html lang="ru">`) && !strings.Contains(p.body, `<html lang="ky">`) {
		t.Errorf("I18N-1 %s: no lang attribute", what)
	}
	if !strings.Contains(p.body, `class="lang-switch"`) {
		t.Errorf("I18N-1 %s: no language switch", what)
	}
	if inlineScript.MatchString(p.body) || strings.Contains(strings.ToLower(p.body), "<style") {
		t.Errorf("%s: inline script or style (CSP)", what)
	}
	// One pass over the page's attributes, every id into a set: a page of 500 table rows
	// has thousands of labels, and a search of the whole page for each (or a regular
	// expression with no literal to start from) cost the suite seconds a page.
	ids := map[string]bool{}
	var forIDs, describedIDs []string
	for name, value := range attributes(p.body) {
		switch {
		case name == "style" || len(name) > 2 && strings.HasPrefix(name, "on"):
			t.Errorf("%s: inline style or event handler %s= (CSP)", what, name)
		case name == "id":
			if ids[value] {
				t.Errorf("%s: id %q is used twice (labels, descriptions and links would point at the first)", what, value)
			}
			ids[value] = true
		case name == "for":
			forIDs = append(forIDs, value)
		case name == "aria-describedby":
			describedIDs = append(describedIDs, strings.Fields(value)...)
		case (name == "href" || name == "action" || name == "src") && identInURL.MatchString(value):
			t.Errorf("SEC-2 %s: a personal identifier in a URL: %s=%q", what, name, value)
		}
	}
	for _, id := range forIDs {
		if !ids[id] {
			t.Errorf("%s: label for %q has no field", what, id)
		}
	}
	for _, id := range describedIDs {
		if !ids[id] {
			t.Errorf("%s: aria-describedby %q points at nothing", what, id)
		}
	}
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("SEC-2 %s: Cache-Control %q", what, cc)
	}
}

var (
	codeField       = regexp.MustCompile(`name="code" value="([0-9A-Z]{12})"`)
	supersedesField = regexp.MustCompile(`name="supersedes" value="([0-9]+)"`)
)

// apply forms an access application through the page, confirming the replacement of
// an open one when the page asks (RST-2), and returns its code from the page the
// browser is sent to (/applied).
func (b *browser) apply(t *testing.T, inn, passport, pw string) string {
	t.Helper()
	p := b.post(t, "/apply", "kind", "access", "inn", inn, "passport", passport, "password", pw, "password_confirm", pw)
	if m := supersedesField.FindStringSubmatch(p.body); p.status == 409 && m != nil {
		p = b.post(t, "/apply", "kind", "access", "inn", inn, "passport", passport, "password", pw, "password_confirm", pw, "supersedes", m[1])
	}
	p.expect(t, 303, "/applied")
	return b.formed(t)
}

// formed is the code /applied shows this browser.
func (b *browser) formed(t *testing.T) string {
	t.Helper()
	p := b.get(t, "/applied").expect(t, 200, "")
	m := codeField.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no code on the page: %s", excerpt(p.body))
	}
	return m[1]
}

func (e *testServer) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPagesPublic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		b := e.browser("")

		t.Run("home explains the procedure and links every service", func(t *testing.T) {
			p := b.get(t, "/").expect(t, 200, "")
			p.has(t, `<html lang="ru">`, `href="/apply"`, `href="/annul"`, `href="/status"`, `href="/verify"`, `href="/login"`,
				"в двух экземплярах", "20 минут")
		})
		t.Run("ACC-3 the form: confirmation, show-password toggle, requirements beside", func(t *testing.T) {
			p := b.get(t, "/apply").expect(t, 200, "")
			p.has(t, `name="inn"`, `formaction="/apply/lookup"`, `name="passport"`, `name="password"`, `name="password_confirm"`,
				`data-toggle-password="password"`, "Требования к паролю:", "Хотя бы одну цифру", "Пароль должен быть не менее 8 символов",
				"Хотя бы один из символов !@#$%^&amp;*", "<span class=\"fno\">102</span>", "<span class=\"fno\">106</span>",
				"<span class=\"fno\">297</span>", "Сформировать заявление")
			// Without JavaScript the password stays a password field; the toggle is hidden until app.js shows it.
			p.has(t, `type="password"`, `aria-pressed="false" hidden`)
			// The Guide's form: 102, 103, 104, 106, then the address, then section II.
			at := func(s string) int { return strings.Index(p.body, s) }
			if f104, f106, addr, f297 := at(`for="f104"`), at(`for="passport"`), at(`for="faddr"`), at(`for="f297"`); !(f104 < f106 && f106 < addr && addr < f297) {
				t.Errorf("field order 104 %d, 106 %d, address %d, 297 %d: want the Guide's 104, 106, address, 297", f104, f106, addr, f297)
			}
		})
		t.Run("ACC-1 the look-up without JavaScript fills 103, 104, address and 297", func(t *testing.T) {
			p := b.post(t, "/apply/lookup", "kind", "access", "inn", pageINN, "passport", "AN 4890152").expect(t, 200, "")
			p.has(t, `value="`+pageName+`"`, `value="038 Нарынский р-н"`, "Мин-булак Мин Булак Советская 2", `value="AN 4890152"`)
		})
		t.Run("ACC-2 unknown or liquidated: told plainly why, nothing stored", func(t *testing.T) {
			p := b.post(t, "/apply/lookup", "inn", "21212198800231").expect(t, 404, "")
			p.has(t, "ИНН не найден в базе данных ГНС", `role="alert"`, `aria-invalid="true"`, `id="inn-error"`, `value="21212198800231"`)
			p = b.post(t, "/apply", "inn", "12503199000111", "passport", "AN 4890152", "password", pagePassword, "password_confirm", pagePassword).expect(t, 409, "")
			p.has(t, "ликвидирована", `value="12503199000111"`)
			p.hasNot(t, pagePassword)
			b.post(t, "/apply/lookup", "inn", "12345").expect(t, 400, "").has(t, "14 цифр")
			if n := e.count(t, "applications"); n != 0 {
				t.Errorf("ACC-2: %d applications stored", n)
			}
		})
		t.Run("SEC-3 an error keeps what was typed, never the password", func(t *testing.T) {
			p := b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 48901", "password", pagePassword, "password_confirm", pagePassword).expect(t, 422, "")
			p.has(t, `value="AN 48901"`, `value="`+pageINN+`"`, `value="`+pageName+`"`, "Серия и номер паспорта (ячейка 106)", `id="passport-error"`)
			p.hasNot(t, pagePassword)
			p = b.post(t, "/apply", "inn", pageINN, "passport", "AN 4890152", "password", pagePassword, "password_confirm", "Луна2018?").expect(t, 422, "")
			p.has(t, "не совпадают", `id="password_confirm-error"`, `href="#password_confirm"`)
			p.hasNot(t, `id="password-error"`)
			p = b.post(t, "/apply", "inn", "1170519870077\x00", "passport", "\xff\xfe").expect(t, 400, "")
			p.has(t, "ИНН должен состоять из 14 цифр")
			b.post(t, "/apply", "inn", strings.Repeat("1", 70000)).expect(t, 413, "")
		})
		t.Run("PWD-1 I18N-1 a weak password names each failed rule in the user's language", func(t *testing.T) {
			p := b.post(t, "/apply", "inn", pageINN, "passport", "AN 4890152", "password", "password", "password_confirm", "password").expect(t, 422, "")
			p.has(t, "Пароль не соответствует требованиям", "Хотя бы один символ в верхнем регистре", "Хотя бы одну цифру",
				"Хотя бы один из символов !@#$%^&amp;*", "списка распространённых паролей")
			ky := e.browser("ky")
			p = ky.post(t, "/apply", "inn", pageINN, "passport", "AN 4890152", "password", "пароль", "password_confirm", "пароль").expect(t, 422, "")
			p.has(t, `<html lang="ky">`, "Сырсөз талаптарга жооп бербейт", "Жок дегенде бир сан", "Жок дегенде бир баш тамга",
				"Сырсөз 8 белгиден кем болбошу керек")
			p.hasNot(t, "Хотя бы одну цифру")
		})
		var code string
		t.Run("ACC-4 forming the application: code, field 300, PDF, print version", func(t *testing.T) {
			b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "an 4890152", "password", pagePassword, "password_confirm", pagePassword).expect(t, 303, "/applied")
			p := b.get(t, "/applied").expect(t, 200, "")
			m := codeField.FindStringSubmatch(p.body)
			if m == nil {
				t.Fatalf("no code: %s", excerpt(p.body))
			}
			code = m[1]
			p.has(t, code[:4]+"-"+code[4:8]+"-"+code[8:], "23.11.2026 09:00:00", "Скачать PDF", "Версия для печати",
				"в двух экземплярах", "038 Нарынский р-н", `action="/applications/form.pdf"`, `action="/applications/print"`)
			p.hasNot(t, pagePassword)

			pr := b.post(t, "/applications/print", "code", code, "inn", pageINN).expect(t, 200, "")
			for _, n := range []string{"102", "103", "104", "106", "297", "300"} {
				if !regexp.MustCompile(`<th scope="row" class="fno-cell">` + n + `</th>`).MatchString(pr.body) {
					t.Errorf("ACC-4: print version lacks field %s", n)
				}
			}
			pr.has(t, "Экземпляр 1", "Экземпляр 2", "<svg", "Подпись заявителя", pageName, "AN 4890152", "23.11.2026 09:00:00",
				code[:4]+"-"+code[4:8]+"-"+code[8:], "РАЗДЕЛ I. ИНФОРМАЦИЯ О НАЛОГОПЛАТЕЛЬЩИКЕ")
			pr.hasNot(t, pagePassword, "argon2")
			if strings.Count(pr.body, `class="form-copy"`) != 2 {
				t.Error("ACC-4: not two copies")
			}
			ky := e.browser("ky")
			ky.post(t, "/applications/print", "code", code, "inn", pageINN).expect(t, 200, "").has(t, "1-нуска", "2-нуска", "I БӨЛҮМ")

			pdf := b.post(t, "/applications/form.pdf", "code", code, "inn", pageINN)
			if pdf.status != 200 || !strings.HasPrefix(pdf.body, "%PDF") {
				t.Errorf("ACC-4 PDF: %d", pdf.status)
			}
			b.post(t, "/applications/form.pdf", "code", code, "inn", "01503201010123").expect(t, 404, "").has(t, "Заявление с таким кодом и ИНН не найдено")
		})
		t.Run("status of the application; RST-2 superseded by a newer one", func(t *testing.T) {
			b.get(t, "/status").expect(t, 200, "").has(t, `name="code"`, `name="inn"`)
			p := b.post(t, "/status", "code", strings.ToLower(code[:6]+" "+code[6:]), "inn", pageINN).expect(t, 200, "")
			p.has(t, "Сформировано", "Распечатайте его в двух экземплярах", "Скачать PDF")
			p = b.post(t, "/status", "code", code, "inn", "01503201010123").expect(t, 404, "")
			p.has(t, "не найдено", `value="`+code+`"`, `value="01503201010123"`)
			newer := b.apply(t, pageINN, "AN 4890152", "Новый2019!")
			p = b.post(t, "/status", "code", code, "inn", pageINN).expect(t, 200, "")
			p.has(t, "Заменено более новым заявлением", "рассматриваться не будет")
			b.post(t, "/status", "code", newer, "inn", pageINN).expect(t, 200, "").has(t, "Сформировано")
		})
		t.Run("I18N-1 the language switch remembers the choice and returns only to this site", func(t *testing.T) {
			c := e.browser("")
			p := c.post(t, "/lang", "lang", "ky", "return", "/status").expect(t, 303, "/status")
			if sc := p.header.Get("Set-Cookie"); !strings.Contains(sc, "lang=ky") || !strings.Contains(sc, "Max-Age=31536000") {
				t.Errorf("cookie %q", sc)
			}
			c.get(t, "/status").expect(t, 200, "").has(t, `<html lang="ky">`, "Арыздын абалы")
			for _, evil := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""} {
				c.post(t, "/lang", "lang", "ru", "return", evil).expect(t, 303, "/")
			}
			// A page shown in answer to a POST switches language without losing its content.
			c.post(t, "/status", "code", code, "inn", pageINN, "set_lang", "ky").expect(t, 200, "").has(t, `<html lang="ky">`, "алмаштырылды", pageName)
		})
	})
}

func TestPagesOffice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		subject := e.browser("")
		code := subject.apply(t, pageINN, "AN 4890152", pagePassword)
		grouped := strings.ToLower(code[:4] + "-" + code[4:8] + "-" + code[8:])
		appPath := "/office/applications/" + code

		officer := e.browser("")
		other := e.browser("")
		otherKY := e.browser("ky")
		t.Run("SEC-1 back-office sign-in", func(t *testing.T) {
			officer.get(t, "/office/").expect(t, 303, "/office/login?m=signin")
			officer.get(t, "/office/login").expect(t, 200, "").has(t, `name="otp"`)
			officer.post(t, "/office/login", "login", "naryn", "password", "wrong").expect(t, 401, "").has(t, "Неверный логин или пароль", `value="naryn"`)
			officer.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
			other.post(t, "/office/login", "login", "oktyabr", "password", "Oktyabr!2026").expect(t, 303, "/office/")
			otherKY.post(t, "/office/login", "login", "oktyabr", "password", "Oktyabr!2026").expect(t, 303, "/office/")
			officer.get(t, "/office/").expect(t, 200, "").has(t, "Заявления к рассмотрению", "038 Нарынский р-н", `action="/office/find"`)
		})
		t.Run("ACC-5 find by ИНН and code", func(t *testing.T) {
			p := officer.post(t, "/office/find", "inn", pageINN, "code", "0000-0000-0000").expect(t, 404, "")
			p.has(t, "не найдено", `value="0000-0000-0000"`, `value="`+pageINN+`"`)
			officer.post(t, "/office/find", "inn", pageINN, "code", grouped).expect(t, 303, appPath)
			p = officer.get(t, appPath).expect(t, 200, "")
			p.has(t, pageName, "AN 4890152", "Заявление заполнено полностью", "Реквизиты соответствуют приложенным документам",
				"Подпись заявителя проставлена", "Принять заявление", "В базе данных ГНС сейчас")
		})
		t.Run("ACC-10 another office: a 403 page in the user's language", func(t *testing.T) {
			other.post(t, "/office/find", "inn", pageINN, "code", code).expect(t, 403, "").has(t, "другой налоговый орган")
			other.get(t, appPath).expect(t, 403, "").has(t, "Заявление подано в другой налоговый орган (038 Нарынский р-н)")
			otherKY.get(t, appPath).expect(t, 403, "").has(t, `<html lang="ky">`, "Арыз башка салык органына (038 Нарын району) берилген")
			other.post(t, appPath+"/receive", "check_complete", "on", "check_match", "on", "check_signed", "on").expect(t, 403, "")
			other.post(t, appPath+"/decision", "outcome", "granted").expect(t, 403, "")
		})
		t.Run("ACC-5 the checklist must be confirmed; receipt starts the clock", func(t *testing.T) {
			p := officer.post(t, appPath+"/receive", "check_complete", "on", "check_signed", "on").expect(t, 422, "")
			p.has(t, "Отметьте все пункты проверки", `id="check_complete" name="check_complete" checked`)
			p.hasNot(t, `id="check_match" name="check_match" checked`)
			officer.post(t, appPath+"/decision", "outcome", "granted").expect(t, 409, "").has(t, "Сначала отметьте приём заявления")
			officer.post(t, appPath+"/receive", "check_complete", "on", "check_match", "on", "check_signed", "on").expect(t, 303, appPath)
			p = officer.get(t, appPath).expect(t, 200, "")
			p.has(t, "Принято налоговым органом", "Экземпляр заявителя с отметкой о принятии (PDF)", `class="timer big`, ">20:00<",
				"Предоставить доступ", "Отказать", "Отсутствие налоговой регистрации",
				"Наличие документальных сведений об участии в лжепредпринимательской деятельности и фиктивных поставках")
			if n := strings.Count(p.body, `type="radio"`); n != 2 {
				t.Errorf("ACC-6: %d grounds offered, want exactly 2", n)
			}
			officer.post(t, appPath+"/receive", "check_complete", "on", "check_match", "on", "check_signed", "on").expect(t, 409, "").has(t, "Заявление уже принято")
			rc := officer.get(t, appPath+"/receipt.pdf")
			if rc.status != 200 || !strings.HasPrefix(rc.body, "%PDF") {
				t.Errorf("ACC-5 receipt copy: %d", rc.status)
			}
		})
		t.Run("ACC-9 the board counts down and flags what is overdue", func(t *testing.T) {
			e.clock.Advance(5 * time.Minute)
			p := officer.get(t, "/office/").expect(t, 200, "")
			p.has(t, pageName, ">15:00<", `data-due="`)
			p.hasNot(t, "просрочено 0")
			other.get(t, "/office/").expect(t, 200, "").hasNot(t, pageName)
			e.clock.Advance(16 * time.Minute)
			p = officer.get(t, "/office/").expect(t, 200, "")
			p.has(t, "просрочено 01:00", `class="overdue"`)
		})
		var number string
		t.Run("ACC-6 ACC-7 the decision", func(t *testing.T) {
			p := officer.post(t, appPath+"/decision", "outcome", "refused").expect(t, 422, "")
			p.has(t, "Выберите основание отказа", `id="ground-error"`)
			p = officer.post(t, appPath+"/decision", "outcome", "refused", "ground", "dislike").expect(t, 422, "")
			officer.post(t, appPath+"/decision", "outcome", "granted", "confirm", "yes").expect(t, 303, appPath)
			p = officer.get(t, appPath).expect(t, 200, "")
			m := regexp.MustCompile(`href="/office/decisions/([^"]+)\.pdf"`).FindStringSubmatch(p.body)
			if m == nil {
				t.Fatalf("no decision PDF link: %s", excerpt(p.body))
			}
			number = m[1]
			d, err := e.db.Decision(context.Background(), number)
			if err != nil {
				t.Fatal(err)
			}
			p.has(t, "Решение принято", number, `class="code-big">`+d.Login+`<`, d.VerificationCode, "с нарушением срока", "Решение (PDF)")
			pdf := officer.get(t, "/office/decisions/"+number+".pdf")
			if pdf.status != 200 || !strings.HasPrefix(pdf.body, "%PDF") {
				t.Errorf("ACC-8 decision PDF: %d", pdf.status)
			}
			other.get(t, "/office/decisions/"+number+".pdf").expect(t, 403, "")
			officer.get(t, "/office/decisions/"+number).expect(t, 404, "")
			officer.post(t, appPath+"/decision", "outcome", "granted").expect(t, 409, "").has(t, "уже принято решение № "+number)
			st := subject.post(t, "/status", "code", code, "inn", pageINN).expect(t, 200, "")
			st.has(t, "Доступ предоставлен", number)

			b := officer.get(t, "/office/").expect(t, 200, "")
			b.has(t, `<span class="stat-n">1</span> решение принято`, `<span class="stat-n">1</span> с нарушением срока`)
		})
		t.Run("ACC-8 the public verification page shows what the paper shows", func(t *testing.T) {
			d, _ := e.db.Decision(context.Background(), number)
			v := e.browser("")
			v.get(t, "/verify").expect(t, 200, "").has(t, `name="number"`, `name="code"`)
			p := v.get(t, "/verify?number="+url.QueryEscape(number)+"&code="+d.VerificationCode).expect(t, 200, "")
			p.has(t, "Решение найдено", "Доступ предоставлен", d.Login, pageName, "038 Нарынский р-н", "Осмонов Талант")
			p.hasNot(t, "AN 4890152", "Нарынская обл.")
			v.get(t, "/verify?number="+url.QueryEscape(number)+"&code=AAAAAAAAAA").expect(t, 404, "").has(t, "не найдено", `value="`+number+`"`)
		})
		t.Run("ACC-6 fraud mark and an unusual passport series are flagged to the officer", func(t *testing.T) {
			c := subject.apply(t, "20107198200456", "XY 1234567", pagePassword)
			p := officer.get(t, "/office/applications/"+c).expect(t, 200, "")
			p.has(t, "Серия паспорта не из списка AN, ID, AC, PE — проверьте документ", "лжепредпринимательской", "Акт № 12-04/118")
			officer.post(t, "/office/applications/"+c+"/receive", "check_complete", "on", "check_match", "on", "check_signed", "on").expect(t, 303, "")
			p = officer.get(t, "/office/applications/"+c).expect(t, 200, "")
			p.has(t, "Предоставить доступ нельзя", `value="fraud_evidence" checked`)
			officer.post(t, "/office/applications/"+c+"/decision", "outcome", "granted").expect(t, 409, "").has(t, "Доступ предоставить нельзя")
			officer.post(t, "/office/applications/"+c+"/decision", "outcome", "refused", "ground", "fraud_evidence").expect(t, 303, "")
			officer.get(t, "/office/applications/"+c).expect(t, 200, "").has(t, "Отказано в предоставлении доступа")
		})
		t.Run("PWD-6 the policy is a supervisor's", func(t *testing.T) {
			officer.get(t, "/office/policy").expect(t, 403, "").has(t, "Недостаточно прав")
			sup := e.browser("")
			sup.post(t, "/office/login", "login", "supervisor", "password", "Super!2026x").expect(t, 303, "/office/")
			p := sup.get(t, "/office/policy").expect(t, 200, "")
			p.has(t, `name="password_min_length"`, `value="8"`, `name="max_failures"`, `value="3"`, `name="lock_minutes"`, `value="20"`, `value="!@#$%^&amp;*"`)
			form := []string{"password_min_length", "10", "password_specials", "!@#$%^&*", "max_failures", "3", "lock_minutes", "20",
				"inactivity_months", "6", "decision_minutes", "20", "annulment_days", "2", "session_idle_minutes", "30",
				"session_absolute_minutes", "720", "address_failures_per_hour", "30", "lookups_per_minute", "30"}
			bad := append([]string(nil), form...)
			bad[5] = "abc"
			sup.post(t, "/office/policy", bad...).expect(t, 422, "").has(t, `value="abc"`, `id="max_failures-error"`)
			sup.post(t, "/office/policy", form...).expect(t, 303, "/office/policy?m=saved")
			sup.get(t, "/office/policy?m=saved").expect(t, 200, "").has(t, "Изменения сохранены", `value="10"`)
			e.browser("").get(t, "/apply").expect(t, 200, "").has(t, "Пароль должен быть не менее 10 символов")
		})
		t.Run("SEC-1 second factor enrolment", func(t *testing.T) {
			p := officer.get(t, "/office/totp").expect(t, 200, "")
			p.has(t, "otpauth://totp/", "<svg", `name="secret"`)
			m := regexp.MustCompile(`name="secret" value="([A-Z2-7=]+)"`).FindStringSubmatch(p.body)
			if m == nil {
				t.Fatal("no secret")
			}
			secret := m[1]
			wrong := "000000"
			if right := totpCode(t, secret, e.clock.Now()); right == wrong {
				wrong = "000001"
			}
			officer.post(t, "/office/totp", "secret", secret, "otp", wrong).expect(t, 422, "").has(t, "Одноразовый код не подходит", secret)
			// An authenticator app's code from the secret enrols it.
			p = officer.post(t, "/office/totp", "secret", secret, "otp", totpCode(t, secret, e.clock.Now())).expect(t, 200, "")
			p.has(t, i18n.T(i18n.RU, "web.totp.done"))
			p.hasNot(t, secret)

			// From now on the sign-in asks for the code: without it, or with a wrong one,
			// the password alone does not sign in; with it, it does.
			again := e.browser("")
			again.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 401, "").has(t, "Неверный логин или пароль")
			again.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x", "otp", wrong).expect(t, 401, "")
			// The code that confirmed enrolment is spent (no replay): the next 30-second
			// step's code signs in.
			e.clock.Advance(30 * time.Second)
			again.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x", "otp", totpCode(t, secret, e.clock.Now())).
				expect(t, 303, "/office/")
			again.get(t, "/office/").expect(t, 200, "")
		})
		t.Run("sign out", func(t *testing.T) {
			officer.post(t, "/office/logout").expect(t, 303, "/office/login?m=out")
			officer.get(t, "/office/").expect(t, 303, "/office/login?m=signin")
		})
	})
}

// grantedOnPages applies through the pages as the Guide's taxpayer, has the officer of
// 038 receive and grant it, and returns the taxpayer's browser, the officer's and the decision.
func grantedOnPages(t *testing.T, e *testServer) (subject, officer *browser, d kabinet.Decision) {
	t.Helper()
	subject = e.browser("")
	code := subject.apply(t, pageINN, "AN 4890152", pagePassword)
	officer = e.browser("")
	officer.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
	officer.post(t, "/office/applications/"+code+"/receive", "check_complete", "on", "check_match", "on", "check_signed", "on").expect(t, 303, "")
	officer.post(t, "/office/applications/"+code+"/decision", "outcome", "granted", "confirm", "yes").expect(t, 303, "")
	a, err := e.db.ApplicationStatus(context.Background(), code, pageINN)
	if err != nil {
		t.Fatal(err)
	}
	d, err = e.db.Decision(context.Background(), a.DecisionNumber)
	if err != nil {
		t.Fatal(err)
	}
	return subject, officer, d
}

func TestPagesSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		subject, officer, d := grantedOnPages(t, e)
		login := d.Login

		t.Run("PWD-3 three wrong passwords lock; the message says until when, in both languages", func(t *testing.T) {
			subject.get(t, "/login").expect(t, 200, "").has(t, "После 3-й неверной попытки ввода пароля подряд вход блокируется на 20 минут")
			p := subject.post(t, "/login", "login", login, "password", "Неверно1!").expect(t, 401, "")
			p.has(t, "Неверный логин или пароль", "До блокировки осталось 2 попытки.", `value="`+login+`"`)
			p.hasNot(t, "Неверно1!")
			subject.post(t, "/login", "login", login, "password", "Неверно2!").expect(t, 401, "").has(t, "До блокировки осталась 1 попытка.")
			until := e.clock.Now().Add(20 * time.Minute).In(kabinet.Bishkek).Format("15:04")
			subject.post(t, "/login", "login", login, "password", "Неверно3!").expect(t, 423, "").has(t, "Вход временно заблокирован", until)
			p = subject.post(t, "/login", "login", login, "password", pagePassword).expect(t, 423, "")
			p.has(t, "Вход временно заблокирован", until+" (время Бишкека)")
			e.browser("ky").post(t, "/login", "login", login, "password", pagePassword).expect(t, 423, "").has(t, "Кирүү убактылуу бөгөттөлдү", until)
		})
		t.Run("PWD-3 the office lifts a lock at once", func(t *testing.T) {
			officer.get(t, "/office/accounts").expect(t, 200, "").has(t, `action="/office/accounts/unlock"`, `action="/office/accounts/annul"`)
			officer.post(t, "/office/accounts/unlock", "login", "nosuchlogin").expect(t, 404, "").has(t, `value="nosuchlogin"`, `id="login-error"`)
			officer.post(t, "/office/accounts/unlock", "login", login).expect(t, 303, "/office/accounts?m=unlocked")
			officer.get(t, "/office/accounts?m=unlocked").expect(t, 200, "").has(t, "Блокировка входа снята")
		})
		t.Run("CAB-1 the cabinet: registry data, account, sign-ins, notifications", func(t *testing.T) {
			e.clock.Advance(21 * time.Minute)
			subject.get(t, "/cabinet").expect(t, 303, "/login?m=signin")
			subject.post(t, "/login", "login", strings.ToUpper(login), "password", pagePassword).expect(t, 303, "/cabinet")
			p := subject.get(t, "/cabinet").expect(t, 200, "")
			p.has(t, pageINN, pageName, "038 Нарынский р-н", "Мин-булак", login, "Действует", "Успешный вход", "Неверный пароль",
				"Неверный пароль — вход заблокирован", "Доступ предоставлен: решение № "+d.Number, "Вход был заблокирован",
				`action="/logout"`, `action="/cabinet/end-others"`, `href="/password"`)
			subject.post(t, "/cabinet/end-others").expect(t, 303, "/cabinet?m=ended&n=0")
			subject.get(t, "/cabinet?m=ended&n=0").expect(t, 200, "").has(t, "Завершено 0 других сеансов.")
		})
		t.Run("PWD-5 change the password at any time on the Guide's screen", func(t *testing.T) {
			p := subject.get(t, "/password").expect(t, 200, "")
			p.has(t, "Изменение пароля НП", "Текущий пароль", "Новый пароль", "Подтвердите пароль", "Кодовое слово", "Требования к паролю:", "Сменить пароль")
			p.hasNot(t, "неактивны более")
			p = subject.post(t, "/password", "current_password", "Неверно1!", "new_password", "Солнце2026!", "new_password_confirm", "Солнце2026!", "code_word", "мишка").expect(t, 422, "")
			p.has(t, "Текущий пароль введён неверно", `id="current_password-error"`)
			p = subject.post(t, "/password", "current_password", pagePassword, "new_password", "солнце", "new_password_confirm", "солнце", "code_word", "мишка").expect(t, 422, "")
			p.has(t, "Пароль не соответствует требованиям", "Хотя бы одну цифру", `id="new_password-error"`)
			p = subject.post(t, "/password", "current_password", pagePassword, "new_password", pagePassword, "new_password_confirm", pagePassword, "code_word", "мишка").expect(t, 422, "")
			p.has(t, "должен отличаться от текущего")
			subject.post(t, "/password", "current_password", pagePassword, "new_password", "Солнце2026!", "new_password_confirm", "Солнце2026!", "code_word", "мишка").expect(t, 303, "/cabinet?m=changed")
			subject.get(t, "/cabinet?m=changed").expect(t, 200, "").has(t, "Пароль изменён")
		})
		t.Run("PWD-4 SEC-4 after six months idle every page leads to the change-password screen", func(t *testing.T) {
			subject.post(t, "/logout").expect(t, 303, "/login?m=out")
			subject.get(t, "/cabinet").expect(t, 303, "/login?m=signin")
			e.clock.Advance(7 * 30 * 24 * time.Hour)
			subject.post(t, "/login", "login", login, "password", "Солнце2026!").expect(t, 303, "/password")
			subject.get(t, "/cabinet").expect(t, 303, "/password")
			subject.post(t, "/cabinet/end-others").expect(t, 303, "/password")
			subject.get(t, "/").expect(t, 303, "/password")
			subject.get(t, "/apply").expect(t, 303, "/password")
			p := subject.get(t, "/password").expect(t, 200, "")
			p.has(t, "Вы были неактивны более 6 месяцев", "Кодовое слово")
			subject.post(t, "/password", "current_password", "Солнце2026!", "new_password", "Луна2019*", "new_password_confirm", "Луна2019*", "code_word", "кабинет").expect(t, 303, "/cabinet?m=changed")
			subject.get(t, "/cabinet").expect(t, 200, "").has(t, pageName)
		})
		t.Run("ANN-1 an annulment application from inside the cabinet", func(t *testing.T) {
			p := subject.post(t, "/cabinet/annul", "passport", "AN 48").expect(t, 422, "")
			p.has(t, `id="passport-error"`, `value="AN 48"`, pageName)
			subject.post(t, "/cabinet/annul", "passport", "AN 4890152").expect(t, 303, "/applied")
			p = subject.get(t, "/applied").expect(t, 200, "")
			p.has(t, "Заявление сформировано", "Аннулирование доступа", "календарных дней", `href="/cabinet"`)
			if codeField.FindStringSubmatch(p.body) == nil {
				t.Error("no code")
			}
		})
		t.Run("ANN-3 ANN-4 SEC-1 annulment on fraud evidence; a required second factor", func(t *testing.T) {
			officer.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
			other := e.browser("")
			other.post(t, "/office/login", "login", "oktyabr", "password", "Oktyabr!2026").expect(t, 303, "/office/")
			other.post(t, "/office/accounts/annul", "annul_login", login, "reference", "Акт № 1").expect(t, 403, "").has(t, "другой налоговый орган")
			officer.post(t, "/office/accounts/annul", "annul_login", login, "reference", "").expect(t, 422, "").has(t, `id="reference-error"`, `value="`+login+`"`)
			p := officer.post(t, "/office/accounts/annul", "annul_login", login, "reference", "Акт № 12-04/119").expect(t, 200, "")
			p.has(t, "Доступ аннулирован", "Акт № 12-04/119", "Решение (PDF)")
			subject.get(t, "/cabinet").expect(t, 303, "/login?m=signin")
			subject.post(t, "/login", "login", login, "password", "Луна2019*").expect(t, 403, "").has(t, "Доступ к кабинету аннулирован")

			sup := e.browser("")
			sup.post(t, "/office/login", "login", "supervisor", "password", "Super!2026x").expect(t, 303, "/office/")
			officer.post(t, "/office/staff/totp-required", "staff_login", "oktyabr", "required", "on").expect(t, 403, "")
			sup.post(t, "/office/staff/totp-required", "staff_login", "oktyabr", "required", "on").expect(t, 303, "/office/accounts?m=saved")
			other.get(t, "/office/").expect(t, 303, "/office/totp")
			other.get(t, "/office/totp").expect(t, 200, "").has(t, "otpauth://totp/")
		})
	})
}

// I18N-1: every text of the pages exists in both languages.
func TestPagesCatalog(t *testing.T) {
	cat := i18n.Default()
	for _, prefix := range []string{"web.", "password.rule.", "error."} {
		for _, l := range i18n.Langs {
			other := i18n.RU
			if l == i18n.RU {
				other = i18n.KY
			}
			for _, k := range cat.Keys(l) {
				if strings.HasPrefix(k, prefix) && !cat.Has(other, k) {
					t.Errorf("I18N-1: %s is in %s but not in %s", k, l, other)
				}
			}
		}
	}
	for _, rule := range []string{password.RuleMinLength, password.RuleMaxLength, password.RuleUpper, password.RuleLower, password.RuleDigit,
		password.RuleSpecial, password.RuleCommon, password.RuleEqualsINN, password.RuleEqualsLogin, password.RuleInvalidText, password.RuleInvisible} {
		for _, l := range i18n.Langs {
			if !cat.Has(l, "password.rule."+rule) {
				t.Errorf("PWD-1: no text for rule %s in %s", rule, l)
			}
		}
	}
}

// Static files carry a year's cache; everything else is no-store (checked per page).
func TestPagesStatic(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	b := e.browser("")
	home := b.get(t, "/").expect(t, 200, "")
	for _, name := range []string{"app.css", "app.js"} {
		m := regexp.MustCompile(`(/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]+)`).FindStringSubmatch(home.body)
		if m == nil {
			t.Fatalf("%s not linked", name)
		}
		p := b.get(t, m[1]).expect(t, 200, "")
		if cc := p.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", name, cc)
		}
	}
	b.get(t, "/static/nothing.js").expect(t, 404, "")
	b.get(t, "/no/such/page").expect(t, 404, "").has(t, "Такой страницы или вызова нет")
	// SEC-4: a cross-site form post is refused with a page.
	req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader("login=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("cross-site post: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// Every catalog key a template or handler names exists (a missing key would show as
// the key itself).
func TestPagesKeysExist(t *testing.T) {
	cat := i18n.Default()
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("pages*.go")
	key := regexp.MustCompile(`"((?:web|password\.rule|page|error)\.[a-z0-9_.]*[a-z0-9_])"`)
	for _, f := range append(files, gofiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			for _, l := range i18n.Langs {
				if !cat.Has(l, m[1]) {
					t.Errorf("I18N-1 %s: key %s missing in %s", f, m[1], l)
				}
			}
		}
	}
}

// SEC-3: whatever arrives in a form, the answer is a page with a message, never a 500.
func TestPagesBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		subject := e.browser("")
		code := subject.apply(t, pageINN, "AN 4890152", pagePassword)
		officer := e.browser("")
		officer.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
		sup := e.browser("ky")
		sup.post(t, "/office/login", "login", "supervisor", "password", "Super!2026x").expect(t, 303, "/office/")
		bad := []string{"", "\x00", "\xff\xfe", strings.Repeat("я", 5000), "<script>alert(1)</script>", "١١٧٠٥١٩٨٧٠٠٧٧٢", " 11705198700772 "}
		routes := []struct {
			b      *browser
			path   string
			fields []string
		}{
			{subject, "/apply/lookup", []string{"kind", "inn", "passport"}},
			{subject, "/apply", []string{"kind", "inn", "passport", "password", "password_confirm", "current_password", "supersedes", "received"}},
			{subject, "/applied/done", []string{"x"}},
			{subject, "/applications/print", []string{"code", "inn", "set_lang"}},
			{subject, "/applications/form.pdf", []string{"code", "inn"}},
			{subject, "/status", []string{"code", "inn", "set_lang"}},
			{subject, "/login", []string{"login", "password"}},
			{subject, "/lang", []string{"lang", "return"}},
			{officer, "/office/find", []string{"inn", "code"}},
			{officer, "/office/applications/" + code + "/decision", []string{"outcome", "ground"}},
			{officer, "/office/totp", []string{"secret", "otp"}},
			{officer, "/office/accounts/unlock", []string{"login"}},
			{officer, "/office/accounts/annul", []string{"annul_login", "reference"}},
			{sup, "/office/policy", []string{"password_min_length", "password_specials", "max_failures"}},
			{sup, "/office/staff/totp-required", []string{"staff_login", "required"}},
			{officer, "/office/login", []string{"login", "password", "otp"}},
		}
		for _, rt := range routes {
			for _, v := range bad {
				kv := []string{}
				for _, f := range rt.fields {
					kv = append(kv, f, v)
				}
				p := rt.b.post(t, rt.path, kv...)
				if p.status >= 500 {
					t.Errorf("SEC-3 %s with %q: %d", rt.path, v, p.status)
				}
				if strings.Contains(p.body, "<script>alert(1)</script>") {
					t.Errorf("%s echoes markup unescaped", rt.path)
				}
			}
		}
		for _, path := range []string{"/verify?number=%00&code=%FF", "/office/applications/%00", "/office/applications/" + strings.Repeat("A", 500),
			"/office/decisions/x.pdf", "/status?x=%ff"} {
			if p := officer.get(t, path); p.status >= 500 {
				t.Errorf("SEC-3 GET %s: %d", path, p.status)
			}
		}
	})
}

// totpCode is the code an authenticator app shows for secret at now (RFC 6238, the
// parameters the enrolment page gives the app).
func totpCode(t *testing.T, secret string, now time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

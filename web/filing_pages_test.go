package web_test

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kabinet/i18n"
	"kabinet/internal/dbtest"
	"kabinet/store"
	"kabinet/web"
)

// filingRegistry is the test registry with the forms each subject must file (FIL-8,
// FIL-9): the legal entity of 038 files STI-107, STI-091 and STI-161; another of 038
// and an entrepreneur of 001 file STI-161 and never do.
const filingRegistry = `inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports
11705198700772,individual,Кашкариева Жазгул Бейшенбековна,,,038,"Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2,",active,,,
01503201010123,legal,ОсОО «Нарын Агро Өнүгүү»,Директор,Өмүрбеков Үсөн Каңкаевич,038,"г. Нарын",active,,,STI-107 STI-091 STI-161
02001201510777,legal,ОсОО «Ак-Талаа Сүт»,Директор,Исаков Нурбек Токтосунович,038,"г. Нарын",active,,,STI-161
22001198500345,entrepreneur,Ташиев Нурлан Сапарович,,,001,"г. Бишкек",active,,,STI-161
`

const (
	silentINN = "02001201510777" // 038, must file STI-161, never files
	farINN    = "22001198500345" // 001, must file STI-161, never files
)

var fillKey = regexp.MustCompile(`name="key" value="([0-9a-f-]{16,64})"`)

// ru and ky are a catalog text as a page shows it (HTML-escaped).
func ru(key string, kv ...string) string {
	return template.HTMLEscapeString(i18n.T(i18n.RU, key, kv...))
}

func ky(key string, kv ...string) string {
	return template.HTMLEscapeString(i18n.T(i18n.KY, key, kv...))
}

// multipart posts a file (and more fields) as a browser's form would.
func (b *browser) multipart(t *testing.T, path, field, name string, data []byte, kv ...string) page {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	for i := 0; i+1 < len(kv); i += 2 {
		mw.WriteField(kv[i], kv[i+1])
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.e.srv.URL)
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, body: string(raw), header: resp.Header}
	checkPage(t, "POST "+path, p)
	return p
}

// postForm posts url.Values as they are (several values, raw bytes).
func (b *browser) postForm(t *testing.T, path string, form url.Values) page {
	t.Helper()
	return b.do(t, http.MethodPost, path, form)
}

func is4xx(t *testing.T, what string, p page) {
	t.Helper()
	if p.status < 400 || p.status >= 500 {
		t.Errorf("SEC-3 %s: status %d, want 4xx: %s", what, p.status, excerpt(p.body))
	}
}

// stiForm is the fill page's form for STI-107 with cells 203 and 204, op and password.
func stiForm(period, key, c203, c204, op, pw string) url.Values {
	return url.Values{"form": {"STI-107"}, "period": {period}, "key": {key}, "type": {"initial"},
		"c105": {"+996 312 123456"}, "c203": {c203}, "c204": {c204}, "op": {op}, "password": {pw}}
}

func TestFilingPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := startServer(t, dbURL, filingRegistry, web.Config{BaseURL: "http://kabinet.test"})
		officerAPI := e.client()
		officerAPI.staffLogin(t, "naryn", "Naryn!2026x")
		login := grantAccess(t, e.client(), officerAPI, legalINN, legalPW)
		signIn := func(lang string) *browser {
			b := e.browser(lang)
			b.post(t, "/login", "login", login, "password", legalPW).expect(t, 303, "/cabinet")
			return b
		}
		staff := func(who, pw, lang string) *browser {
			b := e.browser(lang)
			b.post(t, "/office/login", "login", who, "password", pw).expect(t, 303, "/office/")
			return b
		}
		tp, tpKY := signIn(""), signIn("ky")
		filings := func() int { return e.count(t, "filings") }

		t.Run("FIL-2 the fill page: registry cells filled, an idempotency key", func(t *testing.T) {
			p := tp.get(t, "/cabinet/filings/fill?form=STI-107&period=2026-Q1").expect(t, 200, "")
			p.has(t, legalINN, `name="c203"`, `name="c204"`, `value="initial"`, `action="/cabinet/filings/fill"`)
			if fillKey.FindStringSubmatch(p.body) == nil {
				t.Fatal("FIL-6: no idempotency key on the page")
			}
		})

		t.Run("SEC-3 FIL-4 fill: bad values are named in ru and ky, kept, nothing filed", func(t *testing.T) {
			cases := []struct {
				name, value string
				rule        string // the catalog key of the message beside cell 203
			}{
				{"money with a thousands comma", "12,345", "form.rule.invalid_money"},
				{"beyond the money limit", "99999999999999999999999999", ""},
				{"NUL byte", "12\x0034", "form.rule.invalid_money"},
				{"invalid UTF-8", "\xff\xfe12", "form.rule.invalid_money"},
				{"letters", "много", "form.rule.invalid_money"},
			}
			for _, tc := range cases {
				for _, op := range []string{"recompute", "", "submit"} {
					for _, b := range []*browser{tp, tpKY} {
						p := b.postForm(t, "/cabinet/filings/fill", stiForm("2026-Q1", "", tc.value, "900000", op, legalPW))
						what := tc.name + " op=" + op
						is4xx(t, what, p)
						if !strings.Contains(p.body, `aria-invalid="true" aria-describedby="c203-error"`) {
							t.Errorf("FIL-4 %s: cell 203 not marked invalid: %s", what, excerpt(p.body))
						}
						kept := template.HTMLEscapeString(strings.ToValidUTF8(strings.ReplaceAll(tc.value, "\x00", "\uFFFD"), "\uFFFD"))
						p.has(t, `value="`+kept+`"`, `value="900000"`, "996 312 123456")
						p.hasNot(t, legalPW)
						if b == tp {
							p.has(t, `<html lang="ru">`, "Входной контроль: ")
						} else {
							p.has(t, `<html lang="ky">`)
							p.hasNot(t, "Входной контроль: ")
						}
						if tc.rule != "" {
							msg := ru(tc.rule, "cell", "203", "value", kept)
							if b == tpKY {
								msg = ky(tc.rule, "cell", "203", "value", kept)
							}
							p.has(t, msg)
						}
					}
				}
			}
			t.Run("money as people type it: «1 234,56» is accepted", func(t *testing.T) {
				p := tp.postForm(t, "/cabinet/filings/fill", stiForm("2026-Q1", "", "1 234,56", "900000", "recompute", ""))
				p.expect(t, 200, "")
				p.has(t, `value="1 234,56"`)
				p.hasNot(t, `aria-describedby="c203-error"`)
			})
			if n := filings(); n != 0 {
				t.Fatalf("SEC-3: %d filings stored from refused input", n)
			}
		})

		t.Run("SEC-3 fill: absurd forms and periods get a page with a message", func(t *testing.T) {
			for _, fp := range [][2]string{{"STI-999", "2026-Q1"}, {"STI-107", "9999-Q9"}, {"STI-107", "2026-Q4"}, {"STI-107", "1900-Q1"},
				{"STI-107", "\x00"}, {"\xff\xfe", "2026-Q1"}, {strings.Repeat("Я", 3000), "2026-Q1"}, {"STI-155", "2024"}} {
				for _, op := range []string{"recompute", "add:employees", "remove:employees:1", "save", "submit"} {
					f := stiForm(fp[1], "", "1", "1", op, legalPW)
					f.Set("form", fp[0])
					p := tp.postForm(t, "/cabinet/filings/fill", f)
					is4xx(t, fp[0]+" "+fp[1]+" "+op, p)
					if !strings.Contains(p.body, `role="alert"`) {
						t.Errorf("SEC-3 %q %q %s: no message: %s", fp[0], fp[1], op, excerpt(p.body))
					}
				}
				p := tp.get(t, "/cabinet/filings/fill?form="+url.QueryEscape(fp[0])+"&period="+url.QueryEscape(fp[1]))
				is4xx(t, "GET "+fp[0]+" "+fp[1], p)
			}
			tp.postForm(t, "/cabinet/filings/fill", url.Values{"form": {"STI-999"}, "period": {"2026-Q1"}}).has(t, ru("error.form_not_found"))
			tpKY.postForm(t, "/cabinet/filings/fill", url.Values{"form": {"STI-999"}, "period": {"2026-Q1"}}).has(t, ky("error.form_not_found"))
			tp.postForm(t, "/cabinet/filings/fill", url.Values{"form": {"STI-107"}, "period": {"2026-Q4"}}).
				has(t, ru("error.period_not_open"), `value="2026-Q4"`)
			if n := filings(); n != 0 {
				t.Fatalf("SEC-3: %d filings stored", n)
			}
		})

		t.Run("SEC-3 fill: a 100,000-row table is refused with a clear error, nothing filed", func(t *testing.T) {
			// The whole table in the body: more fields than a form may carry; a page says so.
			f := url.Values{"form": {"STI-161"}, "period": {"2026-10"}, "type": {"initial"}, "rows.employees": {"100000"},
				"password": {legalPW}, "op": {"submit"}}
			for i := 1; i <= 100000; i++ {
				f.Set("t.employees."+strconv.Itoa(i)+".2", "A"+strconv.Itoa(i))
			}
			for _, b := range []*browser{tp, tpKY} {
				p := b.postForm(t, "/cabinet/filings/fill", f)
				is4xx(t, "100,000 rows in the body", p)
				if !strings.Contains(p.body, `role="alert"`) {
					t.Errorf("SEC-3 100,000 rows: no message: %s", excerpt(p.body))
				}
			}
			// A page claiming 100,000 rows: the rows beyond the page's limit are not read, and
			// the page says so instead of saving or filing the rest as if complete.
			f = url.Values{"form": {"STI-161"}, "period": {"2026-10"}, "type": {"initial"}, "rows.employees": {"100000"},
				"password": {legalPW}, "c107": {"12345678"}}
			for i := 1; i <= 600; i++ {
				f.Set("t.employees."+strconv.Itoa(i)+".2", "A"+strconv.Itoa(i))
			}
			// submit checks every row (a page of 500 rows with their errors): once, in Russian.
			for _, op := range []string{"submit", "save", "add:employees"} {
				f.Set("op", op)
				for _, b := range []*browser{tp, tpKY} {
					if op == "submit" && b == tpKY {
						continue
					}
					p := b.postForm(t, "/cabinet/filings/fill", f)
					is4xx(t, "100,000 rows claimed op="+op, p)
					msg := ru("form.rule.too_many_rows", "max", "500")
					if b == tpKY {
						msg = ky("form.rule.too_many_rows", "max", "500")
					}
					if !strings.Contains(p.body, msg) {
						t.Errorf("SEC-3 100,000 rows op=%s: no clear error about the rows: %s", op, excerpt(p.body))
					}
					p.has(t, `value="A1"`, `value="A500"`)
					p.hasNot(t, `value="A501"`)
				}
			}
			if n := filings(); n != 0 {
				t.Fatalf("SEC-3: %d filings stored", n)
			}
			if _, err := e.db.Draft(context.Background(), legalINN, "STI-161", "2026-10"); err == nil {
				t.Error("SEC-3: a cut table was saved as a draft")
			}
		})

		t.Run("FIL-2 the table's buttons keep what was typed", func(t *testing.T) {
			f := url.Values{"form": {"STI-161"}, "period": {"2026-10"}, "type": {"initial"}, "rows.employees": {"2"},
				"t.employees.1.2": {"Асанов"}, "t.employees.2.2": {"Бакиев"}, "op": {"add:employees"}, "c107": {"\x00\xff"}}
			p := tp.postForm(t, "/cabinet/filings/fill", f).expect(t, 200, "")
			p.has(t, `value="Асанов"`, `value="Бакиев"`, `name="t.employees.3.2"`, `name="rows.employees" value="3"`)
			f.Set("op", "remove:employees:1")
			p = tp.postForm(t, "/cabinet/filings/fill", f).expect(t, 200, "")
			p.has(t, `value="Бакиев"`, `name="rows.employees" value="1"`)
			p.hasNot(t, `value="Асанов"`)
			for _, op := range []string{"remove:employees:999999999", "remove:nosuch:1", "add:nosuch", "remove:employees:-1", "\x00", "bogus"} {
				f.Set("op", op)
				if p := tp.postForm(t, "/cabinet/filings/fill", f); p.status >= 500 || !strings.Contains(p.body, `value="Асанов"`) {
					t.Errorf("op %q: %d", op, p.status)
				}
			}
		})

		t.Run("FIL-2 SEC-3 a draft keeps what was typed (cleaned), files nothing", func(t *testing.T) {
			tp.postForm(t, "/cabinet/filings/fill", stiForm("2026-Q3", "", "12\x0034", "\xff5", "save", "")).
				expect(t, 303, "/cabinet/filings/fill?form=STI-107&period=2026-Q3&m=draft")
			p := tp.get(t, "/cabinet/filings/fill?form=STI-107&period=2026-Q3&m=draft").expect(t, 200, "")
			p.has(t, `value="12`+"\uFFFD"+`34"`, `value="`+"\uFFFD"+`5"`)
			if n := filings(); n != 0 {
				t.Fatalf("a draft filed: %d", n)
			}
		})

		var number, vcode string
		t.Run("FIL-6 a double click files once; both answers show the same receipt", func(t *testing.T) {
			p := tp.get(t, "/cabinet/filings/fill?form=STI-107&period=2026-Q1").expect(t, 200, "")
			key := fillKey.FindStringSubmatch(p.body)[1]
			wrong := tp.postForm(t, "/cabinet/filings/fill", stiForm("2026-Q1", key, "1 500 000,00", "900000", "submit", "Неверно1!"))
			wrong.expect(t, 401, "")
			wrong.has(t, `id="password-error"`, `value="1 500 000,00"`, key)
			wrong.hasNot(t, "Неверно1!")
			first := tp.postForm(t, "/cabinet/filings/fill", stiForm("2026-Q1", key, "1 500 000,00", "900000", "submit", legalPW)).expect(t, 303, "")
			second := tp.postForm(t, "/cabinet/filings/fill", stiForm("2026-Q1", key, "1 500 000,00", "900000", "submit", legalPW)).expect(t, 303, "")
			loc := first.header.Get("Location")
			if loc == "" || second.header.Get("Location") != loc {
				t.Fatalf("FIL-6: first %q, second %q", loc, second.header.Get("Location"))
			}
			if n := filings(); n != 1 {
				t.Fatalf("FIL-6: %d filings after a double click", n)
			}
			fs, err := e.db.Filings(context.Background(), legalINN)
			if err != nil || len(fs) != 1 {
				t.Fatal(fs, err)
			}
			number, vcode = fs[0].Number, fs[0].VerificationCode
			r := tp.get(t, loc).expect(t, 200, "")
			r.has(t, number, vcode, "1\u00a0500\u00a0000,00")
			// Another key for the same report is a second Первоначальный: refused, told why.
			again := tp.postForm(t, "/cabinet/filings/fill", stiForm("2026-Q1", strings.Repeat("a", 32), "1 500 000,00", "900000", "submit", legalPW))
			again.expect(t, 409, "")
			again.has(t, `id="type-error"`, `value="1 500 000,00"`)
			if n := filings(); n != 1 {
				t.Fatalf("FIL-5: %d filings", n)
			}
		})

		t.Run("FIL-3 SEC-3 upload through the page", func(t *testing.T) {
			up := func(b *browser, xml string) page {
				return b.multipart(t, "/cabinet/filings/upload?key="+strings.Repeat("b", 32), "file", "report.xml", []byte(xml), "password", legalPW)
			}
			twice := "<FORM IDFORM=\"107_3\">\n<PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/>\n<PART2><STI107X203>1</STI107X203>\n<STI107X203>2</STI107X203></PART2></FORM>"
			p := up(tp, twice)
			is4xx(t, "a cell twice", p)
			p.has(t, ru("error.invalid_file"))
			// The error sits beside the file input, not the period's, and names the line
			// and the reason (FIL-3).
			p.has(t, `href="#file"`, `id="file-error"`, "Строка 4: ячейка указана дважды.")
			pk := up(tpKY, twice)
			is4xx(t, "a cell twice (ky)", pk)
			pk.has(t, ky("error.invalid_file"), "4-сап: уяча эки жолу көрсөтүлгөн.")

			badCell := "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><PART2><STI107X203>12,5x</STI107X203><STI107X204>900000</STI107X204><STI107X777>1</STI107X777></PART2></FORM>"
			p = up(tp, badCell)
			is4xx(t, "a bad cell", p)
			p.has(t, ru("form.rule.invalid_money", "cell", "203", "value", "12,5x"), ru("form.rule.unknown_cell", "cell", "777"))
			up(tpKY, badCell).has(t, ky("form.rule.invalid_money", "cell", "203", "value", "12,5x"), ky("form.rule.unknown_cell", "cell", "777"))

			for name, xml := range map[string]string{
				"NUL":          "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><PART2><STI107X203>1\x00</STI107X203></PART2></FORM>",
				"invalid UTF8": "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><PART2><STI107X203>\xff\xfe</STI107X203></PART2></FORM>",
				"absurd form":  "<FORM IDFORM=\"999_9\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><PART2/></FORM>",
				"absurd type":  "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"bogus\" PERIOD=\"2026-Q2\"/><PART2><STI107X203>1</STI107X203><STI107X204>1</STI107X204></PART2></FORM>",
				"period":       "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"9999-Q9\"/><PART2/></FORM>",
				"future":       "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2027-Q1\"/><PART2/></FORM>",
				"huge money":   "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><PART2><STI107X203>999999999999999999999999999</STI107X203><STI107X204>1</STI107X204></PART2></FORM>",
				"comma money":  "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><PART2><STI107X203>12,345</STI107X203><STI107X204>1</STI107X204></PART2></FORM>",
				"empty":        "",
				"too large":    "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><!--" + strings.Repeat("x", 5<<20) + "--></FORM>",
			} {
				for _, b := range []*browser{tp, tpKY} {
					p := up(b, xml)
					is4xx(t, "upload "+name, p)
					if !strings.Contains(p.body, `role="alert"`) {
						t.Errorf("FIL-3 %s: no message: %s", name, excerpt(p.body))
					}
				}
			}
			// 100,000 employee rows in a file: refused with a clear error (or too large), never stored.
			var big strings.Builder
			big.WriteString("<FORM IDFORM=\"161_6\"><PART1 TYPE=\"initial\" PERIOD=\"2026-10\"/><PART2><TABLE NAME=\"employees\">")
			for i := 0; i < 100000; i++ {
				big.WriteString("<ROW><C2>A</C2></ROW>")
			}
			big.WriteString("</TABLE></PART2></FORM>")
			is4xx(t, "100,000 rows in a file", up(tp, big.String()))
			if n := filings(); n != 1 {
				t.Fatalf("FIL-3: a refused file was stored: %d filings", n)
			}
			ok := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FORM IDFORM=\"107_3\" VERSFORM=\"1\">\n<PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/>\n<PART2><STI107X203>2000000.00</STI107X203><STI107X204>1000000</STI107X204></PART2></FORM>"
			p = up(tp, ok).expect(t, 303, "")
			if !strings.HasPrefix(p.header.Get("Location"), "/cabinet/filings/") {
				t.Fatalf("FIL-3: %q", p.header.Get("Location"))
			}
			if n := filings(); n != 2 {
				t.Fatalf("FIL-3: %d filings", n)
			}
			tp.get(t, p.header.Get("Location")).expect(t, 200, "").has(t, "2\u00a0000\u00a0000,00")
		})

		t.Run("FIL-7 verify: GET fills the form only; POST shows the receipt, no cells", func(t *testing.T) {
			pub := e.browser("")
			p := pub.get(t, "/verify/filing?number="+url.QueryEscape(number)+"&code="+url.QueryEscape(vcode)).expect(t, 200, "")
			p.has(t, `value="`+number+`"`, `value="`+vcode+`"`)
			p.hasNot(t, "filing-verified", ru("filing.verify.found"), "2026-Q1", legalINN, "1\u00a0500\u00a0000", "STI-107_3")
			p = pub.post(t, "/verify/filing", "number", number, "code", vcode).expect(t, 200, "")
			p.has(t, "filing-verified", ru("filing.verify.found"), number, "STI-107_3", "2026-Q1", ru("filing.late"))
			p.hasNot(t, "1\u00a0500\u00a0000", "1500000", "900\u00a0000", "900000", legalINN, "Нарын Агро", "996 312")
			e.browser("ky").post(t, "/verify/filing", "number", number, "code", vcode).expect(t, 200, "").has(t, ky("filing.verify.found"))
			for _, kv := range [][2]string{{number, "AAAA-AAAA"}, {"\x00", "\xff\xfe"}, {strings.Repeat("9", 5000), ""}, {"", ""}, {number, ""}} {
				p := pub.post(t, "/verify/filing", "number", kv[0], "code", kv[1])
				is4xx(t, "verify "+kv[0][:min(len(kv[0]), 10)], p)
				p.hasNot(t, "filing-verified")
				if !strings.Contains(p.body, `role="alert"`) {
					t.Errorf("FIL-7: no message for %q: %s", kv, excerpt(p.body))
				}
			}
			pub.post(t, "/verify/filing", "number", number, "code", "AAAA-AAAA").has(t, ru("error.filing_not_found"), `value="`+number+`"`)
			e.browser("ky").post(t, "/verify/filing", "number", number, "code", "AAAA-AAAA").has(t, ky("error.filing_not_found"))
		})

		officer := staff("naryn", "Naryn!2026x", "")
		other := staff("oktyabr", "Oktyabr!2026", "")
		t.Run("FIL-9 the office's list filters by form, period, type and lateness", func(t *testing.T) {
			officer.get(t, "/office/filings").expect(t, 200, "").has(t, number)
			for q, want := range map[string]bool{
				"form=STI-107":                true,
				"form=STI-091":                false,
				"period=2026-Q1":              true,
				"period=2026-Q2":              false,
				"type=initial":                true,
				"type=correction":             false,
				"late=yes":                    true,
				"late=no":                     false,
				"form=sti-107&period=2026-q1": true,
				"form=STI-107&type=initial&late=yes&period=2026-Q1": true,
			} {
				p := officer.get(t, "/office/filings?"+q).expect(t, 200, "")
				if strings.Contains(p.body, number) != want {
					t.Errorf("FIL-9 ?%s: lists %s = %v, want %v", q, number, !want, want)
				}
			}
			officer.get(t, "/office/filings/"+number).expect(t, 200, "").has(t, "1\u00a0500\u00a0000,00", legalINN)
			for _, q := range []string{"period=%00", "period=%FF%FE", "period=9999-Q9x", "form=" + strings.Repeat("A", 5000), "type=%00", "late=%FF"} {
				if p := officer.get(t, "/office/filings?"+q); p.status >= 500 {
					t.Errorf("SEC-3 ?%s: %d", q, p.status)
				}
			}
		})
		t.Run("FIL-9 another office sees neither the filing nor the non-filer", func(t *testing.T) {
			other.get(t, "/office/filings").expect(t, 200, "").hasNot(t, number)
			other.get(t, "/office/filings?form=STI-107&period=2026-Q1").expect(t, 200, "").hasNot(t, number)
			other.get(t, "/office/filings/"+number).expect(t, 403, "").hasNot(t, "1\u00a0500\u00a0000", legalINN)
			if p := other.get(t, "/office/filings/"+number+"/report.pdf"); p.status != 403 {
				t.Errorf("FIL-9: another office's officer gets the PDF: %d", p.status)
			}
		})

		t.Run("FIL-1 a supervisor loads a form version; an officer may not; audited", func(t *testing.T) {
			def := newSTI155Version(t)
			officer.get(t, "/office/forms").expect(t, 403, "")
			officer.multipart(t, "/office/forms", "file", "STI-155_2.json", def).expect(t, 403, "")
			sup := staff("supervisor", "Super!2026x", "")
			supKY := staff("supervisor", "Super!2026x", "ky")
			sup.get(t, "/office/forms").expect(t, 200, "").has(t, `action="/office/forms"`, "STI-155")
			for name, data := range map[string][]byte{"not JSON": []byte("{"), "NUL": []byte("{\"code\":\"STI-155\x00\"}"),
				"invalid UTF-8": []byte("{\"code\":\"\xff\xfe\"}"), "half a definition": []byte(`{"code":"STI-155"}`), "empty": nil,
				"too large": bytes.Repeat([]byte(" "), 5<<20)} {
				p := sup.multipart(t, "/office/forms", "file", "x.json", data)
				is4xx(t, "form "+name, p)
				if !strings.Contains(p.body, `role="alert"`) {
					t.Errorf("FIL-1 %s: no message: %s", name, excerpt(p.body))
				}
			}
			sup.multipart(t, "/office/forms", "file", "x.json", []byte("{")).has(t, ru("error.invalid_definition"))
			supKY.multipart(t, "/office/forms", "file", "x.json", []byte("{")).has(t, ky("error.invalid_definition"))
			sup.multipart(t, "/office/forms", "file", "STI-155_2.json", def).expect(t, 303, "/office/forms?m=saved")
			is4xx(t, "the same version twice", sup.multipart(t, "/office/forms", "file", "STI-155_2.json", def))
			sup.get(t, "/office/forms?m=saved").expect(t, 200, "").has(t, "STI-155")
			evs, err := e.db.ListAudit(context.Background(), store.AuditFilter{Subject: "STI-155_2"})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 || evs[0].Action != "form.load" || evs[0].Actor != "staff:supervisor" {
				t.Errorf("FIL-1 SEC-1: audit of the load: %+v", evs)
			}
			rep, err := e.db.VerifyAudit(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			_ = rep
		})

		t.Run("FIL-9 non-filers: listed only after the due date, only to their office", func(t *testing.T) {
			// STI-161 for 2026-11 is due on 20.12.2026; today is 23.11.2026.
			p := officer.get(t, "/office/non-filers?form=STI-161&period=2026-11").expect(t, 200, "")
			p.has(t, ru("filing.nonfilers.not_yet"))
			p.hasNot(t, silentINN, legalINN, farINN)
			// 2026-10 was due on 20.11.2026: overdue.
			p = officer.get(t, "/office/non-filers?form=STI-161&period=2026-10").expect(t, 200, "")
			p.has(t, silentINN, legalINN)
			p.hasNot(t, farINN)
			// STI-107 2026-Q1 is filed: the legal entity is not a non-filer; the silent one does not file STI-107.
			officer.get(t, "/office/non-filers?form=STI-107&period=2026-Q1").expect(t, 200, "").hasNot(t, legalINN, silentINN)

			e.clock.Advance(28 * 24 * time.Hour) // 21.12.2026
			officer = staff("naryn", "Naryn!2026x", "")
			other = staff("oktyabr", "Oktyabr!2026", "ky")
			p = officer.get(t, "/office/non-filers?form=STI-161&period=2026-11").expect(t, 200, "")
			p.has(t, silentINN, legalINN)
			p.hasNot(t, farINN, ru("filing.nonfilers.not_yet"))
			p = other.get(t, "/office/non-filers?form=STI-161&period=2026-11").expect(t, 200, "")
			p.has(t, farINN)
			p.hasNot(t, silentINN, legalINN)
			for _, q := range []string{"form=STI-999&period=2026-11", "form=STI-161&period=2026-Q1", "form=STI-161&period=%00", "form=%FF&period=2026-11",
				"form=STI-161&period=" + strings.Repeat("9", 3000)} {
				p := officer.get(t, "/office/non-filers?"+q)
				is4xx(t, "non-filers ?"+q[:min(len(q), 40)], p)
				p.hasNot(t, silentINN)
			}
		})
	})
}

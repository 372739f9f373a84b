package web_test

import (
	"html"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kabinet/i18n"
	"kabinet/internal/dbtest"
)

// The printed application exists twice, as the print view (print.html) and as the PDF
// (pdf.Application). Both are held to the Guide's example field by field, and to each
// other word for word.

var (
	htmlTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	hiddenText = regexp.MustCompile(`(?s)<span class="vh">.*?</span>`)
	formCopy   = regexp.MustCompile(`(?s)<article class="form-copy".*?</article>`)
)

// copyTexts returns each printed copy of a print view as its visible texts in order,
// one space between them, as a reader of the paper reads it.
func copyTexts(body string) []string {
	var copies []string
	for _, c := range formCopy.FindAllString(body, -1) {
		c = hiddenText.ReplaceAllString(c, "")
		c = htmlTag.ReplaceAllString(c, " ")
		copies = append(copies, strings.Join(strings.Fields(html.UnescapeString(c)), " "))
	}
	return copies
}

// pdfCopies returns each page of a PDF as its text in the order drawn (pdftotext -raw),
// one space between words. Under CI pdftotext must exist.
func pdfCopies(t *testing.T, pdf []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is required under CI: apt-get install poppler-utils")
		}
		t.Skip("SKIPPED: pdftotext not installed (apt-get install poppler-utils)")
	}
	in := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	var pages []string
	for _, p := range strings.Split(strings.TrimRight(string(out), "\f\n "), "\f") {
		pages = append(pages, strings.Join(strings.Fields(p), " "))
	}
	return pages
}

// checkGuideForm holds one printed copy (its text, in reading order) to the Guide's
// example: the rows in the Guide's order, 106 before the address; no blank date beside
// the signature (Reg §4); the office's acceptance box (Reg §7, §19).
func checkGuideForm(t *testing.T, what string, lang i18n.Lang, kind, s string) {
	t.Helper()
	T := func(key string) string { return i18n.T(lang, key) }
	rows := []string{
		T("web.form.section1"),
		T("web.field.102") + " 102 " + guideINN,
		T("web.field.103") + " 103 " + pageName,
		T("web.field.104") + " 104 038 ",
		T("web.field.106") + " 106 AN 4890152",
		T("web.field.address") + " — ",
		T("web.form.section2"),
		T("web.field.297") + " 297 " + pageName,
		T("web.field.300") + " 300 ",
		T("print.body." + kind),
		T("print.signature"),
		T("print.mark.title"),
		T("print.mark.office") + ":", T("print.mark.officer") + ":", T("print.mark.at") + ":", T("print.mark.signature") + ":",
		T("print.mark.stamp"),
		T("print.note"),
	}
	at := 0
	for _, r := range rows {
		i := strings.Index(s[at:], r)
		if i < 0 {
			t.Errorf("%s: %q missing or out of the Guide's order", what, r)
			continue
		}
		at += i + len(r)
	}
	if i, j := strings.Index(s, T("web.field.106")), strings.Index(s, T("web.field.address")); i < 0 || j < 0 || i > j {
		t.Errorf("%s: field 106 (at %d) not before the address (at %d)", what, i, j)
	}
	rest := strings.ReplaceAll(strings.ReplaceAll(s, T("web.field.300"), ""), T("print.mark.at"), "")
	if strings.Contains(rest, T("pdf.date")) {
		t.Errorf("%s: a blank %q beside the signature (Reg §4: only the signature is written by hand)", what, T("pdf.date"))
	}
	if !strings.HasPrefix(s, T("pdf.system")) || !strings.Contains(s, T("print.title."+kind)) {
		t.Errorf("%s: header or title missing: %.200s", what, s)
	}
}

func TestPrintedApplication(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	officer, subject, _ := granted(t, e)
	codes := map[string]string{}
	codes["annulment"] = subject.expect(t, "POST", "/api/v1/applications", map[string]string{"kind": "annulment", "inn": guideINN,
		"passport": "AN 4890152", "current_password": "Луна2018!"}, 201, "").json(t)["code"].(string)
	codes["access"] = apply(t, subject, guideINN, "Новый2019!")

	for _, kind := range []string{"access", "annulment"} {
		for _, lang := range i18n.Langs {
			t.Run("ACC-4 ANN-1 I18N-1 "+kind+" "+string(lang), func(t *testing.T) {
				b := e.browser(string(lang))
				view := b.post(t, "/applications/print", "code", codes[kind], "inn", guideINN).expect(t, 200, "")
				checkPage(t, "print view", view)
				htmlCopies := copyTexts(view.body)
				pdf := b.post(t, "/applications/form.pdf", "code", codes[kind], "inn", guideINN).expect(t, 200, "")
				pdfPages := pdfCopies(t, []byte(pdf.body))
				if len(htmlCopies) != 2 || len(pdfPages) != 2 {
					t.Fatalf("ACC-4: %d copies on the print view, %d PDF pages; two of each expected", len(htmlCopies), len(pdfPages))
				}
				for i := range 2 {
					checkGuideForm(t, "print view copy "+string(rune('1'+i)), lang, kind, htmlCopies[i])
					checkGuideForm(t, "PDF copy "+string(rune('1'+i)), lang, kind, pdfPages[i])
					// Word for word the same paper, whichever way it is printed.
					if htmlCopies[i] != pdfPages[i] {
						t.Errorf("copy %d: the print view and the PDF differ\nHTML: %s\nPDF:  %s", i+1, htmlCopies[i], pdfPages[i])
					}
				}
			})
		}
	}

	t.Run("ACC-5 the office's copy: the acceptance box filled, the rest the same", func(t *testing.T) {
		officer.expect(t, "POST", "/api/v1/office/applications/"+codes["access"]+"/receive", map[string]bool{"documents_checked": true}, 200, "")
		for _, lang := range i18n.Langs {
			c := &client{e: e, http: &http.Client{Jar: e.jar(string(lang)), CheckRedirect: noRedirects}}
			c.staffLogin(t, "naryn", "Naryn!2026x")
			a := c.expect(t, "GET", "/api/v1/office/applications/"+codes["access"]+"/receipt.pdf", nil, 200, "")
			for n, p := range pdfCopies(t, a.body) {
				checkGuideForm(t, "received copy "+string(rune('1'+n)), lang, "access", p)
				T := func(key string) string { return i18n.T(lang, key) }
				for _, w := range []string{T("print.mark.officer") + ": Осмонов Талант", T("print.mark.at") + ": 23.11.2026 09:00:00"} {
					if !strings.Contains(p, w) {
						t.Errorf("%s copy %d: %q missing", lang, n+1, w)
					}
				}
			}
		}
	})
}

// I18N-1: every catalog key the print view names exists in both languages (the
// print view and the PDF render the same keys, so a missing one would print as the
// key itself on both and they would still agree).
func TestPrintViewKeysExist(t *testing.T) {
	b, err := os.ReadFile("templates/print.html")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`"((?:web|print|pdf)\.[a-z0-9_.]*[a-z0-9_])"`).FindAllStringSubmatch(string(b), -1)
	if len(keys) < 20 {
		t.Fatalf("only %d keys found in print.html", len(keys))
	}
	for _, m := range keys {
		for _, l := range i18n.Langs {
			if !i18n.Default().Has(l, m[1]) {
				t.Errorf("I18N-1 print.html: key %s missing in %s", m[1], l)
			}
		}
	}
}

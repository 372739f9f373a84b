package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/i18n"
)

// guideForm is the Guide's example, filled 22.02.2019 11:41:58 Bishkek time.
func guideForm(lang Lang) ApplicationForm {
	return ApplicationForm{Kind: "access", Code: "7K3M9PQR2XY4", INN: "11705198700772", Name: "Кашкариева Жазгул Бейшенбековна",
		OfficeCode: "038", OfficeName: "Нарынский р-н", Address: "Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2,",
		Passport: "AN4890152", PassportDisplay: "AN 4890152", Signatory: "Кашкариева Жазгул Бейшенбековна",
		FilledAt: time.Date(2019, 2, 22, 11, 41, 58, 0, kabinet.Bishkek), Lang: lang}
}

// text extracts a PDF's text with pdftotext (poppler-utils), laid out as printed.
// Under CI it must exist.
func text(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftotext(t, pdf, "-layout")
}

// flowText extracts a PDF's text in the order it was drawn (pdftotext -raw), each
// run of white space as one space, pages apart at form feeds: a title that wraps
// within its cell reads whole, and rows read title, number, value.
func flowText(t *testing.T, pdf []byte) string {
	t.Helper()
	ps := pages(pdftotext(t, pdf, "-raw"))
	for i, p := range ps {
		ps[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(ps, "\f")
}

func pdftotext(t *testing.T, pdf []byte, mode string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is required under CI: apt-get install poppler-utils")
		}
		t.Skip("SKIPPED: pdftotext not installed (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "f.pdf")
	os.WriteFile(in, pdf, 0o600)
	out, err := exec.Command("pdftotext", mode, in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// guideOrder is the printed application's rows as the Guide's example shows them:
// section I (102, 103, 104, 106, then the address), section II (297, 300).
var guideOrder = []string{"web.form.section1", "web.field.102", "web.field.103", "web.field.104", "web.field.106", "web.field.address",
	"web.form.section2", "web.field.297", "web.field.300"}

// inOrder reports the first of texts that is not found after the one before it in s.
func inOrder(s string, texts ...string) (missing string, ok bool) {
	at := 0
	for _, x := range texts {
		i := strings.Index(s[at:], x)
		if i < 0 {
			return x, false
		}
		at += i + len(x)
	}
	return "", true
}

// pages splits pdftotext's output at its form feeds.
func pages(s string) []string { return strings.Split(strings.TrimRight(s, "\f\n "), "\f") }

func TestApplicationPDF(t *testing.T) {
	for _, lang := range i18n.Langs {
		for _, kind := range []string{"access", "annulment"} {
			t.Run("ACC-4 ANN-1 I18N-1 "+kind+" "+string(lang), func(t *testing.T) {
				password := "Луна2018!" // the subject's password exists in the flow; it must never reach paper
				var buf bytes.Buffer
				f := guideForm(lang)
				f.Kind = kind
				if err := Application(&buf, f); err != nil {
					t.Fatal(err)
				}
				s := flowText(t, buf.Bytes())
				want := []string{"11705198700772", "Кашкариева Жазгул Бейшенбековна", "038 Нарынский р-н", "AN 4890152", "Советская 2",
					"22.02.2019 11:41:58", "7K3M-9PQR-2XY4", i18n.T(lang, "print.title."+kind), i18n.T(lang, "web.code.label"),
					i18n.T(lang, "print.signature"), i18n.T(lang, "pdf.copy", "n", "1"), i18n.T(lang, "pdf.copy", "n", "2")}
				for _, w := range want {
					if !strings.Contains(s, w) {
						t.Errorf("%q missing", w)
					}
				}
				if strings.Contains(s, password) || strings.Contains(strings.ToLower(s), "луна2018") {
					t.Error("ACC-4: the password is on paper")
				}
				ps := pages(s)
				if len(ps) != 2 || strings.Count(s, "7K3M-9PQR-2XY4") != 2 {
					t.Fatalf("two copies expected, one a page: %d pages", len(ps))
				}
				for n, p := range ps {
					// The Guide's order, field by field: 106 before the address.
					order := make([]string, len(guideOrder))
					for i, k := range guideOrder {
						order[i] = i18n.T(lang, k)
					}
					if x, ok := inOrder(p, order...); !ok {
						t.Errorf("copy %d: %q is not where the Guide has it (order %v)", n+1, x, guideOrder)
					}
					if i, j := strings.Index(p, i18n.T(lang, "web.field.106")), strings.Index(p, i18n.T(lang, "web.field.address")); i < 0 || j < 0 || i > j {
						t.Errorf("copy %d: field 106 (at %d) is not before the address (at %d)", n+1, i, j)
					}
					// As the Guide prints a row: title, number, value.
					for _, row := range []string{
						regexp.QuoteMeta(i18n.T(lang, "web.field.102")) + `\s+102\s+11705198700772`,
						regexp.QuoteMeta(i18n.T(lang, "web.field.104")) + `\s+104\s+038 Нарынский р-н`,
						regexp.QuoteMeta(i18n.T(lang, "web.field.106")) + `\s+106\s+AN 4890152`,
						regexp.QuoteMeta(i18n.T(lang, "web.field.300")) + `\s+300\s+22\.02\.2019 11:41:58`,
					} {
						if !regexp.MustCompile(row).MatchString(p) {
							t.Errorf("copy %d: no row %s", n+1, row)
						}
					}
					// Reg §4: only the signature is written by hand; field 300 is the date, so
					// no blank date line. The only dates named are 300 and the office's.
					rest := strings.ReplaceAll(p, i18n.T(lang, "web.field.300"), "")
					rest = strings.ReplaceAll(rest, i18n.T(lang, "print.mark.at"), "")
					if d := i18n.T(lang, "pdf.date"); strings.Contains(rest, d) {
						t.Errorf("copy %d: a blank %q line beside the signature (Reg §4)", n+1, d)
					}
					// Reg §7, §19: the office's acceptance box, on every copy, with blank lines.
					if x, ok := inOrder(p, i18n.T(lang, "print.body."+kind)[:20], i18n.T(lang, "print.signature"), i18n.T(lang, "print.mark.title"),
						i18n.T(lang, "print.mark.office")+":", i18n.T(lang, "print.mark.officer")+":", i18n.T(lang, "print.mark.at")+":",
						i18n.T(lang, "print.mark.signature")+":", i18n.T(lang, "print.mark.stamp"), i18n.T(lang, "print.note")[:20]); !ok {
						t.Errorf("copy %d: the acceptance box lacks %q or has it out of order", n+1, x)
					}
				}
			})
		}
	}
	t.Run("I18N-1 one term: the printed application says what the web form says", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Application(&buf, guideForm(i18n.KY)); err != nil {
			t.Fatal(err)
		}
		s := flowText(t, buf.Bytes())
		if !regexp.MustCompile(`СТнын ИНН\s+102`).MatchString(s) || strings.Contains(s, "СТ ИНН") {
			t.Errorf("field 102 is not titled «СТнын ИНН» as on the web form:\n%s", s)
		}
		// The decision, the filing receipt and the VAT decision title 102–104 with pdf.field.*:
		// the same words as the web form's.
		for _, l := range i18n.Langs {
			for _, n := range []string{"102", "103", "104"} {
				if a, b := i18n.T(l, "pdf.field."+n), i18n.T(l, "web.field."+n); a != b {
					t.Errorf("%s: field %s is %q on paper, %q on the web form", l, n, a, b)
				}
			}
		}
	})
	t.Run("I18N-1 Kyrgyz letters Ң Ө Ү survive", func(t *testing.T) {
		f := guideForm(i18n.KY)
		f.Name, f.Signatory, f.Kind = "Өмүрбеков Үсөн Каңкаевич", "Директор Өмүрбеков Үсөн Каңкаевич", "annulment"
		var buf bytes.Buffer
		if err := Application(&buf, f); err != nil {
			t.Fatal(err)
		}
		s := flowText(t, buf.Bytes())
		if !strings.Contains(s, "Өмүрбеков Үсөн Каңкаевич") || !strings.Contains(s, "жокко чыгаруу") {
			t.Errorf("Kyrgyz text lost:\n%s", s)
		}
	})
	for _, lang := range i18n.Langs {
		t.Run("ACC-5 acceptance mark filled "+string(lang), func(t *testing.T) {
			f := guideForm(lang)
			f.Receipt = &Receipt{OfficeCode: "038", OfficeName: "Нарынский р-н", Officer: "Осмонов Талант Бакирович",
				ReceivedAt: time.Date(2019, 2, 22, 12, 5, 0, 0, kabinet.Bishkek)}
			var buf bytes.Buffer
			if err := Application(&buf, f); err != nil {
				t.Fatal(err)
			}
			for n, p := range pages(flowText(t, buf.Bytes())) {
				for _, row := range []string{
					regexp.QuoteMeta(i18n.T(lang, "print.mark.officer")) + `:\s+Осмонов Талант Бакирович`,
					regexp.QuoteMeta(i18n.T(lang, "print.mark.at")) + `:\s+22\.02\.2019 12:05:00`,
				} {
					if !regexp.MustCompile(row).MatchString(p) {
						t.Errorf("copy %d: no %s", n+1, row)
					}
				}
				if x, ok := inOrder(p, i18n.T(lang, "print.mark.title"), i18n.T(lang, "print.mark.office")+":", "038 Нарынский р-н",
					i18n.T(lang, "print.mark.signature")+":", i18n.T(lang, "print.mark.stamp")); !ok {
					t.Errorf("copy %d: %q missing", n+1, x)
				}
			}
		})
	}
	t.Run("deterministic", func(t *testing.T) {
		var a, b bytes.Buffer
		Application(&a, guideForm(i18n.RU))
		Application(&b, guideForm(i18n.RU))
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Error("the same form renders different bytes")
		}
	})
}

// I18N-1: every catalog key the printed forms name exists in both languages (a missing
// key would print as the key itself).
func TestPDFKeysExist(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	key := regexp.MustCompile(`"((?:pdf|print|web)\.[a-z0-9_.]*[a-z0-9_])"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, l := range i18n.Langs {
				if !i18n.Default().Has(l, m[1]) {
					t.Errorf("I18N-1 %s: key %s missing in %s", f, m[1], l)
				}
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d keys found: the pattern no longer matches how the package names them", n)
	}
}

func TestDecisionPDF(t *testing.T) {
	base := DecisionForm{Number: "038-2026-000001", Kind: "access", ApplicationCode: "7K3M9PQR2XY4", INN: "11705198700772",
		Name: "Кашкариева Жазгул Бейшенбековна", OfficeCode: "038", OfficeName: "Нарынский р-н", Officer: "Осмонов Талант Бакирович",
		DecidedAt: time.Date(2026, 11, 23, 9, 12, 0, 0, kabinet.Bishkek), VerificationCode: "Q4W8E2R6T1",
		VerifyURL: "https://kabinet.test/verify?number=038-2026-000001&code=Q4W8E2R6T1"}
	t.Run("ACC-8 granted", func(t *testing.T) {
		f := base
		f.Outcome, f.Login, f.Lang = "granted", "np4k7m2x9q", i18n.RU
		var buf bytes.Buffer
		if err := Decision(&buf, f); err != nil {
			t.Fatal(err)
		}
		s := text(t, buf.Bytes())
		for _, w := range []string{"038-2026-000001", "np4k7m2x9q", "Q4W8E2R6T1", "Решение о предоставлении доступа", "Экземпляр 2", "23.11.2026 09:12:00", "Осмонов Талант Бакирович"} {
			if !strings.Contains(s, w) {
				t.Errorf("%q missing", w)
			}
		}
		// The same titles as the application's for the same things (I18N-1).
		flow := flowText(t, buf.Bytes())
		for _, w := range []string{"Код и наименование налогового органа 104 038 Нарынский р-н", "ИНН НП 102 11705198700772",
			"Сгенерированный код заявления — 7K3M-9PQR-2XY4"} {
			if strings.Count(flow, w) != 2 {
				t.Errorf("%q not on both copies", w)
			}
		}
	})
	t.Run("ACC-6 ACC-8 refused on fraud evidence, Kyrgyz", func(t *testing.T) {
		f := base
		f.Outcome, f.Ground, f.Reference, f.Lang = "refused", "fraud_evidence", "Акт № 12-04/118", i18n.KY
		var buf bytes.Buffer
		if err := Decision(&buf, f); err != nil {
			t.Fatal(err)
		}
		s := text(t, buf.Bytes())
		for _, w := range []string{"баш тартуу", "жалган ишкердикке", "Акт № 12-04/118", "2-нуска", "СТнын ИНН", "Арыздын түзүлгөн коду"} {
			if !strings.Contains(s, w) {
				t.Errorf("%q missing", w)
			}
		}
		if strings.Contains(s, "np4k7m2x9q") {
			t.Error("a refusal shows a login")
		}
	})
}

func BenchmarkApplicationPDF(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		Application(&buf, guideForm(i18n.RU))
	}
}

func BenchmarkDecisionPDF(b *testing.B) {
	f := DecisionForm{Number: "038-2026-000001", Kind: "access", Outcome: "granted", Login: "np4k7m2x9q", Lang: i18n.RU,
		VerificationCode: "Q4W8E2R6T1", VerifyURL: "https://kabinet.test/verify?number=1&code=2", DecidedAt: time.Now()}
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		Decision(&buf, f)
	}
}

package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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

// text extracts a PDF's text with pdftotext (poppler-utils). Under CI it must exist.
func text(t *testing.T, pdf []byte) string {
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
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestApplicationPDF(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run("ACC-4 I18N-1 "+string(lang), func(t *testing.T) {
			password := "Луна2018!" // the subject's password exists in the flow; it must never reach paper
			var buf bytes.Buffer
			f := guideForm(lang)
			if err := Application(&buf, f); err != nil {
				t.Fatal(err)
			}
			s := text(t, buf.Bytes())
			want := []string{"102", "103", "104", "106", "297", "300", "11705198700772", "Кашкариева Жазгул Бейшенбековна",
				"038 Нарынский р-н", "AN 4890152", "Советская 2", "22.02.2019 11:41:58", "7K3M-9PQR-2XY4",
				i18n.T(lang, "pdf.section1"), i18n.T(lang, "pdf.section2"), i18n.T(lang, "pdf.signature.subject"),
				i18n.T(lang, "pdf.copy", "n", "1"), i18n.T(lang, "pdf.copy", "n", "2")}
			for _, w := range want {
				if !strings.Contains(s, w) {
					t.Errorf("%s: %q missing", lang, w)
				}
			}
			if strings.Contains(s, password) || strings.Contains(strings.ToLower(s), "луна2018") {
				t.Error("ACC-4: the password is on paper")
			}
			if strings.Count(s, "7K3M-9PQR-2XY4") != 2 {
				t.Error("two copies expected")
			}
		})
	}
	t.Run("I18N-1 Kyrgyz letters Ң Ө Ү survive", func(t *testing.T) {
		f := guideForm(i18n.KY)
		f.Name, f.Signatory, f.Kind = "Өмүрбеков Үсөн Каңкаевич", "Директор Өмүрбеков Үсөн Каңкаевич", "annulment"
		var buf bytes.Buffer
		if err := Application(&buf, f); err != nil {
			t.Fatal(err)
		}
		s := text(t, buf.Bytes())
		if !strings.Contains(s, "Өмүрбеков Үсөн Каңкаевич") || !strings.Contains(s, "жокко чыгаруу") {
			t.Errorf("Kyrgyz text lost:\n%s", s)
		}
	})
	t.Run("ACC-5 acceptance mark", func(t *testing.T) {
		f := guideForm(i18n.RU)
		f.Receipt = &Receipt{OfficeCode: "038", OfficeName: "Нарынский р-н", Officer: "Осмонов Талант Бакирович",
			ReceivedAt: time.Date(2019, 2, 22, 12, 5, 0, 0, kabinet.Bishkek)}
		var buf bytes.Buffer
		if err := Application(&buf, f); err != nil {
			t.Fatal(err)
		}
		s := text(t, buf.Bytes())
		for _, w := range []string{"Отметка налогового органа о принятии", "Осмонов Талант Бакирович", "22.02.2019 12:05:00"} {
			if !strings.Contains(s, w) {
				t.Errorf("%q missing", w)
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		var a, b bytes.Buffer
		Application(&a, guideForm(i18n.RU))
		Application(&b, guideForm(i18n.RU))
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Error("the same form renders different bytes")
		}
	})
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
	})
	t.Run("ACC-6 ACC-8 refused on fraud evidence, Kyrgyz", func(t *testing.T) {
		f := base
		f.Outcome, f.Ground, f.Reference, f.Lang = "refused", "fraud_evidence", "Акт № 12-04/118", i18n.KY
		var buf bytes.Buffer
		if err := Decision(&buf, f); err != nil {
			t.Fatal(err)
		}
		s := text(t, buf.Bytes())
		for _, w := range []string{"баш тартуу", "жалган ишкердикке", "Акт № 12-04/118", "2-нуска"} {
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

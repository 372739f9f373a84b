package pdf

import (
	"bytes"
	"os"
	"testing"
	"time"

	"kabinet"
	"kabinet/i18n"
)

// TestRenderSamples writes sample PDFs when PDF_SAMPLES names a directory.
func TestRenderSamples(t *testing.T) {
	dir := os.Getenv("PDF_SAMPLES")
	if dir == "" {
		t.Skip("PDF_SAMPLES not set")
	}
	for _, lang := range i18n.Langs {
		for _, kind := range []string{"access", "annulment"} {
			var buf bytes.Buffer
			f := guideForm(lang)
			f.Kind = kind
			if err := Application(&buf, f); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(dir+"/application-"+kind+"-"+string(lang)+".pdf", buf.Bytes(), 0o644)
		}
		var app bytes.Buffer
		rf := guideForm(lang)
		rf.Receipt = &Receipt{OfficeCode: "038", OfficeName: "Нарынский р-н", Officer: "Осмонов Талант Бакирович",
			ReceivedAt: time.Date(2019, 2, 22, 12, 5, 0, 0, kabinet.Bishkek)}
		if err := Application(&app, rf); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dir+"/application-received-"+string(lang)+".pdf", app.Bytes(), 0o644)
		for _, outcome := range []string{"granted", "refused"} {
			var buf bytes.Buffer
			d := DecisionForm{Number: "038-2026-000001", Kind: "access", Outcome: outcome, ApplicationCode: "7K3M9PQR2XY4", INN: "11705198700772",
				Name: "Кашкариева Жазгул Бейшенбековна", OfficeCode: "038", OfficeName: "Нарынский р-н", Officer: "Осмонов Талант Бакирович",
				DecidedAt: time.Date(2026, 11, 23, 9, 12, 0, 0, kabinet.Bishkek), VerificationCode: "Q4W8E2R6T1",
				VerifyURL: "https://kabinet.test/verify?number=038-2026-000001&code=Q4W8E2R6T1", Lang: lang}
			if outcome == "granted" {
				d.Login = "np4k7m2x9q"
			} else {
				d.Ground = "no_registration"
			}
			if err := Decision(&buf, d); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(dir+"/decision-"+outcome+"-"+string(lang)+".pdf", buf.Bytes(), 0o644)
		}
		var a, b bytes.Buffer
		if err := Report(&a, sti161(lang, 50)); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dir+"/report-"+string(lang)+".pdf", a.Bytes(), 0o644)
		if err := VATDecision(&b, vatDecision(lang)); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dir+"/vat-"+string(lang)+".pdf", b.Bytes(), 0o644)
		f := vatDecision(lang)
		f.Outcome, f.Ground, f.GroundText = VATRefused, "other", "Акт № 12-04/118"
		b.Reset()
		VATDecision(&b, f)
		os.WriteFile(dir+"/vat-refused-"+string(lang)+".pdf", b.Bytes(), 0o644)
		b.Reset()
		if err := FilingReceipt(&b, ReceiptForm{Number: "R-2026-0000123", FormCode: "STI-161", Version: 6, FormTitle: "Отчет по подоходному налогу",
			Period: "2026-01", Type: "initial", INN: "02405201910123", Name: "ОсОО «Үңкүр Өнөр»", OfficeCode: "038", OfficeName: "Нарынский р-н",
			Late: true, Digest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", VerificationCode: "H7K2M9Q4X1",
			VerifyURL: "https://kabinet.test/verify/filing?number=R-2026-0000123&code=H7K2M9Q4X1", Lang: lang}); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dir+"/receipt-"+string(lang)+".pdf", b.Bytes(), 0o644)
	}
}

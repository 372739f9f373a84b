package pdf

import (
	"bytes"
	"os"
	"testing"

	"kabinet/i18n"
)

// TestRenderSamples writes sample PDFs when PDF_SAMPLES names a directory.
func TestRenderSamples(t *testing.T) {
	dir := os.Getenv("PDF_SAMPLES")
	if dir == "" {
		t.Skip("PDF_SAMPLES not set")
	}
	for _, lang := range i18n.Langs {
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

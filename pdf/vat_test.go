package pdf

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/i18n"
)

func vatDecision(lang Lang) VATDecisionForm {
	return VATDecisionForm{Number: "038-2026-V00017", DecidedAt: time.Date(2026, 3, 2, 10, 30, 0, 0, kabinet.Bishkek),
		OfficeCode: "038", OfficeName: "Нарынский р-н", Officer: "Осмонов Талант Бакирович",
		INN: "02405201910123", Name: "ОсОО «Үңкүр Өнөр»", ApplicationCode: "VAT-7K3M9PQR", Quantity: 149, Outcome: VATAssigned,
		Ranges:           []InvoiceRange{{"AA", 9999901, 9999999}, {"AB", 1, 50}},
		VerificationCode: "P3L8D2K7W5", VerifyURL: "https://kabinet.test/verify/vat?number=038-2026-V00017&code=P3L8D2K7W5", Lang: lang}
}

func TestVATDecisionPDF(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run("VAT-3 VAT-4 assigned, two ranges "+string(lang), func(t *testing.T) {
			var buf bytes.Buffer
			if err := VATDecision(&buf, vatDecision(lang)); err != nil {
				t.Fatal(err)
			}
			s := flat(text(t, buf.Bytes()))
			for _, w := range []string{"038-2026-V00017", "02.03.2026 10:30:00", "038 Нарынский р-н", "02405201910123", "ОсОО «Үңкүр Өнөр»",
				"AA 9999901 – 9999999", "AB 0000001 – 0000050", "149", "Осмонов Талант Бакирович", "P3L8D2K7W5",
				i18n.T(lang, "pdf.vat.title.assigned"), i18n.T(lang, "pdf.copy", "n", "1"), i18n.T(lang, "pdf.copy", "n", "2"),
				i18n.T(lang, "pdf.signature.officer")} {
				if !strings.Contains(s, w) {
					t.Errorf("%q missing", w)
				}
			}
			if strings.Count(s, "AB 0000001 – 0000050") != 2 {
				t.Error("two copies expected")
			}
		})
	}
	for _, c := range []struct {
		lang           Lang
		ground, text   string
		want, notWants []string
	}{
		{i18n.RU, "not_vat_payer", "", []string{"не является плательщиком НДС", "Решение об отказе"}, nil},
		{i18n.KY, "registration_liquidated", "", []string{"каттоосу жоюлган", "баш тартуу"}, nil},
		{i18n.KY, "fraud_evidence", "", []string{"жалган ишкердикке", "Өмүрбеков Үсөн Каңкаевич"}, nil},
		{i18n.RU, "other", "Акт камеральной проверки № 12-04/118", []string{"иное основание: Акт камеральной проверки № 12-04/118"}, nil},
	} {
		t.Run("VAT-3 refused "+c.ground+" "+string(c.lang), func(t *testing.T) {
			f := vatDecision(c.lang)
			f.Outcome, f.Ground, f.GroundText, f.Name = VATRefused, c.ground, c.text, "Өмүрбеков Үсөн Каңкаевич"
			var buf bytes.Buffer
			if err := VATDecision(&buf, f); err != nil {
				t.Fatal(err)
			}
			s := flat(text(t, buf.Bytes()))
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("%q missing", w)
				}
			}
			if strings.Contains(s, "AA 9999901") {
				t.Error("a refusal shows a range")
			}
		})
	}
}

func BenchmarkVATDecisionPDF(b *testing.B) {
	f := vatDecision(i18n.RU)
	for b.Loop() {
		var buf bytes.Buffer
		VATDecision(&buf, f)
	}
}

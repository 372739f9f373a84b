package pdf

import (
	"fmt"
	"io"
	"time"

	"kabinet/i18n"
)

// InvoiceRange is a range of VAT invoice numbers within one series (VAT-4):
// «AA 9999901 – 9999999».
type InvoiceRange struct {
	Series      string // two capital Latin letters
	First, Last int    // 1 … 9 999 999, inclusive
}

// String prints the range as the decision does: «AA 0000001 – 0000050».
func (r InvoiceRange) String() string {
	return fmt.Sprintf("%s %07d – %07d", r.Series, r.First, r.Last)
}

// Count is how many numbers the range holds.
func (r InvoiceRange) Count() int { return r.Last - r.First + 1 }

// VATDecisionForm is the decision on assigning VAT invoice series and numbers, or
// refusing them, as printed (VAT-3). Texts are in the decision's language.
type VATDecisionForm struct {
	Number                 string
	DecidedAt              time.Time // printed in Bishkek time
	OfficeCode, OfficeName string
	Officer                string
	INN, Name              string
	ApplicationCode        string // the subject's application; empty: not printed
	Quantity               int    // numbers applied for
	Outcome                string // assigned or refused
	// Ground: not_vat_payer, registration_liquidated, fraud_evidence or other; on
	// other, GroundText says which.
	Ground, GroundText string
	Ranges             []InvoiceRange // on assignment: one, or two when a series fills up
	// VerificationCode and VerifyURL: the public verification page with the number and
	// the code filled in; the QR code holds VerifyURL.
	VerificationCode, VerifyURL string
	Lang                        Lang
}

// VAT decision outcomes.
const (
	VATAssigned = "assigned"
	VATRefused  = "refused"
)

// VATDecision renders the decision in two copies, like the access decision (VAT-3,
// ACC-8).
func VATDecision(w io.Writer, f VATDecisionForm) error {
	titleKey := "pdf.vat.title.refused"
	if f.Outcome == VATAssigned {
		titleKey = "pdf.vat.title.assigned"
	}
	d := newDoc(f.Lang, i18n.T(f.Lang, titleKey), f.DecidedAt)
	for copyN := 1; copyN <= 2; copyN++ {
		d.AddPage()
		d.copyHeader(copyN)
		d.title(d.t(titleKey))
		d.font("sans", "B", 11)
		d.CellFormat(textW/2, 6, d.t("pdf.decision.number")+" "+f.Number, "", 0, "L", false, 0, "")
		d.CellFormat(textW/2, 6, bishkek(f.DecidedAt), "", 1, "R", false, 0, "")
		d.Ln(2)
		d.field(d.t("pdf.field.104"), "104", f.OfficeCode+" "+f.OfficeName)
		d.field(d.t("pdf.field.102"), "102", f.INN)
		d.field(d.t("pdf.field.103"), "103", f.Name)
		if f.ApplicationCode != "" {
			d.field(d.t("pdf.vat.application"), "", f.ApplicationCode)
		}
		if f.Quantity > 0 {
			d.field(d.t("pdf.vat.quantity"), "", groupInt(f.Quantity))
		}
		d.Ln(3)
		d.font("sans", "", 10)
		d.MultiCell(textW, 5, d.t(titleKey+".body"), "", "L", false)
		if f.Outcome == VATAssigned {
			d.vatRanges(f.Ranges)
		} else if f.Ground != "" {
			d.Ln(1)
			d.font("sans", "B", 10)
			ground := d.t("pdf.vat.ground." + f.Ground)
			if f.Ground == "other" && f.GroundText != "" {
				ground += ": " + f.GroundText
			}
			d.MultiCell(textW, 5, d.t("pdf.decision.ground")+": "+ground, "", "L", false)
		}
		d.Ln(4)
		d.font("sans", "", 9)
		d.CellFormat(textW, 5, d.t("pdf.decision.officer")+": "+f.Officer, "", 1, "L", false, 0, "")
		d.Ln(2)
		d.signatureLine(d.t("pdf.signature.officer"))
		d.signatureLine(d.t("pdf.signature.received"))
		y := d.GetY() + 2
		d.SetY(y)
		d.font("sans", "", 9)
		d.MultiCell(textW-40, 4.5, d.t("pdf.vat.verify"), "", "L", false)
		d.font("mono", "B", 14)
		d.CellFormat(textW-40, 8, f.VerificationCode, "", 2, "L", false, 0, "")
		d.font("sans", "", 7)
		d.MultiCell(textW-40, 3.5, f.VerifyURL, "", "L", false)
		if err := d.qr(f.VerifyURL, margin+textW-32, y, 32); err != nil {
			return err
		}
	}
	return d.Output(w)
}

// vatRanges prints the assigned ranges as a table: series and numbers, and how many.
func (d *doc) vatRanges(ranges []InvoiceRange) {
	const nW, countW = 12.0, 45.0
	rangeW := textW - nW - countW
	d.Ln(3)
	d.SetFillColor(232, 236, 240)
	d.font("sans", "B", 9)
	d.CellFormat(nW, 7, "№", "1", 0, "C", true, 0, "")
	d.CellFormat(rangeW, 7, d.t("pdf.vat.range"), "1", 0, "C", true, 0, "")
	d.CellFormat(countW, 7, d.t("pdf.vat.count"), "1", 1, "C", true, 0, "")
	total := 0
	for i, r := range ranges {
		d.font("sans", "", 10)
		d.CellFormat(nW, 9, fmt.Sprint(i+1), "1", 0, "C", false, 0, "")
		d.font("mono", "B", 15)
		d.CellFormat(rangeW, 9, r.String(), "1", 0, "C", false, 0, "")
		d.font("sans", "B", 11)
		d.CellFormat(countW, 9, groupInt(r.Count()), "1", 1, "R", false, 0, "")
		total += r.Count()
	}
	if len(ranges) > 1 {
		d.font("sans", "B", 10)
		d.CellFormat(nW+rangeW, 7, d.t("pdf.vat.total"), "1", 0, "R", false, 0, "")
		d.CellFormat(countW, 7, groupInt(total), "1", 1, "R", false, 0, "")
	}
}

// groupInt prints a count with thin-space thousands: 10 000.
func groupInt(n int) string { return formatDecimal(fmt.Sprint(n), -1) }

package pdf

import (
	"fmt"
	"io"
	"time"

	"kabinet"
	"kabinet/i18n"
)

// ReceiptForm is the receipt (квитанция) of an accepted report, printed on its own
// (FIL-7). Texts are in the receipt's language.
type ReceiptForm struct {
	Number    string // the registration number
	FormCode  string // "STI-161"
	Version   int    // 6
	FormTitle string
	// Period is the period as the cabinet names it ("2026-01", "2026-Q1"); PeriodStart
	// and PeriodEnd are its first and last day.
	Period                 string
	PeriodStart, PeriodEnd kabinet.Date
	Type                   string // initial, correction or liquidation
	INN, Name              string
	OfficeCode, OfficeName string
	ReceivedAt             time.Time    // printed in Bishkek time
	DueDate                kabinet.Date // the period's due date (FIL-8); zero: not printed
	Late                   bool
	Digest                 string // SHA-256 of the filing's canonical content, hex (FIL-6)
	// VerificationCode and VerifyURL: the public verification page with the number and
	// the code filled in; the QR code holds VerifyURL.
	VerificationCode, VerifyURL string
	Lang                        Lang
}

// FilingReceipt renders the receipt of an accepted report (FIL-7).
func FilingReceipt(w io.Writer, f ReceiptForm) error {
	title := i18n.T(f.Lang, "pdf.filing_receipt.title")
	d := newDoc(f.Lang, title, f.ReceivedAt)
	d.AddPage()
	d.font("sans", "", 8)
	d.CellFormat(textW, 5, d.t("pdf.system"), "", 1, "L", false, 0, "")
	d.Ln(2)
	d.title(title)

	// The registration number large, the QR beside it.
	y := d.GetY()
	d.font("sans", "", 9)
	d.CellFormat(textW-40, 5, d.t("pdf.report.number"), "", 2, "L", false, 0, "")
	d.font("mono", "B", 20)
	d.CellFormat(textW-40, 11, f.Number, "", 2, "L", false, 0, "")
	d.font("sans", "", 9)
	d.CellFormat(textW-40, 5, d.t("pdf.report.received_at")+": "+bishkek(f.ReceivedAt)+" ("+d.t("pdf.report.bishkek_time")+")", "", 2, "L", false, 0, "")
	d.Ln(1)
	if f.Late {
		d.SetTextColor(176, 0, 32)
		d.font("sans", "B", 12)
		d.CellFormat(textW-40, 7, d.t("pdf.report.late"), "", 2, "L", false, 0, "")
		d.SetTextColor(0, 0, 0)
	} else {
		d.font("sans", "B", 12)
		d.CellFormat(textW-40, 7, d.t("pdf.report.on_time"), "", 2, "L", false, 0, "")
	}
	if err := d.qr(f.VerifyURL, margin+textW-34, y, 34); err != nil {
		return err
	}
	d.SetY(max(d.GetY(), y+36) + 2)

	d.section(d.t("pdf.filing_receipt.report"))
	d.field(d.t("pdf.filing_receipt.form"), "", fmt.Sprintf("%s_%d  %s", f.FormCode, f.Version, f.FormTitle))
	d.field(d.t("pdf.filing_receipt.type"), "001", typeLabel(f.Lang, f.Type))
	d.field(d.t("pdf.report.period"), "", periodText(f.Period, f.PeriodStart, f.PeriodEnd))
	if f.DueDate != (kabinet.Date{}) {
		d.field(d.t("pdf.filing_receipt.due"), "", f.DueDate.String())
	}
	d.field(d.t("pdf.field.102"), "102", f.INN)
	d.field(d.t("pdf.field.103"), "103", f.Name)
	d.field(d.t("pdf.field.104"), "104", f.OfficeCode+" "+f.OfficeName)
	d.field(d.t("pdf.report.received_at"), "901", bishkek(f.ReceivedAt))
	status := d.t("pdf.report.on_time")
	if f.Late {
		status = d.t("pdf.report.late")
	}
	d.field(d.t("pdf.filing_receipt.status"), "", status)

	// The digest in full, on its own line: it is long and must be read without a break.
	d.section(d.t("pdf.filing_receipt.digest"))
	d.font("mono", "B", 9)
	d.CellFormat(textW, 7, f.Digest, "LRB", 1, "C", false, 0, "")
	d.font("sans", "", 7.5)
	d.MultiCell(textW, 3.6, d.t("pdf.filing_receipt.digest.hint"), "", "L", false)

	d.Ln(4)
	d.font("sans", "", 9)
	d.MultiCell(textW, 4.5, d.t("pdf.report.verify"), "", "L", false)
	d.font("mono", "B", 14)
	d.CellFormat(textW, 8, f.VerificationCode, "", 1, "L", false, 0, "")
	d.font("sans", "", 7)
	d.MultiCell(textW, 3.5, f.VerifyURL, "", "L", false)
	d.Ln(3)
	d.font("sans", "", 8)
	d.MultiCell(textW, 4, d.t("pdf.report.electronic"), "", "L", false)
	return d.Output(w)
}

// periodText prints a period as «2026-01 (01.01.2026 – 31.01.2026)».
func periodText(name string, from, to kabinet.Date) string {
	if from == (kabinet.Date{}) {
		return name
	}
	dates := from.String() + " – " + to.String()
	if name == "" {
		return dates
	}
	return name + " (" + dates + ")"
}

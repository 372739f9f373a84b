// Package pdf renders the printable forms: the application (ACC-4, ANN-1) with the
// office's acceptance mark (ACC-5, Reg §7), and the decision (ACC-8, Reg §10–§15).
// Each is printed in two copies, one per page. Fonts covering Russian and Kyrgyz
// (Liberation Sans and Mono, SIL OFL, fonts/LICENSE-liberation2.txt) are embedded;
// QR codes are drawn as vector rectangles.
package pdf

import (
	_ "embed"
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"

	"kabinet"
	"kabinet/i18n"
)

// Lang is the language a form is printed in (I18N-1).
type Lang = i18n.Lang

var (
	//go:embed fonts/LiberationSans-Regular.ttf
	sansRegular []byte
	//go:embed fonts/LiberationSans-Bold.ttf
	sansBold []byte
	//go:embed fonts/LiberationMono-Bold.ttf
	monoBold []byte
)

// Receipt is the office's acceptance mark on the subject's copy (Reg §7, §19).
type Receipt struct {
	OfficeCode, OfficeName, Officer string
	ReceivedAt                      time.Time
}

// ApplicationForm is the application as printed. It has no password field, by design:
// the password never appears on paper (ACC-4).
type ApplicationForm struct {
	Kind            string // access or annulment
	Code            string // canonical 12 symbols
	INN             string // 102
	Name            string // 103
	OfficeCode      string // 104
	OfficeName      string // 104
	Address         string
	Passport        string
	PassportDisplay string // 106, "AN 4890152"
	Signatory       string // 297
	FilledAt        time.Time
	Lang            Lang
	Receipt         *Receipt
}

// DecisionForm is the decision as printed.
type DecisionForm struct {
	Number, Kind, Outcome, Ground, Reference string
	ApplicationCode, INN, Name, OfficeCode   string
	OfficeName, Officer, Login               string
	DecidedAt                                time.Time
	VerificationCode, VerifyURL              string
	Lang                                     Lang
}

const (
	pageW  = 210.0
	margin = 15.0
	textW  = pageW - 2*margin
)

// doc wraps fpdf with the catalog and the form's language.
type doc struct {
	*fpdf.Fpdf
	lang Lang
}

func newDoc(lang Lang, title string, at time.Time) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("sans", "", sansRegular)
	f.AddUTF8FontFromBytes("sans", "B", sansBold)
	f.AddUTF8FontFromBytes("mono", "B", monoBold)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin)
	f.SetCompression(true)
	f.SetTitle(title, true)
	f.SetCreator("Kabinet", true)
	f.SetProducer("Kabinet", true)
	// The document's dates come from the form, so the same form renders the same bytes.
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	return &doc{Fpdf: f, lang: lang}
}

func (d *doc) t(key string, kv ...string) string { return i18n.T(d.lang, key, kv...) }

func (d *doc) font(family, style string, size float64) { d.SetFont(family, style, size) }

// copyHeader prints "Экземпляр N" and the system's name.
func (d *doc) copyHeader(n int) {
	d.font("sans", "", 8)
	d.CellFormat(textW/2, 5, d.t("pdf.system"), "", 0, "L", false, 0, "")
	d.font("sans", "B", 9)
	d.CellFormat(textW/2, 5, d.t("pdf.copy", "n", fmt.Sprint(n)), "", 1, "R", false, 0, "")
	d.Ln(2)
}

func (d *doc) title(text string) {
	d.font("sans", "B", 13)
	d.MultiCell(textW, 6.5, text, "", "C", false)
	d.Ln(3)
}

func (d *doc) section(text string) {
	d.Ln(2)
	d.SetFillColor(232, 236, 240)
	d.font("sans", "B", 10)
	d.CellFormat(textW, 7, text, "1", 1, "L", true, 0, "")
}

// field prints a row: label | number | value, with the row as tall as its longest part.
func (d *doc) field(label, number, value string) {
	const labelW, numW = 78.0, 12.0
	valueW := textW - labelW - numW
	d.font("sans", "", 9)
	labelLines := d.SplitText(label, labelW-2)
	d.font("sans", "B", 10)
	valueLines := d.SplitText(value, valueW-2)
	lines := max(len(labelLines), len(valueLines), 1)
	h := float64(lines)*5 + 2
	x, y := d.GetX(), d.GetY()
	if y+h > 297-margin {
		d.AddPage()
		x, y = d.GetX(), d.GetY()
	}
	d.Rect(x, y, labelW, h, "D")
	d.Rect(x+labelW, y, numW, h, "D")
	d.Rect(x+labelW+numW, y, valueW, h, "D")
	d.font("sans", "", 9)
	for i, l := range labelLines {
		d.SetXY(x+1, y+1+float64(i)*5)
		d.CellFormat(labelW-2, 5, l, "", 0, "L", false, 0, "")
	}
	d.font("sans", "B", 10)
	d.SetXY(x+labelW, y+1)
	d.CellFormat(numW, 5, number, "", 0, "C", false, 0, "")
	for i, l := range valueLines {
		d.SetXY(x+labelW+numW+1, y+1+float64(i)*5)
		d.CellFormat(valueW-2, 5, l, "", 0, "L", false, 0, "")
	}
	d.SetXY(x, y+h)
}

// qr draws text as a QR code of the given size at (x, y), one rectangle per run of
// dark modules in a row.
func (d *doc) qr(text string, x, y, size float64) error {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("pdf: qr: %w", err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := len(bm)
	m := size / float64(n)
	d.SetFillColor(0, 0, 0)
	for r, row := range bm {
		for c := 0; c < n; {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < n && row[c] {
				c++
			}
			d.Rect(x+float64(start)*m, y+float64(r)*m, float64(c-start)*m+0.01, m+0.01, "F")
		}
	}
	return nil
}

// signatureLine prints "label ______  date ______".
func (d *doc) signatureLine(label string) {
	d.font("sans", "", 9)
	d.CellFormat(55, 8, label, "", 0, "L", false, 0, "")
	x, y := d.GetX(), d.GetY()
	d.Line(x, y+7, x+60, y+7)
	d.SetX(x + 65)
	d.CellFormat(15, 8, d.t("pdf.date"), "", 0, "L", false, 0, "")
	x = d.GetX()
	d.Line(x, y+7, x+35, y+7)
	d.Ln(10)
}

// bishkek formats a time as the paper shows it: ДД.ММ.ГГГГ чч:мм:сс, Bishkek time.
func bishkek(t time.Time) string { return t.In(kabinet.Bishkek).Format("02.01.2006 15:04:05") }

// groupCode prints an application code as XXXX-XXXX-XXXX.
func groupCode(c string) string {
	if len(c) == 12 {
		return c[:4] + "-" + c[4:8] + "-" + c[8:]
	}
	return c
}

// Application renders the application form in two copies (ACC-4, ANN-1); with a
// Receipt, the subject's copy with the acceptance mark (ACC-5).
func Application(w io.Writer, f ApplicationForm) error {
	titleKey := "pdf.application.title.access"
	if f.Kind == string(kabinet.KindAnnulment) {
		titleKey = "pdf.application.title.annulment"
	}
	d := newDoc(f.Lang, i18n.T(f.Lang, titleKey), f.FilledAt)
	for copyN := 1; copyN <= 2; copyN++ {
		d.AddPage()
		d.copyHeader(copyN)
		d.title(d.t(titleKey))

		// The generated code, large, and as a QR for the officer's scanner (Reg §6).
		y := d.GetY()
		d.font("sans", "", 9)
		d.CellFormat(textW-40, 5, d.t("pdf.code"), "", 2, "L", false, 0, "")
		d.font("mono", "B", 24)
		d.CellFormat(textW-40, 12, groupCode(f.Code), "", 2, "L", false, 0, "")
		d.font("sans", "", 8)
		d.MultiCell(textW-40, 4, d.t("pdf.code.hint"), "", "L", false)
		if err := d.qr(f.Code, margin+textW-32, y, 32); err != nil {
			return err
		}
		d.SetY(max(d.GetY(), y+34))

		d.section(d.t("pdf.section1"))
		d.field(d.t("pdf.field.102"), "102", f.INN)
		d.field(d.t("pdf.field.103"), "103", f.Name)
		d.field(d.t("pdf.field.104"), "104", f.OfficeCode+" "+f.OfficeName)
		d.field(d.t("pdf.field.106"), "106", f.PassportDisplay)
		// The Guide prints this row with the number 103 as well; it has no number of its own.
		d.field(d.t("pdf.field.address"), "", f.Address)
		d.section(d.t("pdf.section2"))
		d.field(d.t("pdf.field.297"), "297", f.Signatory)
		d.field(d.t("pdf.field.300"), "300", bishkek(f.FilledAt))
		d.Ln(3)
		d.font("sans", "", 9)
		body := "pdf.application.body.access"
		if f.Kind == string(kabinet.KindAnnulment) {
			body = "pdf.application.body.annulment"
		}
		d.MultiCell(textW, 4.5, d.t(body), "", "L", false)
		d.Ln(4)
		d.signatureLine(d.t("pdf.signature.subject"))
		if f.Receipt != nil {
			d.receipt(*f.Receipt)
		} else {
			d.font("sans", "", 8)
			d.MultiCell(textW, 4, d.t("pdf.application.note"), "", "L", false)
		}
	}
	return d.Output(w)
}

func (d *doc) receipt(r Receipt) {
	d.Ln(2)
	x, y := d.GetX(), d.GetY()
	d.SetLineWidth(0.5)
	d.Rect(x, y, textW, 30, "D")
	d.SetLineWidth(0.2)
	d.SetXY(x+2, y+2)
	d.font("sans", "B", 10)
	d.CellFormat(textW-4, 5, d.t("pdf.receipt.title"), "", 2, "L", false, 0, "")
	d.font("sans", "", 9)
	d.CellFormat(textW-4, 5, d.t("pdf.receipt.office")+": "+r.OfficeCode+" "+r.OfficeName, "", 2, "L", false, 0, "")
	d.CellFormat(textW-4, 5, d.t("pdf.receipt.officer")+": "+r.Officer, "", 2, "L", false, 0, "")
	d.CellFormat(textW-4, 5, d.t("pdf.receipt.at")+": "+bishkek(r.ReceivedAt), "", 2, "L", false, 0, "")
	d.CellFormat(textW-4, 6, d.t("pdf.receipt.signature")+" ____________________   "+d.t("pdf.stamp"), "", 2, "L", false, 0, "")
	d.SetXY(x, y+32)
}

// Decision renders the decision in two copies (ACC-8, Reg §10, §11).
func Decision(w io.Writer, f DecisionForm) error {
	var titleKey string
	switch {
	case f.Kind == string(kabinet.KindAnnulment) && f.Outcome == string(kabinet.Granted):
		titleKey = "pdf.decision.title.annulled"
	case f.Kind == string(kabinet.KindAnnulment):
		titleKey = "pdf.decision.title.annulment_refused"
	case f.Outcome == string(kabinet.Granted):
		titleKey = "pdf.decision.title.granted"
	default:
		titleKey = "pdf.decision.title.refused"
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
		d.field(d.t("pdf.decision.office"), "104", f.OfficeCode+" "+f.OfficeName)
		d.field(d.t("pdf.field.102"), "102", f.INN)
		d.field(d.t("pdf.field.103"), "103", f.Name)
		d.field(d.t("pdf.decision.application"), "", groupCode(f.ApplicationCode))
		d.Ln(3)
		d.font("sans", "", 10)
		d.MultiCell(textW, 5, d.t(titleKey+".body"), "", "L", false)
		if f.Ground != "" && f.Ground != string(kabinet.GroundSubjectRequest) {
			d.Ln(1)
			d.font("sans", "B", 10)
			d.MultiCell(textW, 5, d.t("pdf.decision.ground")+": "+d.t("pdf.ground."+f.Ground), "", "L", false)
			if f.Reference != "" {
				d.font("sans", "", 10)
				d.MultiCell(textW, 5, d.t("pdf.decision.reference")+": "+f.Reference, "", "L", false)
			}
		}
		if f.Login != "" && f.Kind == string(kabinet.KindAccess) && f.Outcome == string(kabinet.Granted) {
			d.Ln(3)
			d.font("sans", "", 10)
			d.CellFormat(40, 12, d.t("pdf.decision.login")+":", "", 0, "L", false, 0, "")
			d.font("mono", "B", 22)
			d.CellFormat(textW-40, 12, f.Login, "1", 1, "C", false, 0, "")
			d.font("sans", "", 8)
			d.MultiCell(textW, 4, d.t("pdf.decision.login.hint"), "", "L", false)
		}
		d.Ln(4)
		d.font("sans", "", 9)
		d.CellFormat(textW, 5, d.t("pdf.decision.officer")+": "+f.Officer, "", 1, "L", false, 0, "")
		d.Ln(2)
		d.signatureLine(d.t("pdf.signature.officer"))
		d.signatureLine(d.t("pdf.signature.received"))
		// Verification (ACC-8): code and QR of the public verification page.
		y := d.GetY() + 2
		d.SetY(y)
		d.font("sans", "", 9)
		d.MultiCell(textW-40, 4.5, d.t("pdf.decision.verify"), "", "L", false)
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

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

// The printed application says what the web form says: its fields carry the form's
// own titles (web.field.*, web.form.section*, web.code.label), and what only paper has
// (title, statement, signature, the office's mark, the note) comes from the print.*
// keys that the HTML print view (web/templates/print.html) uses too, in the same order.

// Application renders the application form in two copies (ACC-4, ANN-1), fields in
// the Guide's order: 102, 103, 104, 106, then the address; 297, 300. Only the
// signature is left to be written by hand (Reg §4), so there is no blank date: 300 is
// the date. Below it the office's acceptance box (Reg §7, §19): blank, or with a
// Receipt filled with what the office recorded (ACC-5).
func Application(w io.Writer, f ApplicationForm) error {
	titleKey, bodyKey := "print.title.access", "print.body.access"
	if f.Kind == string(kabinet.KindAnnulment) {
		titleKey, bodyKey = "print.title.annulment", "print.body.annulment"
	}
	d := newDoc(f.Lang, i18n.T(f.Lang, titleKey), f.FilledAt)
	for copyN := 1; copyN <= 2; copyN++ {
		d.AddPage()
		d.copyHeader(copyN)
		d.title(d.t(titleKey))

		// The generated code, large, and as a QR for the officer's scanner (Reg §6).
		const qrSize = 28.0
		y := d.GetY()
		d.SetXY(margin+3, y+3)
		d.font("sans", "", 9)
		d.CellFormat(textW-qrSize-9, 5, d.t("web.code.label"), "", 2, "L", false, 0, "")
		d.font("mono", "B", 24)
		d.CellFormat(textW-qrSize-9, 12, groupCode(f.Code), "", 2, "L", false, 0, "")
		d.font("sans", "", 8)
		d.MultiCell(textW-qrSize-9, 4, d.t("print.code.hint"), "", "L", false)
		if err := d.qr(f.Code, margin+textW-qrSize-3, y+3, qrSize); err != nil {
			return err
		}
		bottom := max(d.GetY(), y+3+qrSize) + 3
		d.SetLineWidth(0.5)
		d.Rect(margin, y, textW, bottom-y, "D")
		d.SetLineWidth(0.2)
		d.SetXY(margin, bottom)

		d.section(d.t("web.form.section1"))
		d.field(d.t("web.field.102"), "102", f.INN)
		d.field(d.t("web.field.103"), "103", f.Name)
		d.field(d.t("web.field.104"), "104", f.OfficeCode+" "+f.OfficeName)
		d.field(d.t("web.field.106"), "106", f.PassportDisplay)
		// The Guide prints this row with the number 103 again; it has no number of its own.
		d.field(d.t("web.field.address"), noNumber, f.Address)
		d.section(d.t("web.form.section2"))
		d.field(d.t("web.field.297"), "297", f.Signatory)
		d.field(d.t("web.field.300"), "300", bishkek(f.FilledAt))
		d.Ln(3)
		d.font("sans", "", 9)
		d.MultiCell(textW, 4.5, d.t(bodyKey), "", "L", false)
		d.Ln(4)
		d.signature(d.t("print.signature"))
		d.acceptance(f.Receipt)
		d.Ln(2)
		d.font("sans", "", 8)
		d.MultiCell(textW, 4, d.t("print.note"), "", "L", false)
	}
	return d.Output(w)
}

// noNumber stands in the number column of a row the form gives no number (the address).
const noNumber = "—"

// signature prints "label ________": the one thing the subject writes by hand (Reg §4).
func (d *doc) signature(label string) {
	d.font("sans", "", 9)
	w := d.GetStringWidth(label) + 3
	d.CellFormat(w, 8, label, "", 0, "L", false, 0, "")
	x, y := d.GetX(), d.GetY()
	d.Line(x, y+7, x+80, y+7)
	d.Ln(10)
}

// acceptance prints the office's acceptance box (Reg §7, §19): the office, the officer
// who received, the date and time, a signature and the stamp. Without a Receipt the
// lines are blank for the office to fill on paper; with one, the recorded values.
func (d *doc) acceptance(r *Receipt) {
	const pad, rowH = 3.0, 7.5
	const h = 2*pad + 6 + 4*rowH
	d.Ln(2)
	x, y := d.GetX(), d.GetY()
	if y+h > 297-margin {
		d.AddPage()
		x, y = d.GetX(), d.GetY()
	}
	d.SetLineWidth(0.5)
	d.Rect(x, y, textW, h, "D")
	d.SetLineWidth(0.2)
	d.SetXY(x+pad, y+pad)
	d.font("sans", "B", 10)
	d.CellFormat(textW-2*pad, 6, d.t("print.mark.title"), "", 2, "L", false, 0, "")

	labels := []string{d.t("print.mark.office"), d.t("print.mark.officer"), d.t("print.mark.at"), d.t("print.mark.signature")}
	values := make([]string, 3)
	if r != nil {
		values = []string{r.OfficeCode + " " + r.OfficeName, r.Officer, bishkek(r.ReceivedAt)}
	}
	d.font("sans", "", 9)
	labelW := 0.0
	for _, l := range labels {
		labelW = max(labelW, d.GetStringWidth(l+":")+3)
	}
	right := x + textW - pad
	for i, l := range labels {
		ry := y + pad + 6 + float64(i)*rowH
		d.SetXY(x+pad, ry)
		d.font("sans", "", 9)
		d.CellFormat(labelW, rowH, l+":", "", 0, "L", false, 0, "")
		lx := x + pad + labelW
		switch {
		case i < len(values) && values[i] != "":
			d.font("sans", "B", 10)
			d.CellFormat(right-lx, rowH, values[i], "", 0, "L", false, 0, "")
		case i == len(labels)-1: // the signature, and the stamp beside it
			stamp := d.t("print.mark.stamp")
			d.Line(lx, ry+rowH-1.5, lx+70, ry+rowH-1.5)
			d.SetXY(lx+75, ry)
			d.CellFormat(right-lx-75, rowH, stamp, "", 0, "L", false, 0, "")
		default:
			d.Line(lx, ry+rowH-1.5, right, ry+rowH-1.5)
		}
	}
	d.SetXY(x, y+h)
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
		d.field(d.t("pdf.field.104"), "104", f.OfficeCode+" "+f.OfficeName)
		d.field(d.t("pdf.field.102"), "102", f.INN)
		d.field(d.t("pdf.field.103"), "103", f.Name)
		d.field(d.t("web.code.label"), noNumber, groupCode(f.ApplicationCode))
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

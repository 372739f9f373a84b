package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"kabinet"
	"kabinet/i18n"
)

// Kind says how a value is printed. The values are those of the form engine's cell
// kinds (form.Kind), so a caller converts with Kind(cell.Kind); KindRowNumber is a
// table's «№ п/п» column.
type Kind string

const (
	KindMoney     Kind = "money"      // "1234.5" → "1 234,50", right-aligned
	KindRate      Kind = "rate"       // "0.25" → "0,25", right-aligned
	KindInteger   Kind = "integer"    // as is, right-aligned
	KindText      Kind = "text"       // as is, wrapped
	KindDate      Kind = "date"       // "2026-03-31" → "31.03.2026", centred
	KindChoice    Kind = "choice"     // the caller passes the choice's label
	KindRowNumber Kind = "row_number" // centred
)

// ReportCell is one cell as printed: its number, its label and its value, all in the
// report's language; Value is in the wire form of its Kind.
type ReportCell struct {
	Number, Label, Value string
	Kind                 Kind
}

// ReportColumn is one column of a repeating table.
type ReportColumn struct {
	Number, Label string
	Kind          Kind
}

// ReportTable is a repeating table (STI-161 Section III: one row per employee). Each
// row holds one value per column, in the wire form of the column's Kind.
type ReportTable struct {
	Title   string
	Columns []ReportColumn
	Rows    [][]string
}

// ReportSection is one titled part of the form (РАЗДЕЛ II, III…): its cells, printed
// as rows "number | label | value", then its tables.
type ReportSection struct {
	Title  string
	Cells  []ReportCell
	Tables []ReportTable
}

// Acceptance is what the tax service added when it accepted the report (FIL-7): the
// «ПРИНЯТО НАЛОГОВЫМ ОРГАНОМ» block.
type Acceptance struct {
	Number     string    // the registration number, unique across the service
	ReceivedAt time.Time // cell 901, printed in Bishkek time
	Late       bool      // received after the end of the due date (FIL-8)
	// VerificationCode and VerifyURL: the public verification page with the number and
	// the code filled in; the QR code holds VerifyURL.
	VerificationCode, VerifyURL string
}

// ReportForm is a filed report as printed (FIL-7). Every text is already in the
// report's language (the caller picks Definition.Title.RU or .KY and so on).
type ReportForm struct {
	FormCode    string // "STI-161"
	Version     int    // 6: printed «FORM STI-161_6»
	Title       string // «Отчет по подоходному налогу…»
	ApprovedBy  string // the approving order, printed top right
	Provisional bool   // the definition is not yet the official layout (STI-155)
	// Types are the report types the form allows (field 001), in the form's order:
	// initial, correction, liquidation; empty means all three. Type is the chosen one.
	Types []string
	Type  string
	// HeaderTitle and Header: Section I, the cells about the payer (102 ИНН, 103, 104,
	// 105 or 107, 117–121…), laid out two to a row like the form.
	HeaderTitle string
	Header      []ReportCell
	// PeriodStart and PeriodEnd are cells 201 and 202.
	PeriodStart, PeriodEnd kabinet.Date
	Sections               []ReportSection
	Accepted               Acceptance
	Lang                   Lang
}

// ReportTypes are the report types of field 001, in the order the forms print them.
var ReportTypes = []string{"initial", "correction", "liquidation"}

const (
	pageH        = 297.0
	reportBottom = 18.0 // room for the page footer
	lineH        = 3.3  // a table line, 7 pt
)

// report is a document laid out on pages of either orientation.
type report struct {
	*doc
	f ReportForm
	// rows records where each table row was drawn (page, top, bottom), so tests can
	// prove that no row is cut by a page break.
	rows []rowBox
}

type rowBox struct {
	page       int
	top, bot   float64
	pageBottom float64
}

// Report renders a filed report as the form prints it, with the «ПРИНЯТО НАЛОГОВЫМ
// ОРГАНОМ» block, cell 901 and the verification QR code (FIL-7).
func Report(w io.Writer, f ReportForm) error {
	r, err := renderReport(f)
	if err != nil {
		return err
	}
	return r.Output(w)
}

func renderReport(f ReportForm) (*report, error) {
	d := newDoc(f.Lang, f.Title, f.Accepted.ReceivedAt)
	d.SetAutoPageBreak(true, reportBottom)
	d.AliasNbPages("{nb}")
	r := &report{doc: d, f: f}
	id := fmt.Sprintf("FORM %s_%d", f.FormCode, f.Version)
	d.SetFooterFunc(func() {
		w, h := d.GetPageSize()
		d.SetXY(margin, h-12)
		d.font("sans", "", 7)
		// The page count is an alias replaced at output, so this text is left-aligned:
		// its width is not known while the page is drawn.
		d.CellFormat(60, 4, d.t("pdf.report.page", "n", fmt.Sprint(d.PageNo()), "m", "{nb}"), "", 0, "L", false, 0, "")
		d.SetXY(w/2, h-12)
		d.CellFormat(w/2-margin, 4, id+" · "+d.t("pdf.report.number")+" "+f.Accepted.Number, "", 0, "R", false, 0, "")
	})

	d.AddPage()
	r.head(id)
	r.header()
	for _, s := range f.Sections {
		r.section(s)
	}
	if err := r.accepted(); err != nil {
		return nil, err
	}
	return r, d.Error()
}

// width is the text width of the current page; forms' cell rows keep the portrait
// width even on a landscape page, as the paper form does.
func (r *report) width() float64 {
	w, _ := r.GetPageSize()
	return w - 2*margin
}

func (r *report) bottom() float64 {
	_, h := r.GetPageSize()
	return h - reportBottom
}

// ensure starts a new page of the current orientation unless h millimetres fit.
func (r *report) ensure(h float64) {
	if r.GetY()+h > r.bottom() {
		r.newPage(r.landscape())
	}
}

func (r *report) landscape() bool {
	w, h := r.GetPageSize()
	return w > h
}

func (r *report) newPage(landscape bool) {
	if landscape {
		r.AddPageFormat("L", fpdf.SizeType{Wd: pageW, Ht: pageH})
	} else {
		r.AddPageFormat("P", fpdf.SizeType{Wd: pageW, Ht: pageH})
	}
}

// head prints the form's code, the approving order, the title, the provisional
// notice and field 001, as at the top of the paper form.
func (r *report) head(id string) {
	d := r.doc
	y := d.GetY()
	d.font("sans", "B", 8)
	d.CellFormat(textW/2, 4, id, "", 0, "L", false, 0, "")
	d.SetXY(margin+textW/2, y)
	d.font("sans", "", 7)
	d.MultiCell(textW/2, 3.3, r.f.ApprovedBy, "", "R", false)
	d.SetY(max(d.GetY(), y+5) + 2)
	d.title(strings.ToUpper(r.f.Title))
	if r.f.Provisional {
		d.SetFillColor(255, 243, 205)
		d.font("sans", "B", 8.5)
		d.MultiCell(textW, 4.2, d.t("pdf.report.provisional"), "1", "C", true)
		d.Ln(2)
	}
	// Field 001: every type the form allows, the chosen one crossed.
	types := r.f.Types
	if len(types) == 0 {
		types = ReportTypes
	}
	y = d.GetY()
	d.numberBox(margin, y, "001")
	x := margin + 14
	for _, t := range types {
		d.Rect(x, y+0.5, 5, 5, "D")
		if t == r.f.Type {
			d.SetXY(x, y+0.5)
			d.font("sans", "B", 12)
			d.CellFormat(5, 5, "X", "", 0, "C", false, 0, "")
		}
		d.SetXY(x+6.5, y)
		if t == r.f.Type {
			d.font("sans", "B", 8.5)
		} else {
			d.font("sans", "", 8.5)
		}
		label := strings.ToUpper(d.t("pdf.type." + t))
		lw := d.GetStringWidth(label) + 2
		d.CellFormat(lw, 6, label, "", 0, "L", false, 0, "")
		x += 6.5 + lw + 8
	}
	d.SetY(y + 9)
}

// numberBox prints a cell's number in a small frame, as the form does.
func (d *doc) numberBox(x, y float64, n string) {
	d.font("sans", "B", 8)
	d.SetXY(x, y)
	d.CellFormat(11, 6, n, "1", 0, "C", false, 0, "")
}

// header prints Section I two cells to a row, then the period, 201 and 202.
func (r *report) header() {
	d := r.doc
	title := r.f.HeaderTitle
	if title == "" {
		title = d.t("pdf.report.section1")
	}
	r.bar(title, textW)
	const half = textW / 2
	for i := 0; i < len(r.f.Header); i += 2 {
		pair := r.f.Header[i:min(i+2, len(r.f.Header))]
		h := 0.0
		for _, c := range pair {
			h = max(h, r.headerCellHeight(c, half))
		}
		r.ensure(h)
		y := d.GetY()
		for j, c := range pair {
			r.headerCell(c, margin+float64(j)*half, y, half, h)
		}
		d.SetXY(margin, y+h)
	}
	// The period: «НАЛОГОВЫЙ ПЕРИОД  201 С … 202 ПО …».
	r.ensure(9)
	y := d.GetY()
	d.Rect(margin, y, textW, 9, "D")
	d.font("sans", "B", 8)
	d.SetXY(margin+2, y+1.5)
	d.CellFormat(50, 6, strings.ToUpper(d.t("pdf.report.period")), "", 0, "L", false, 0, "")
	for i, p := range []struct {
		n, label string
		date     kabinet.Date
	}{{"201", "pdf.report.period.from", r.f.PeriodStart}, {"202", "pdf.report.period.to", r.f.PeriodEnd}} {
		x := margin + 60 + float64(i)*60
		d.numberBox(x, y+1.5, p.n)
		d.SetXY(x+12, y+1.5)
		d.font("sans", "", 8)
		d.CellFormat(8, 6, strings.ToUpper(d.t(p.label)), "", 0, "L", false, 0, "")
		d.font("sans", "B", 10)
		d.CellFormat(30, 6, p.date.String(), "B", 0, "C", false, 0, "")
	}
	d.SetXY(margin, y+11)
}

func (r *report) headerCellHeight(c ReportCell, w float64) float64 {
	d := r.doc
	d.font("sans", "", 6.5)
	labels := len(d.SplitText(strings.ToUpper(c.Label), w-15))
	d.font("sans", "B", 10)
	values := len(d.SplitText(formatValue(c.Kind, c.Value), w-15))
	return float64(labels)*3 + float64(max(values, 1))*4.6 + 3
}

func (r *report) headerCell(c ReportCell, x, y, w, h float64) {
	d := r.doc
	d.Rect(x, y, w, h, "D")
	d.numberBox(x+1, y+1, c.Number)
	d.font("sans", "", 6.5)
	ly := y + 1
	for _, l := range d.SplitText(strings.ToUpper(c.Label), w-15) {
		d.SetXY(x+13, ly)
		d.CellFormat(w-15, 3, l, "", 0, "L", false, 0, "")
		ly += 3
	}
	d.font("sans", "B", 10)
	for _, l := range d.SplitText(formatValue(c.Kind, c.Value), w-15) {
		d.SetXY(x+13, ly+0.5)
		d.CellFormat(w-15, 4.6, l, "", 0, "L", false, 0, "")
		ly += 4.6
	}
}

func (r *report) section(s ReportSection) {
	if len(s.Cells) > 0 {
		r.ensure(7 + 8) // the title never ends a page
		r.bar(s.Title, textW)
		for _, c := range s.Cells {
			r.cellRow(c)
		}
	}
	for i, t := range s.Tables {
		title := t.Title
		if title == "" && i == 0 && len(s.Cells) == 0 {
			title = s.Title
		}
		r.table(title, t)
	}
}

// bar prints a section's title in a shaded frame w wide, wrapped when long.
func (r *report) bar(text string, w float64) {
	d := r.doc
	d.Ln(2)
	d.SetX(margin)
	d.SetFillColor(232, 236, 240)
	d.font("sans", "B", 9)
	d.MultiCell(w, 5, text, "1", "L", true)
}

// cellRow prints "number | label | value": money right-aligned, the row as tall as
// its longest part, never split over two pages.
func (r *report) cellRow(c ReportCell) {
	const numW, valueW = 12.0, 46.0
	d := r.doc
	labelW := textW - numW - valueW
	d.font("sans", "", 8.5)
	labels := d.SplitText(c.Label, labelW-2)
	value := formatValue(c.Kind, c.Value)
	d.font("sans", "B", 10)
	values := d.SplitText(value, valueW-2)
	h := float64(max(len(labels), len(values), 1))*4.2 + 1.8
	r.ensure(h)
	x, y := margin, d.GetY()
	d.Rect(x, y, numW, h, "D")
	d.Rect(x+numW, y, labelW, h, "D")
	d.Rect(x+numW+labelW, y, valueW, h, "D")
	d.font("sans", "B", 8.5)
	d.SetXY(x, y+0.9)
	d.CellFormat(numW, 4.2, c.Number, "", 0, "C", false, 0, "")
	d.font("sans", "", 8.5)
	for i, l := range labels {
		d.SetXY(x+numW+1, y+0.9+float64(i)*4.2)
		d.CellFormat(labelW-2, 4.2, l, "", 0, "L", false, 0, "")
	}
	d.font("sans", "B", 10)
	for i, l := range values {
		d.SetXY(x+numW+labelW+1, y+0.9+float64(i)*4.2)
		d.CellFormat(valueW-2, 4.2, l, "", 0, align(c.Kind), false, 0, "")
	}
	d.SetXY(x, y+h)
}

func align(k Kind) string {
	switch k {
	case KindMoney, KindRate, KindInteger:
		return "R"
	case KindDate, KindRowNumber:
		return "C"
	}
	return "L"
}

// wraps says whether a value may be broken over lines; numbers and dates never are.
func wraps(k Kind) bool {
	switch k {
	case KindMoney, KindRate, KindInteger, KindDate, KindRowNumber:
		return false
	}
	return true
}

const (
	headFont    = 5.8 // a table's column headings, pt
	minHeadFont = 4.4
	bodyFont    = 7.0 // a table's values, pt
	headLine    = 2.5
	cellPad     = 1.2 // left + right padding of a table cell, mm
	// tableMargin is fpdf's cell margin inside a table: SplitText and CellFormat keep
	// it on both sides of the width they are given.
	tableMargin = 0.25
)

// columnWidths gives each column at least its longest unbreakable value (an ИНН, an
// amount, a date, the longest word of a name), then shares what is left in
// proportion to what each column would need for its values on one line and its
// heading on about three. Headings adapt to the width (headingFont), values do not.
func (r *report) columnWidths(t ReportTable, avail float64) []float64 {
	d := r.doc
	n := len(t.Columns)
	hard := make([]float64, n) // values: never broken
	soft := make([]float64, n) // and the longest heading word at the smallest size
	want := make([]float64, n) // values on one line, headings on about four
	for i, c := range t.Columns {
		label := strings.ToUpper(c.Label)
		d.font("sans", "B", minHeadFont)
		for _, w := range strings.Fields(label) {
			soft[i] = max(soft[i], d.GetStringWidth(w))
		}
		d.font("sans", "B", headFont)
		hard[i] = max(d.GetStringWidth(c.Number), 4)
		want[i] = d.GetStringWidth(label) / 4
	}
	d.font("sans", "", bodyFont)
	for _, row := range t.Rows {
		for i := 0; i < n && i < len(row); i++ {
			v := formatValue(t.Columns[i].Kind, row[i])
			full := d.GetStringWidth(v)
			want[i] = max(want[i], full)
			if !wraps(t.Columns[i].Kind) {
				hard[i] = max(hard[i], full)
				continue
			}
			for _, w := range strings.Fields(v) {
				hard[i] = max(hard[i], d.GetStringWidth(w))
			}
			// A name should take no more than two lines.
			soft[i] = max(soft[i], full*0.6)
		}
	}
	const pad = cellPad + 2*tableMargin + 0.3
	var sumHard, sumSoft, sumWant float64
	for i := range hard {
		hard[i] += pad
		soft[i] = max(soft[i]+pad, hard[i])
		want[i] = max(want[i]+pad, soft[i])
		sumHard += hard[i]
		sumSoft += soft[i]
		sumWant += want[i]
	}
	w := make([]float64, n)
	switch {
	case sumWant <= avail:
		for i := range w {
			w[i] = want[i] + (avail-sumWant)*want[i]/sumWant
		}
	case sumSoft <= avail:
		for i := range w {
			w[i] = soft[i] + (avail-sumSoft)*(want[i]-soft[i])/(sumWant-sumSoft)
		}
	case sumHard < avail:
		for i := range w {
			w[i] = hard[i] + (avail-sumHard)*(soft[i]-hard[i])/(sumSoft-sumHard)
		}
	default: // too many columns even at their narrowest: scale down
		for i := range w {
			w[i] = hard[i] * avail / sumHard
		}
	}
	return w
}

// headingFont is the largest size, from minHeadFont up to headFont, at which every
// word of a column's heading fits its width.
func (r *report) headingFont(label string, width float64) float64 {
	d := r.doc
	d.font("sans", "B", headFont)
	longest := 0.0
	for _, w := range strings.Fields(label) {
		longest = max(longest, d.GetStringWidth(w))
	}
	if longest <= width {
		return headFont
	}
	return max(headFont*width/longest, minHeadFont)
}

// table prints a repeating table: on a landscape page when it is wide, its heading
// repeated on every page, and no row ever cut by a page break.
func (r *report) table(title string, t ReportTable) {
	d := r.doc
	if len(t.Columns) == 0 {
		return
	}
	if len(t.Columns) > 8 && !r.landscape() {
		r.newPage(true)
	}
	cm := d.GetCellMargin()
	d.SetCellMargin(tableMargin)
	defer d.SetCellMargin(cm)
	widths := r.columnWidths(t, r.width())
	// One heading size for the whole table: the largest at which every heading
	// breaks between words.
	size := headFont
	for i, c := range t.Columns {
		size = min(size, r.headingFont(strings.ToUpper(c.Label), widths[i]-cellPad-2*tableMargin-0.1))
	}
	heads := make([][]string, len(t.Columns))
	headSizes := make([]float64, len(t.Columns))
	headH := 0.0
	for i, c := range t.Columns {
		label := strings.ToUpper(c.Label)
		headSizes[i] = size
		d.font("sans", "B", headSizes[i])
		heads[i] = d.SplitText(label, widths[i]-cellPad)
		headH = max(headH, float64(len(heads[i]))*headLine*headSizes[i]/headFont)
	}
	headH += 1.5
	const numH = 3.5

	heading := func(cont bool) {
		if title != "" {
			text := title
			if cont {
				text += " " + d.t("pdf.report.continued")
			}
			r.bar(text, r.width())
		}
		x, y := margin, d.GetY()
		d.SetFillColor(244, 246, 248)
		for i, c := range t.Columns {
			d.Rect(x, y, widths[i], headH, "FD")
			d.font("sans", "B", headSizes[i])
			// Headings sit at the bottom of their box, like the form's.
			lh := headLine * headSizes[i] / headFont
			ly := y + headH - float64(len(heads[i]))*lh - 0.6
			for _, l := range heads[i] {
				d.SetXY(x, ly)
				d.CellFormat(widths[i], lh, l, "", 0, "C", false, 0, "")
				ly += lh
			}
			d.font("sans", "", headFont)
			d.SetXY(x, y+headH)
			d.CellFormat(widths[i], numH, c.Number, "1", 0, "C", false, 0, "")
			x += widths[i]
		}
		d.SetXY(margin, y+headH+numH)
	}

	rowLines := func(row []string) ([][]string, float64) {
		d.font("sans", "", bodyFont)
		lines := make([][]string, len(t.Columns))
		n := 1
		for i, c := range t.Columns {
			v := ""
			if i < len(row) {
				v = formatValue(c.Kind, row[i])
			}
			if wraps(c.Kind) {
				lines[i] = d.SplitText(v, widths[i]-cellPad)
			} else {
				lines[i] = []string{v}
			}
			n = max(n, len(lines[i]))
		}
		return lines, float64(n)*lineH + 1.4
	}

	titleH := 0.0
	if title != "" {
		d.font("sans", "B", 9)
		titleH = 2 + 5*float64(len(d.SplitText(title+" "+d.t("pdf.report.continued"), r.width()-2)))
	}
	first := true
	for ri, row := range t.Rows {
		lines, h := rowLines(row)
		need := h
		if first {
			need += titleH + headH + numH
		}
		if d.GetY()+need > r.bottom() {
			r.newPage(r.landscape())
			first = true
		}
		if first {
			heading(ri > 0)
			first = false
		}
		x, y := margin, d.GetY()
		d.font("sans", "", bodyFont)
		for i, c := range t.Columns {
			d.Rect(x, y, widths[i], h, "D")
			for li, l := range lines[i] {
				d.SetXY(x+cellPad/2, y+0.7+float64(li)*lineH)
				d.CellFormat(widths[i]-cellPad, lineH, l, "", 0, align(c.Kind), false, 0, "")
			}
			x += widths[i]
		}
		r.rows = append(r.rows, rowBox{page: d.PageNo(), top: y, bot: y + h, pageBottom: r.bottom()})
		d.SetXY(margin, y+h)
	}
	if len(t.Rows) == 0 {
		r.ensure(titleH + headH + numH + 5)
		heading(false)
		d.font("sans", "", bodyFont)
		d.CellFormat(r.width(), 5, d.t("pdf.report.no_rows"), "1", 1, "C", false, 0, "")
	}
	d.Ln(2)
}

// accepted prints the closing block of the form: on the left, for the payer, the
// verification code and QR; on the right «ПРИНЯТО НАЛОГОВЫМ ОРГАНОМ» with 901.
func (r *report) accepted() error {
	d := r.doc
	a := r.f.Accepted
	const h = 48.0
	r.ensure(h + 4)
	d.Ln(3)
	x, y := margin, d.GetY()
	half := textW / 2
	if r.landscape() {
		half = r.width() / 2
	}
	d.SetLineWidth(0.4)
	d.Rect(x, y, half, h, "D")
	d.Rect(x+half, y, half, h, "D")
	d.SetLineWidth(0.2)

	// Left: for the payer.
	d.SetFillColor(232, 236, 240)
	d.font("sans", "B", 8)
	d.SetXY(x, y)
	d.CellFormat(half, 6, strings.ToUpper(d.t("pdf.report.for_payer")), "1", 0, "C", true, 0, "")
	if err := d.qr(a.VerifyURL, x+3, y+8, 34); err != nil {
		return err
	}
	tx, tw := x+40, half-42
	d.SetXY(tx, y+8)
	d.font("sans", "", 7.5)
	d.MultiCell(tw, 3.4, d.t("pdf.report.verify"), "", "L", false)
	d.SetX(tx)
	d.font("mono", "B", 13)
	d.CellFormat(tw, 7, a.VerificationCode, "", 2, "L", false, 0, "")
	d.SetX(tx)
	d.font("sans", "", 6)
	d.MultiCell(tw, 2.8, a.VerifyURL, "", "L", false)

	// Right: accepted by the tax office.
	rx := x + half
	d.SetXY(rx, y)
	d.font("sans", "B", 8)
	d.SetFillColor(232, 236, 240)
	d.CellFormat(half, 6, d.t("pdf.report.accepted"), "1", 0, "C", true, 0, "")
	line := func(yy float64, label, value string, bold bool) {
		d.SetXY(rx+3, yy)
		d.font("sans", "", 8)
		d.CellFormat(38, 6, label, "", 0, "L", false, 0, "")
		if bold {
			d.font("sans", "B", 10)
		} else {
			d.font("sans", "", 10)
		}
		d.CellFormat(half-44, 6, value, "B", 0, "L", false, 0, "")
	}
	line(y+9, d.t("pdf.report.number"), a.Number, true)
	d.numberBox(rx+3, y+17, "901")
	d.SetXY(rx+15, y+17)
	d.font("sans", "", 8)
	d.CellFormat(26, 6, strings.ToUpper(d.t("pdf.report.received_at")), "", 0, "L", false, 0, "")
	d.font("sans", "B", 10)
	d.CellFormat(half-44, 6, bishkek(a.ReceivedAt), "B", 0, "L", false, 0, "")
	d.SetXY(rx+3, y+25)
	d.font("sans", "", 7)
	d.CellFormat(half-6, 4, d.t("pdf.report.bishkek_time"), "", 0, "R", false, 0, "")
	d.SetXY(rx+3, y+31)
	if a.Late {
		d.SetTextColor(176, 0, 32)
		d.SetDrawColor(176, 0, 32)
		d.SetLineWidth(0.5)
		d.font("sans", "B", 11)
		d.CellFormat(half-6, 8, strings.ToUpper(d.t("pdf.report.late")), "1", 0, "C", false, 0, "")
		d.SetLineWidth(0.2)
		d.SetDrawColor(0, 0, 0)
		d.SetTextColor(0, 0, 0)
	} else {
		d.font("sans", "B", 10)
		d.CellFormat(half-6, 8, d.t("pdf.report.on_time"), "", 0, "C", false, 0, "")
	}
	d.SetXY(rx+3, y+40.5)
	d.font("sans", "", 6.5)
	d.MultiCell(half-6, 2.9, d.t("pdf.report.electronic"), "", "C", false)
	d.SetXY(margin, y+h+2)
	return nil
}

// formatValue prints a value of kind k as the paper shows it. A value that does not
// parse as its kind is printed as given: the paper must never hide what was filed.
func formatValue(k Kind, v string) string {
	switch k {
	case KindMoney:
		return formatDecimal(v, 2)
	case KindRate:
		return formatDecimal(v, -1)
	case KindDate:
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return t.Format("02.01.2006")
		}
	}
	return v
}

// thinSpace groups thousands on the printed forms.
const thinSpace = "\u2009"

// formatDecimal prints "-1234567.5" as "-1 234 567,50": thousands grouped by thin
// spaces and a decimal comma, as Russian and Kyrgyz write numbers. places pads the
// fraction (2 for money); -1 keeps it as given.
func formatDecimal(v string, places int) string {
	s := strings.TrimSpace(v)
	if s == "" {
		return ""
	}
	sign := ""
	if s[0] == '-' || s[0] == '+' {
		if s[0] == '-' {
			sign = "-"
		}
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" || !digits(intPart) || !digits(frac) {
		return v
	}
	if places >= 0 && len(frac) < places {
		frac += strings.Repeat("0", places-len(frac))
	}
	var b strings.Builder
	b.WriteString(sign)
	for i := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thinSpace)
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// typeLabel is a report type as printed in running text.
func typeLabel(lang Lang, t string) string { return i18n.T(lang, "pdf.type."+t) }

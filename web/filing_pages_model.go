package web

// The filing pages' model of a report being filled in (FIL-2): how a form definition
// becomes the page's inputs, how the page's form fields become a form.Input again, and
// how input-control errors find the cell they belong to. Computing and checking stay
// in checkReport (filing_service.go); nothing here knows a formula.

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"kabinet/form"
	"kabinet/i18n"
	"kabinet/money"
)

// Page field names: cell 050 is "c050"; row 2, column 3 of table persons is
// "t.persons.2.3"; "rows.persons" is how many rows the page shows.
func cellField(number string) string { return "c" + number }

func tableField(table string, row int, col string) string {
	return "t." + table + "." + strconv.Itoa(row) + "." + col
}

// maxPageRows bounds the rows a page form may claim per table, whatever the form allows,
// so a forged rows.* cannot make the page render millions of inputs.
const maxPageRows = 500

// typedByPage reports whether the taxpayer types the cell on the page.
func typedByPage(c *form.Cell) bool {
	return c.Source == form.SourceTyped || c.Source == form.SourceHeader
}

// readFillInput reads the report as the page's form sends it: field 001, the typed
// and header cells, and the tables' typed columns. Computed, registry and period
// cells are never read from the page: the server fills them. A table claiming more
// rows than the page handles is cut to that many and reported in capped (too_many_rows):
// the rows beyond are not read, so such a report must not be filed (SEC-3: no data lost
// silently).
func readFillInput(r *http.Request, d *form.Definition, code, period string) (in form.Input, capped []form.CellError) {
	in = form.Input{Form: code, Period: period, Type: form.Type(r.PostFormValue("type")), Cells: map[string]string{},
		Tables: map[string][]map[string]string{}}
	for i := range d.Cells {
		c := &d.Cells[i]
		if typedByPage(c) {
			in.Cells[c.Number] = strings.TrimSpace(cleanValue(r.PostFormValue(cellField(c.Number))))
		}
	}
	for ti := range d.Tables {
		t := &d.Tables[ti]
		n, _ := strconv.Atoi(r.PostFormValue("rows." + t.Name))
		if limit := min(t.MaxRows, maxPageRows); n > limit {
			capped = append(capped, form.CellError{Table: t.Name, Rule: "too_many_rows", Params: map[string]string{"max": strconv.Itoa(limit)}})
			n = limit
		}
		n = max(0, n)
		rows := make([]map[string]string, 0, n)
		for row := 1; row <= n; row++ {
			m := map[string]string{}
			for ci := range t.Columns {
				c := &t.Columns[ci]
				if c.Source == form.SourceTyped {
					m[c.Number] = strings.TrimSpace(cleanValue(r.PostFormValue(tableField(t.Name, row, c.Number))))
				}
			}
			rows = append(rows, m)
		}
		in.Tables[t.Name] = rows
	}
	return in, capped
}

// cleanValue keeps a typed value valid UTF-8 without control characters, bounded in
// length. Invalid bytes and control characters become U+FFFD rather than vanish, so the
// input control reports the value as wrong, as the API does, instead of filing
// "12\x0034" as 1234 (SEC-3); tabs and line breaks, as pasted, count as spaces.
func cleanValue(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f:
			return '\uFFFD'
		}
		return r
	}, s)
	if len(s) > 1000 {
		s = s[:1000]
		s = strings.ToValidUTF8(s, "")
	}
	return s
}

// newIdempotencyKey is the page's own key for one submission (FIL-6): a double click
// sends the same key and gets the first receipt.
//
// It is hex in groups of eight: the key rides in the upload form's address, and a run
// of 14 digits there would read as an ИНН to anyone checking that no personal
// identifier travels in a URL (SEC-2).
func newIdempotencyKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:16] + "-" + h[16:24] + "-" + h[24:]
}

// fillCell is one cell as the page shows it.
type fillCell struct {
	Number   string
	Label    string
	Field    string // the input's name and id
	Kind     form.Kind
	Source   form.Source
	Editable bool
	Value    string // as typed (editable) or as shown (read-only)
	Choices  []fillChoice
	Rates    []string // a rate cell's allowed values, offered in a datalist
	Required bool
	Errors   []string
}

type fillChoice struct {
	Value, Label string
	Selected     bool
}

// fillRow is one row of a repeating table.
type fillRow struct {
	N     int
	Cells []fillCell
}

// fillTable is a repeating table with its rows.
type fillTable struct {
	Name    string
	Label   string
	Columns []fillCell // headers: number and label
	Rows    []fillRow
	MaxRows int
	CanAdd  bool
	Errors  []string // errors of the table as a whole (too many rows…)
}

// fillSection is a section of the form with its cells and tables.
type fillSection struct {
	ID     string
	Title  string
	Cells  []fillCell
	Tables []fillTable
}

// fillModel builds the page's sections from the definition, the typed input and the
// recomputed result (res; empty before the first check), with errs beside their cells.
func fillModel(d *form.Definition, in form.Input, res form.Result, errs []form.CellError, lang i18n.Lang) (sections []fillSection, general []string) {
	byCell := map[string][]string{}
	for _, e := range errs {
		msg := e.Message(lang)
		switch {
		case e.Table != "" && e.Row > 0 && e.Cell != "":
			byCell[tableField(e.Table, e.Row, e.Cell)] = append(byCell[tableField(e.Table, e.Row, e.Cell)], msg)
		case e.Table != "" && e.Row > 0:
			byCell["row."+e.Table+"."+strconv.Itoa(e.Row)] = append(byCell["row."+e.Table+"."+strconv.Itoa(e.Row)], msg)
		case e.Table != "":
			byCell["table."+e.Table] = append(byCell["table."+e.Table], msg)
		case e.Cell != "" && d.Cell(e.Cell) != nil:
			byCell[cellField(e.Cell)] = append(byCell[cellField(e.Cell)], msg)
		default:
			general = append(general, msg)
		}
	}
	cell := func(c *form.Cell, field, typed, computed string) fillCell {
		fc := fillCell{Number: c.Number, Label: tr(c.Label, lang), Field: field, Kind: c.Kind, Source: c.Source,
			Editable: c.Source == form.SourceTyped || c.Source == form.SourceHeader, Required: c.Required, Errors: byCell[field]}
		if fc.Editable {
			fc.Value = typed
		} else {
			fc.Value = shownValue(c, computed, lang)
		}
		if c.Kind == form.KindChoice {
			for _, ch := range c.Choices {
				label := ch.Value
				if ch.Label != nil {
					label = tr(*ch.Label, lang)
				}
				fc.Choices = append(fc.Choices, fillChoice{Value: ch.Value, Label: label, Selected: ch.Value == typed})
			}
		} else {
			for _, ch := range c.Choices {
				fc.Rates = append(fc.Rates, ch.Value)
			}
		}
		return fc
	}
	for _, sec := range d.Sections {
		fs := fillSection{ID: sec.ID, Title: tr(sec.Title, lang)}
		for i := range d.Cells {
			c := &d.Cells[i]
			if c.Section != sec.ID || c.Source == form.SourceReceipt {
				continue
			}
			fs.Cells = append(fs.Cells, cell(c, cellField(c.Number), in.Cells[c.Number], res.Cells[c.Number]))
		}
		for ti := range d.Tables {
			t := &d.Tables[ti]
			if t.Section != sec.ID {
				continue
			}
			ft := fillTable{Name: t.Name, Label: tr(t.Label, lang), MaxRows: t.MaxRows, Errors: byCell["table."+t.Name]}
			for ci := range t.Columns {
				ft.Columns = append(ft.Columns, fillCell{Number: t.Columns[ci].Number, Label: tr(t.Columns[ci].Label, lang)})
			}
			rows := in.Tables[t.Name]
			for ri, row := range rows {
				fr := fillRow{N: ri + 1}
				var out map[string]string
				if rs := res.Tables[t.Name]; ri < len(rs) {
					out = rs[ri]
				}
				for ci := range t.Columns {
					c := &t.Columns[ci]
					computed := out[c.Number]
					if c.Source == form.SourceRowNumber {
						computed = strconv.Itoa(ri + 1)
					}
					fc := cell(c, tableField(t.Name, ri+1, c.Number), row[c.Number], computed)
					fc.Errors = append(fc.Errors, byCell["row."+t.Name+"."+strconv.Itoa(ri+1)]...)
					byCell["row."+t.Name+"."+strconv.Itoa(ri+1)] = nil // shown once, on the row's first cell
					fr.Cells = append(fr.Cells, fc)
				}
				ft.Rows = append(ft.Rows, fr)
			}
			ft.CanAdd = len(rows) < min(t.MaxRows, maxPageRows)
			fs.Tables = append(fs.Tables, ft)
		}
		if len(fs.Cells) > 0 || len(fs.Tables) > 0 {
			sections = append(sections, fs)
		}
	}
	return sections, general
}

// shownValue is a read-only cell's value as people read it: money «1 234,56», a
// date ДД.ММ.ГГГГ, a choice by its label.
func shownValue(c *form.Cell, v string, lang i18n.Lang) string {
	if v == "" {
		return ""
	}
	switch c.Kind {
	case form.KindMoney:
		if a, err := money.Parse(v); err == nil {
			return a.Human()
		}
	case form.KindRate:
		return strings.ReplaceAll(v, ".", ",")
	case form.KindDate:
		if len(v) == 10 && v[4] == '-' && v[7] == '-' {
			return v[8:10] + "." + v[5:7] + "." + v[:4]
		}
	case form.KindChoice:
		for _, ch := range c.Choices {
			if ch.Value == v && ch.Label != nil {
				return tr(*ch.Label, lang)
			}
		}
	}
	return v
}

// filedSections are a filed report's sections for reading (the office's view, the
// receipt page): every cell and table row as filed, read-only.
func filedSections(d *form.Definition, res form.Result, lang i18n.Lang) []fillSection {
	in := form.Input{Cells: map[string]string{}, Tables: res.Tables}
	secs, _ := fillModel(d, in, res, nil, lang)
	for si := range secs {
		for ci := range secs[si].Cells {
			c := &secs[si].Cells[ci]
			c.Editable, c.Value = false, shownValue(d.Cell(c.Number), res.Cells[c.Number], lang)
		}
		for ti := range secs[si].Tables {
			t := &secs[si].Tables[ti]
			t.CanAdd = false
			def := d.Table(t.Name)
			for ri := range t.Rows {
				for ci := range t.Rows[ri].Cells {
					c := &t.Rows[ri].Cells[ci]
					c.Editable = false
					c.Value = shownValue(def.Column(c.Number), res.Tables[t.Name][ri][c.Number], lang)
				}
			}
		}
	}
	return secs
}

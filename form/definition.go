// Package form holds the tax report forms as data (FIL-1) and the one evaluator that
// fills and checks them (FIL-4): every form version is a JSON definition file under
// defs/ (embedded in the binary) or loaded at run time by a supervisor; cells,
// formulas and constraints live in the definition, never in Go code or JavaScript.
//
// # Definition file
//
// One JSON object per form version (see Definition for every field):
//
//	{
//	  "code": "STI-107", "version": 3,
//	  "title": {"ru": "…", "ky": "…"}, "approved_by": {"ru": "…", "ky": "…"},
//	  "provisional": false,
//	  "valid_from": "2026-Q1", "valid_to": "",            // periods in the form's period kind
//	  "filers": ["legal", "entrepreneur"],
//	  "period_kind": "quarter",                            // month | quarter | year
//	  "due": {"month_offset": 1, "day": 20},               // 20th of the month after the period
//	  "types": ["initial", "correction"],                  // field 001
//	  "sections": [{"id": "I", "title": {"ru": "…", "ky": "…"}}],
//	  "cells": [
//	    {"number": "102", "section": "I", "label": {…}, "kind": "text", "source": "registry", "registry": "inn"},
//	    {"number": "203", "section": "II", "label": {…}, "kind": "money", "source": "typed", "min": "0", "required": true},
//	    {"number": "205", "section": "II", "label": {…}, "kind": "money", "source": "computed", "formula": "max(0, c203 - c204)"},
//	    {"number": "208", …, "checks": [{"id": "c208_le_c207", "expr": "c208 <= c207", "message": {…}}]}
//	  ],
//	  "tables": [{"name": "employees", "section": "III", "label": {…}, "max_rows": 10000,
//	              "columns": [{"number": "11", …}, {"number": "15", …, "source": "computed", "formula": "c11 - c13 - c14"}]}],
//	  "checks": [ … form-wide checks … ]
//	}
//
// # Expressions
//
// Formulas and checks are Go expressions, parsed with go/parser.ParseExpr when the
// definition is loaded (a bad one is a load error naming its cell) and evaluated on
// exact decimals — never float64:
//
//   - c203 names cell 203 of the form; inside a table's column formula or check, c11
//     names column 11 of the same row, and form.c118 a cell of the form.
//   - employees.c11 names column 11 of table employees; it may appear only as an
//     argument of an aggregate: sum(employees.c11), count(employees),
//     sumif(employees.c11, employees.c4 == "pensioner") (the condition is evaluated
//     per row and may use only that table's columns, literals, form cells and row()).
//   - row() is the 1-based number of the current row (in a table's column or check).
//   - Numbers (10, 0.25, 1234.56), strings ("spouse"), + - * /, unary -, parentheses,
//     == != < <= > >=, && || !, and the functions max(a, b, …), min(a, b, …), abs(a),
//     when(cond, a, b) (a when cond holds, else b).
//   - Division by a power of ten (10, 100, …) is exact; any other division is rounded
//     half away from zero to 0.01. A computed cell's value is rounded half away from
//     zero to its kind's precision (money 0.01, rate 0.0001, integer 1).
//   - Rates are percent as printed: a tax is written c205 * c206 / 100.
//   - An empty money, rate or integer cell counts as 0 in an expression; an empty
//     text, date or choice cell as "".
//
// Field 001 (the report's type) is not a cell: Definition.Types lists the types the
// form allows, and the input carries it apart from the cells.
package form

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Text is a text in both interface languages.
type Text struct {
	RU string `json:"ru"`
	KY string `json:"ky"`
}

// PeriodKind is how long a form's period is.
type PeriodKind string

const (
	Month   PeriodKind = "month"   // period "2026-01"
	Quarter PeriodKind = "quarter" // period "2026-Q1"
	Year    PeriodKind = "year"    // period "2026"
)

// Type is a report's type, field 001 on every form.
type Type string

const (
	Initial     Type = "initial"     // Первоначальный: the first report for the period
	Correction  Type = "correction"  // Уточненный: replaces the accepted report whole
	Liquidation Type = "liquidation" // Ликвидационный: the last one, filed on liquidation
)

// Kind is what a cell holds.
type Kind string

const (
	KindMoney   Kind = "money"   // сом and тыйын: "1234.56" (see package money)
	KindRate    Kind = "rate"    // percent as printed, up to 4 decimals: "0.25" is 0.25 %
	KindInteger Kind = "integer" // "12", "-3"
	KindText    Kind = "text"    // free text (valid UTF-8, no control characters)
	KindDate    Kind = "date"    // "2026-03-31" on the wire ("31.03.2026" also accepted)
	KindChoice  Kind = "choice"  // one of Cell.Choices
)

// Source says where a cell's value comes from.
type Source string

const (
	// SourceRegistry: filled by the cabinet from the registry (Cell.Registry names the
	// field: inn, name or office) and not editable (FIL-2).
	SourceRegistry Source = "registry"
	// SourceHeader: a header cell the cabinet fills but the registry does not hold
	// (105 phone, STI-161's 107 and 117–121): typed once, offered from the last filing.
	SourceHeader Source = "header"
	// SourceTyped: typed by the taxpayer.
	SourceTyped Source = "typed"
	// SourceComputed: Cell.Formula, recomputed by the server; a sent value must match.
	SourceComputed Source = "computed"
	// SourcePrevious: taken from the subject's accepted report for an earlier period
	// (Cell.Previous); not editable.
	SourcePrevious Source = "previous"
	// SourcePeriodStart, SourcePeriodEnd: the first and last day of the period (201, 202).
	SourcePeriodStart Source = "period_start"
	SourcePeriodEnd   Source = "period_end"
	// SourceReceipt: filled when the report is accepted (901); never sent.
	SourceReceipt Source = "receipt"
	// SourceRowNumber: a table's "№ п/п" column, the row's 1-based number.
	SourceRowNumber Source = "row_number"
)

// Registry fields a SourceRegistry cell can name.
const (
	RegistryINN    = "inn"
	RegistryName   = "name"
	RegistryOffice = "office"
)

// DueRule gives a period's due date: day Day of the month MonthOffset months after
// the period's last month ({"month_offset": 1, "day": 20} is the 20th of the month
// after the period; {"month_offset": 4, "day": 1} after a calendar year is 1 April of
// the following year). A day past the month's end is the month's last day. The date
// is not moved for weekends (SPEC "Filing details").
type DueRule struct {
	MonthOffset int `json:"month_offset"`
	Day         int `json:"day"`
	// Assumed marks a rule the official texts did not confirm: the project's choice.
	Assumed bool `json:"assumed,omitempty"`
	// Note says where the rule comes from, or why it was assumed (English, for maintainers).
	Note string `json:"note,omitempty"`
}

// Section is a titled part of the form (РАЗДЕЛ I, II…).
type Section struct {
	ID    string `json:"id"` // "I", "II", …
	Title Text   `json:"title"`
}

// Choice is one allowed value of a cell.
type Choice struct {
	Value string `json:"value"`           // as on the wire; for a rate "0.25", for a choice "spouse"
	Label *Text  `json:"label,omitempty"` // shown instead of the value when set
}

// Previous says which cell of which earlier report a SourcePrevious cell copies.
type Previous struct {
	// Cell is the cell of the same form's accepted report for the previous period.
	Cell string `json:"cell"`
	// WithinYear: in the first period of a calendar year the value is 0 (STI-107's 209:
	// «за первый квартал указывается цифра "0"»).
	WithinYear bool `json:"within_year,omitempty"`
}

// CheckRule is a rule over cells that must hold: Expr evaluates to true. Rule IDs are
// stable snake_case codes the API shows (e.g. "c208_le_c207").
type CheckRule struct {
	ID      string `json:"id"`
	Expr    string `json:"expr"`
	Cell    string `json:"cell,omitempty"` // the cell the error is reported on; default: the cell or column holding the check
	Message Text   `json:"message"`
}

// Cell is one cell of the form, or one column of a table (then Number is the
// column's number as printed, "11", and formulas refer to the row's columns).
type Cell struct {
	Number  string `json:"number"`            // as printed: "050", "102"
	Section string `json:"section,omitempty"` // a Section.ID
	Label   Text   `json:"label"`
	Kind    Kind   `json:"kind"`
	Source  Source `json:"source"`

	Registry string    `json:"registry,omitempty"` // SourceRegistry: inn, name or office
	Formula  string    `json:"formula,omitempty"`  // SourceComputed
	Previous *Previous `json:"previous,omitempty"` // SourcePrevious

	// Choices are the allowed values: required for a choice cell, optional for others
	// (a rate cell lists the rates the form allows).
	Choices []Choice `json:"choices,omitempty"`

	Required  bool   `json:"required,omitempty"`   // must not be empty
	Min       string `json:"min,omitempty"`        // money/rate/integer: inclusive bound, in the kind's wire form
	Max       string `json:"max,omitempty"`        // same
	MaxLength int    `json:"max_length,omitempty"` // text: characters (runes)
	Pattern   string `json:"pattern,omitempty"`    // text: a Go regexp the whole value must match

	Checks []CheckRule `json:"checks,omitempty"`
}

// Table is a repeating table (STI-161's Section III, one row per employee).
type Table struct {
	Name    string      `json:"name"` // used in expressions and on the wire: "employees"
	Section string      `json:"section,omitempty"`
	Label   Text        `json:"label"`
	MinRows int         `json:"min_rows,omitempty"`
	MaxRows int         `json:"max_rows"`
	Columns []Cell      `json:"columns"`
	Checks  []CheckRule `json:"checks,omitempty"` // per row
}

// Definition is one version of one report form.
type Definition struct {
	Code        string      `json:"code"`    // "STI-107"
	Version     int         `json:"version"` // 3 for STI-107_3
	Title       Text        `json:"title"`
	ApprovedBy  Text        `json:"approved_by"`
	Provisional bool        `json:"provisional,omitempty"` // not yet the official layout (STI-155 v1)
	ValidFrom   string      `json:"valid_from"`            // first period it applies to, in PeriodKind's format
	ValidTo     string      `json:"valid_to,omitempty"`    // last period, if superseded; empty: open
	Filers      []string    `json:"filers"`                // taxpayer kinds: individual, entrepreneur, legal
	PeriodKind  PeriodKind  `json:"period_kind"`
	Due         DueRule     `json:"due"`
	Types       []Type      `json:"types"`
	Sections    []Section   `json:"sections"`
	Cells       []Cell      `json:"cells"`
	Tables      []Table     `json:"tables,omitempty"`
	Checks      []CheckRule `json:"checks,omitempty"` // form-wide checks over cells
	// Notes record, for maintainers (English), what the official texts did not confirm
	// and the project chose instead.
	Notes []string `json:"notes,omitempty"`

	prog *program // compiled by Parse/Validate
}

// ID is the form version's name as printed: "STI-107_3".
func (d *Definition) ID() string { return fmt.Sprintf("%s_%d", d.Code, d.Version) }

// Cell returns the form's cell with the number, or nil.
func (d *Definition) Cell(number string) *Cell {
	for i := range d.Cells {
		if d.Cells[i].Number == number {
			return &d.Cells[i]
		}
	}
	return nil
}

// Table returns the table with the name, or nil.
func (d *Definition) Table(name string) *Table {
	for i := range d.Tables {
		if d.Tables[i].Name == name {
			return &d.Tables[i]
		}
	}
	return nil
}

// Column returns the table's column with the number, or nil.
func (t *Table) Column(number string) *Cell {
	for i := range t.Columns {
		if t.Columns[i].Number == number {
			return &t.Columns[i]
		}
	}
	return nil
}

// Parse reads one definition file and validates it (Validate). Unknown fields are
// an error, so a typo in a definition does not pass silently.
func Parse(data []byte) (*Definition, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Definition
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("form: definition: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("form: definition: data after the JSON object")
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

var (
	codeRE   = regexp.MustCompile(`^STI-[0-9]{3}$`)
	numberRE = regexp.MustCompile(`^[0-9]{1,4}$`)
	nameRE   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	ruleRE   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// Validate checks the definition's shape and compiles every formula and check; an
// error names the form version and the cell, column or check at fault.
func (d *Definition) Validate() error {
	if err := d.validate(); err != nil {
		return fmt.Errorf("form: %s_%d: %w", d.Code, d.Version, err)
	}
	return nil
}

func (d *Definition) validate() error {
	if !codeRE.MatchString(d.Code) {
		return fmt.Errorf("code %q: want STI-NNN", d.Code)
	}
	if d.Version < 1 {
		return fmt.Errorf("version %d: want a positive integer", d.Version)
	}
	if err := d.Title.need("title"); err != nil {
		return err
	}
	if err := d.ApprovedBy.need("approved_by"); err != nil {
		return err
	}
	switch d.PeriodKind {
	case Month, Quarter, Year:
	default:
		return fmt.Errorf("period_kind %q: want month, quarter or year", d.PeriodKind)
	}
	from, err := ParsePeriod(d.PeriodKind, d.ValidFrom)
	if err != nil {
		return fmt.Errorf("valid_from: %w", err)
	}
	if d.ValidTo != "" {
		to, err := ParsePeriod(d.PeriodKind, d.ValidTo)
		if err != nil {
			return fmt.Errorf("valid_to: %w", err)
		}
		if to.Before(from) {
			return fmt.Errorf("valid_to %s is before valid_from %s", d.ValidTo, d.ValidFrom)
		}
	}
	if len(d.Filers) == 0 {
		return fmt.Errorf("filers: none")
	}
	for _, f := range d.Filers {
		switch f {
		case "individual", "entrepreneur", "legal":
		default:
			return fmt.Errorf("filers: %q: want individual, entrepreneur or legal", f)
		}
	}
	if d.Due.MonthOffset < 0 || d.Due.MonthOffset > 24 || d.Due.Day < 1 || d.Due.Day > 31 {
		return fmt.Errorf("due: month_offset 0…24 and day 1…31 expected, got %d and %d", d.Due.MonthOffset, d.Due.Day)
	}
	if len(d.Types) == 0 {
		return fmt.Errorf("types: none")
	}
	seenType := map[Type]bool{}
	for _, t := range d.Types {
		switch t {
		case Initial, Correction, Liquidation:
		default:
			return fmt.Errorf("types: %q: want initial, correction or liquidation", t)
		}
		if seenType[t] {
			return fmt.Errorf("types: %q twice", t)
		}
		seenType[t] = true
	}
	if !seenType[Initial] {
		return fmt.Errorf("types: initial is missing")
	}
	sections := map[string]bool{}
	for _, s := range d.Sections {
		if s.ID == "" || sections[s.ID] {
			return fmt.Errorf("sections: id %q empty or twice", s.ID)
		}
		if err := s.Title.need("section " + s.ID + " title"); err != nil {
			return err
		}
		sections[s.ID] = true
	}
	if len(d.Cells) == 0 {
		return fmt.Errorf("cells: none")
	}
	seen := map[string]bool{}
	for i := range d.Cells {
		c := &d.Cells[i]
		if seen[c.Number] {
			return fmt.Errorf("cell %s: defined twice", c.Number)
		}
		seen[c.Number] = true
		if err := c.validate(sections, false); err != nil {
			return fmt.Errorf("cell %s: %w", c.Number, err)
		}
	}
	tables := map[string]bool{}
	for i := range d.Tables {
		t := &d.Tables[i]
		if !nameRE.MatchString(t.Name) || t.Name == "form" || tables[t.Name] {
			return fmt.Errorf("table %q: want a unique lower-case name", t.Name)
		}
		tables[t.Name] = true
		if t.Section != "" && !sections[t.Section] {
			return fmt.Errorf("table %s: unknown section %q", t.Name, t.Section)
		}
		if err := t.Label.need("table " + t.Name + " label"); err != nil {
			return err
		}
		if t.MaxRows < 1 || t.MaxRows > 100000 || t.MinRows < 0 || t.MinRows > t.MaxRows {
			return fmt.Errorf("table %s: want 0 <= min_rows <= max_rows, 1 <= max_rows <= 100000", t.Name)
		}
		if len(t.Columns) == 0 {
			return fmt.Errorf("table %s: no columns", t.Name)
		}
		cols := map[string]bool{}
		for j := range t.Columns {
			c := &t.Columns[j]
			if cols[c.Number] {
				return fmt.Errorf("table %s column %s: defined twice", t.Name, c.Number)
			}
			cols[c.Number] = true
			if err := c.validate(sections, true); err != nil {
				return fmt.Errorf("table %s column %s: %w", t.Name, c.Number, err)
			}
		}
	}
	p, err := compile(d)
	if err != nil {
		return err
	}
	d.prog = p
	return nil
}

func (t Text) need(what string) error {
	if strings.TrimSpace(t.RU) == "" || strings.TrimSpace(t.KY) == "" {
		return fmt.Errorf("%s: both ru and ky are required", what)
	}
	return nil
}

func (c *Cell) validate(sections map[string]bool, column bool) error {
	if !numberRE.MatchString(c.Number) {
		return fmt.Errorf("number %q: want 1–4 digits as printed", c.Number)
	}
	if c.Section != "" && !sections[c.Section] {
		return fmt.Errorf("unknown section %q", c.Section)
	}
	if err := c.Label.need("label"); err != nil {
		return err
	}
	switch c.Kind {
	case KindMoney, KindRate, KindInteger, KindText, KindDate, KindChoice:
	default:
		return fmt.Errorf("kind %q: want money, rate, integer, text, date or choice", c.Kind)
	}
	switch c.Source {
	case SourceTyped, SourceComputed:
	case SourceRegistry, SourceHeader, SourcePrevious, SourcePeriodStart, SourcePeriodEnd, SourceReceipt:
		if column {
			return fmt.Errorf("source %q is for form cells, not table columns", c.Source)
		}
	case SourceRowNumber:
		if !column || c.Kind != KindInteger {
			return fmt.Errorf("source row_number is for an integer table column")
		}
	default:
		return fmt.Errorf("source %q: unknown", c.Source)
	}
	if (c.Source == SourceComputed) != (c.Formula != "") {
		return fmt.Errorf("a formula goes with source computed, and only there")
	}
	if c.Source == SourceRegistry {
		switch c.Registry {
		case RegistryINN, RegistryName, RegistryOffice:
		default:
			return fmt.Errorf("registry %q: want inn, name or office", c.Registry)
		}
	} else if c.Registry != "" {
		return fmt.Errorf("registry goes with source registry only")
	}
	if c.Source == SourcePrevious {
		if c.Previous == nil || !numberRE.MatchString(c.Previous.Cell) {
			return fmt.Errorf("source previous needs previous.cell")
		}
	} else if c.Previous != nil {
		return fmt.Errorf("previous goes with source previous only")
	}
	if (c.Source == SourcePeriodStart || c.Source == SourcePeriodEnd || c.Source == SourceReceipt) && c.Kind != KindDate {
		return fmt.Errorf("source %s needs kind date", c.Source)
	}
	if c.Kind == KindChoice && len(c.Choices) == 0 {
		return fmt.Errorf("a choice cell needs choices")
	}
	vals := map[string]bool{}
	for _, ch := range c.Choices {
		v, err := canonicalValue(c.Kind, ch.Value)
		if err != nil || v == "" {
			return fmt.Errorf("choice %q: not a valid %s", ch.Value, c.Kind)
		}
		if vals[v] {
			return fmt.Errorf("choice %q twice", ch.Value)
		}
		vals[v] = true
		if ch.Label != nil {
			if err := ch.Label.need("choice " + ch.Value + " label"); err != nil {
				return err
			}
		}
	}
	for _, b := range []struct{ name, v string }{{"min", c.Min}, {"max", c.Max}} {
		if b.v == "" {
			continue
		}
		if c.Kind != KindMoney && c.Kind != KindRate && c.Kind != KindInteger {
			return fmt.Errorf("%s is for money, rate and integer cells", b.name)
		}
		if _, err := canonicalValue(c.Kind, b.v); err != nil {
			return fmt.Errorf("%s %q: %w", b.name, b.v, err)
		}
	}
	if c.MaxLength < 0 || (c.MaxLength > 0 || c.Pattern != "") && c.Kind != KindText {
		return fmt.Errorf("max_length and pattern are for text cells")
	}
	if c.Pattern != "" {
		if _, err := regexp.Compile(`^(?:` + c.Pattern + `)$`); err != nil {
			return fmt.Errorf("pattern: %w", err)
		}
	}
	for _, ch := range c.Checks {
		if err := ch.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (ch CheckRule) validate() error {
	if !ruleRE.MatchString(ch.ID) {
		return fmt.Errorf("check %q: id must be snake_case", ch.ID)
	}
	if ch.Expr == "" {
		return fmt.Errorf("check %s: empty expr", ch.ID)
	}
	return ch.Message.need("check " + ch.ID + " message")
}

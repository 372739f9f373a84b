package form

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"kabinet"
	"kabinet/i18n"
	"kabinet/money"
)

// Input is a report as the wire carries it (SPEC "Filing details"): the type (field
// 001), the period, the cells by number and the tables' rows by column number, every
// value a string.
type Input struct {
	Form    string                         `json:"form,omitempty"`    // "STI-107"
	Version int                            `json:"version,omitempty"` // optional: a named version
	Type    Type                           `json:"type"`
	Period  string                         `json:"period"`
	Cells   map[string]string              `json:"cells"`
	Tables  map[string][]map[string]string `json:"tables,omitempty"`
}

// Context is what the cabinet knows beside the input.
type Context struct {
	// Registry holds the subject's registry fields: RegistryINN, RegistryName,
	// RegistryOffice.
	Registry map[string]string
	// Previous holds the cells of the subject's accepted reports of this form, by
	// period ("2026-Q1"); SourcePrevious cells read them (PreviousPeriod says which).
	// A period with no accepted report counts as 0.
	Previous map[string]map[string]string
	// Received, when set, fills SourceReceipt cells (901) with its date in Bishkek.
	Received time.Time
	// Human accepts money as people type it on pages ("1 234,56"); the API and the
	// upload format use the strict wire form.
	Human bool
}

// Result is the canonical filled report: every cell of the form (computed ones
// included, empty ones as ""), every table row with every column, in canonical
// string form.
type Result struct {
	Form    string                         `json:"form"`
	Version int                            `json:"version"`
	Type    Type                           `json:"type"`
	Period  string                         `json:"period"`
	Cells   map[string]string              `json:"cells"`
	Tables  map[string][]map[string]string `json:"tables"`
}

// Canonical is the report's stable serialization: JSON with the fields in a fixed
// order and map keys sorted. The filing stores its SHA-256 (FIL-6).
func (r Result) Canonical() []byte {
	if r.Tables == nil {
		r.Tables = map[string][]map[string]string{}
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return b
}

// Digest is the SHA-256 of Canonical.
func (r Result) Digest() [32]byte { return sha256.Sum256(r.Canonical()) }

// CellError is one failed rule of input control (FIL-4).
type CellError struct {
	Cell   string            `json:"cell,omitempty"`
	Table  string            `json:"table,omitempty"`
	Row    int               `json:"row,omitempty"` // 1-based, with Table
	Rule   string            `json:"rule"`          // stable snake_case code
	Params map[string]string `json:"params,omitempty"`
	// Text is the message of a definition's own check; other rules' messages are in
	// the i18n catalog under "form.rule.<rule>".
	Text *Text `json:"-"`
}

// Key is the i18n catalog key of the error's message.
func (e CellError) Key() string { return "form.rule." + e.Rule }

// Message is the error's text in lang.
func (e CellError) Message(lang i18n.Lang) string {
	if e.Text != nil {
		if lang == i18n.KY {
			return e.Text.KY
		}
		return e.Text.RU
	}
	kv := make([]string, 0, 2*len(e.Params)+6)
	kv = append(kv, "cell", e.Cell, "table", e.Table, "row", strconv.Itoa(e.Row))
	keys := make([]string, 0, len(e.Params))
	for k := range e.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kv = append(kv, k, e.Params[k])
	}
	return i18n.T(lang, e.Key(), kv...)
}

// PreviousPeriod is the period whose accepted report a SourcePrevious cell of d reads
// for period p, and false when the cell is 0 (the first period of the year for
// WithinYear cells).
func PreviousPeriod(c *Cell, p Period) (Period, bool) {
	if c.Previous == nil {
		return Period{}, false
	}
	if c.Previous.WithinYear && p.FirstOfYear() {
		return Period{}, false
	}
	return p.Prev(), true
}

// checker holds one run of input control.
type checker struct {
	d    *Definition
	p    *program
	ctx  Context
	errs []CellError
	env  env
	out  Result
}

func (k *checker) fail(e CellError) { k.errs = append(k.errs, e) }

// Check is input control (FIL-4): it fills the registry, period, previous and
// computed cells, recomputes every formula, and checks every kind, allowed value,
// constraint and check of the definition. It returns the canonical report and every
// error; the report may be accepted only when there is none.
func Check(d *Definition, in Input, ctx Context) (Result, []CellError) {
	if d.prog == nil {
		if err := d.Validate(); err != nil {
			return Result{}, []CellError{{Rule: "invalid_definition", Params: map[string]string{"reason": err.Error()}}}
		}
	}
	k := &checker{d: d, p: d.prog, ctx: ctx}
	k.out = Result{Form: d.Code, Version: d.Version, Type: in.Type, Period: in.Period,
		Cells: make(map[string]string, len(d.Cells)), Tables: make(map[string][]map[string]string, len(d.Tables))}

	if !typeAllowed(d, in.Type) {
		k.fail(CellError{Cell: "001", Rule: "type_not_allowed", Params: map[string]string{"value": clip(string(in.Type))}})
	}
	period, err := ParsePeriod(d.PeriodKind, in.Period)
	periodOK := err == nil && d.Covers(period)
	if !periodOK {
		k.fail(CellError{Rule: "invalid_period", Params: map[string]string{"value": clip(in.Period)}})
	}

	for number := range in.Cells {
		if _, ok := k.p.cellIdx[number]; !ok {
			k.fail(CellError{Cell: clip(number), Rule: "unknown_cell"})
		}
	}
	k.env.cells = make([]slot, len(d.Cells))
	for i := range d.Cells {
		c := &d.Cells[i]
		sent, has := in.Cells[c.Number]
		k.env.cells[i] = k.fill(c, sent, has, period, periodOK, "", 0)
	}

	for name := range in.Tables {
		if _, ok := k.p.tableIdx[name]; !ok {
			k.fail(CellError{Table: clip(name), Rule: "unknown_table"})
		}
	}
	k.env.tables = make([][][]slot, len(d.Tables))
	for t := range d.Tables {
		tb := &d.Tables[t]
		rows := in.Tables[tb.Name]
		if len(rows) > tb.MaxRows {
			k.fail(CellError{Table: tb.Name, Rule: "too_many_rows", Params: map[string]string{"max": strconv.Itoa(tb.MaxRows)}})
			rows = rows[:tb.MaxRows]
		}
		if len(rows) < tb.MinRows {
			k.fail(CellError{Table: tb.Name, Rule: "too_few_rows", Params: map[string]string{"min": strconv.Itoa(tb.MinRows)}})
		}
		slots := make([][]slot, len(rows))
		k.fillRows(t, rows, slots, period, periodOK)
		k.env.tables[t] = slots
	}

	k.compute(in)
	k.checks()
	k.render()
	return k.out, k.errs
}

// parallelRows is the fewest rows a table needs for its rows to be read on several
// processors at once: a 500-row STI-161 spent half its input control reading its
// rows one after another (BENCH.md: < 5 ms).
const parallelRows = 128

// fillRows reads table t's rows into slots: on one goroutine, or for a large table in
// as many parts as there are processors, each part with its own error list. The lists
// are joined in row order afterwards, so the errors come out as one pass gives them.
func (k *checker) fillRows(t int, rows []map[string]string, slots [][]slot, period Period, periodOK bool) {
	parts := min(runtime.GOMAXPROCS(0), len(rows)/parallelRows)
	if parts <= 1 {
		k.fillRowRange(t, rows, slots, 0, len(rows), period, periodOK)
		return
	}
	sub := make([]checker, parts)
	var wg sync.WaitGroup
	for i := range sub {
		sub[i] = checker{d: k.d, p: k.p, ctx: k.ctx}
		lo, hi := len(rows)*i/parts, len(rows)*(i+1)/parts
		wg.Go(func() { sub[i].fillRowRange(t, rows, slots, lo, hi, period, periodOK) })
	}
	wg.Wait()
	for i := range sub {
		k.errs = append(k.errs, sub[i].errs...)
	}
}

// fillRowRange reads rows lo..hi-1 of table t: unknown columns, then each column.
// It only reads the checker's definition, program and context, and appends to its
// own errors.
func (k *checker) fillRowRange(t int, rows []map[string]string, slots [][]slot, lo, hi int, period Period, periodOK bool) {
	tb := &k.d.Tables[t]
	for r := lo; r < hi; r++ {
		row := rows[r]
		for number := range row {
			if _, ok := k.p.colIdx[t][number]; !ok {
				k.fail(CellError{Cell: clip(number), Table: tb.Name, Row: r + 1, Rule: "unknown_cell"})
			}
		}
		slots[r] = make([]slot, len(tb.Columns))
		for j := range tb.Columns {
			c := &tb.Columns[j]
			sent, has := row[c.Number]
			slots[r][j] = k.fill(c, sent, has, period, periodOK, tb.Name, r+1)
		}
	}
}

func typeAllowed(d *Definition, t Type) bool {
	for _, a := range d.Types {
		if a == t {
			return true
		}
	}
	return false
}

// clip keeps echoed input short and valid in error parameters.
func clip(s string) string {
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // replaces invalid bytes with U+FFFD
	}
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}

// fill reads one cell (or one row's column) from the input or from the context.
func (k *checker) fill(c *Cell, sent string, has bool, period Period, periodOK bool, table string, row int) slot {
	e := func(rule string, params map[string]string) slot {
		k.fail(CellError{Cell: c.Number, Table: table, Row: row, Rule: rule, Params: params})
		return slot{bad: true, v: value{t: kindType(c.Kind)}}
	}
	// fixed: a value the cabinet fills; a sent value must be the same.
	fixed := func(v string) slot {
		canon, d, err := parseValue(c.Kind, v, false)
		if err != nil {
			canon, d = v, dec{s: scaleOf(c.Kind)}
		}
		if has && sent != "" {
			got, _, err := parseValue(c.Kind, sent, k.ctx.Human)
			if err != nil || got != canon {
				return e("not_editable", map[string]string{"expected": canon})
			}
		}
		return slot{v: value{t: kindType(c.Kind), s: canon, d: d}}
	}
	switch c.Source {
	case SourceRegistry:
		return fixed(k.ctx.Registry[c.Registry])
	case SourcePeriodStart, SourcePeriodEnd:
		if !periodOK {
			return slot{bad: true, v: value{t: tStr}}
		}
		d := period.First()
		if c.Source == SourcePeriodEnd {
			d = period.Last()
		}
		return fixed(d.ISO())
	case SourceReceipt:
		v := ""
		if !k.ctx.Received.IsZero() {
			v = kabinet.DateOf(k.ctx.Received).ISO()
		}
		return fixed(v)
	case SourcePrevious:
		if !periodOK {
			return slot{bad: true, v: value{t: kindType(c.Kind)}}
		}
		v := "0"
		if pp, ok := PreviousPeriod(c, period); ok {
			if prev, ok := k.ctx.Previous[pp.String()][c.Previous.Cell]; ok && prev != "" {
				v = prev
			}
		}
		return fixed(v)
	case SourceComputed:
		// Filled by compute; the sent value is compared there.
		return slot{v: value{t: kindType(c.Kind), d: dec{s: scaleOf(c.Kind)}}}
	case SourceRowNumber:
		return fixed(strconv.Itoa(row))
	}
	// typed, header
	if !has || sent == "" {
		if c.Required {
			return e("required", nil)
		}
		return slot{v: value{t: kindType(c.Kind), d: dec{s: scaleOf(c.Kind)}}}
	}
	if len(sent) > 10000 {
		return e("too_long", map[string]string{"max": "10000"})
	}
	canon, d, err := parseValue(c.Kind, sent, k.ctx.Human)
	if err != nil {
		rule := "invalid_" + string(c.Kind)
		if errors.Is(err, money.ErrRange) {
			rule = "out_of_range"
		}
		return e(rule, map[string]string{"value": clip(sent)})
	}
	if canon == "" && c.Required {
		return e("required", nil)
	}
	if len(c.Choices) > 0 && canon != "" && !k.p.choices[c][canon] {
		return e("not_allowed", map[string]string{"value": clip(canon)})
	}
	if b, ok := k.p.bounds[c]; ok && canon != "" {
		if b.hasMin && d.cmp(b.min) < 0 {
			return e("below_min", map[string]string{"min": c.Min})
		}
		if b.hasMax && d.cmp(b.max) > 0 {
			return e("above_max", map[string]string{"max": c.Max})
		}
	}
	if c.MaxLength > 0 && utf8.RuneCountInString(canon) > c.MaxLength {
		return e("too_long", map[string]string{"max": strconv.Itoa(c.MaxLength)})
	}
	if c.Pattern != "" && canon != "" {
		re := k.p.patterns[c.Pattern]
		if !re.MatchString(canon) {
			return e("pattern_mismatch", nil)
		}
	}
	return slot{v: value{t: kindType(c.Kind), s: canon, d: d}}
}

// compute evaluates the formulas in dependency order and compares sent values.
func (k *checker) compute(in Input) {
	for _, r := range k.p.order {
		if r.table < 0 {
			c := &k.d.Cells[r.idx]
			sent, has := in.Cells[c.Number]
			k.env.cells[r.idx] = k.computeOne(c, k.p.cellFn[r.idx], sent, has, "", 0)
			continue
		}
		tb := &k.d.Tables[r.table]
		c := &tb.Columns[r.idx]
		rows := in.Tables[tb.Name]
		for row := range k.env.tables[r.table] {
			k.env.row = row
			sent, has := rows[row][c.Number]
			k.env.tables[r.table][row][r.idx] = k.computeOne(c, k.p.colFn[r.table][r.idx], sent, has, tb.Name, row+1)
		}
	}
}

func (k *checker) computeOne(c *Cell, fn node, sent string, has bool, table string, row int) slot {
	v, err := fn(&k.env)
	if errors.Is(err, errSkip) {
		return slot{bad: true, v: value{t: kindType(c.Kind)}}
	}
	fail := func(rule string, params map[string]string) slot {
		k.fail(CellError{Cell: c.Number, Table: table, Row: row, Rule: rule, Params: params})
		return slot{bad: true, v: value{t: kindType(c.Kind)}}
	}
	if err != nil {
		return fail("formula_error", map[string]string{"reason": err.Error()})
	}
	var out slot
	if numeric(c.Kind) {
		s, d, err := formatDec(c.Kind, v.d)
		if err != nil {
			return fail("out_of_range", nil)
		}
		out = slot{v: value{t: tNum, s: s, d: d}}
	} else {
		canon, _, err := parseValue(c.Kind, v.s, false)
		if err != nil {
			return fail("formula_error", map[string]string{"reason": "invalid " + string(c.Kind)})
		}
		out = slot{v: value{t: tStr, s: canon}}
	}
	if has && sent != "" {
		got, _, err := parseValue(c.Kind, sent, k.ctx.Human)
		if err != nil || got != out.v.s {
			k.fail(CellError{Cell: c.Number, Table: table, Row: row, Rule: "computed_mismatch",
				Params: map[string]string{"value": clip(sent), "expected": out.v.s}})
		}
	}
	return out
}

func (k *checker) checks() {
	run := func(ch *compiledCheck, table string, row int) {
		v, err := ch.fn(&k.env)
		if errors.Is(err, errSkip) {
			return
		}
		if err != nil {
			k.fail(CellError{Cell: ch.report, Table: table, Row: row, Rule: "formula_error", Params: map[string]string{"reason": err.Error()}})
			return
		}
		if !v.b {
			msg := ch.Message
			k.fail(CellError{Cell: ch.report, Table: table, Row: row, Rule: ch.ID, Text: &msg})
		}
	}
	for i := range k.p.formChecks {
		run(&k.p.formChecks[i], "", 0)
	}
	for t := range k.d.Tables {
		for row := range k.env.tables[t] {
			k.env.row = row
			for i := range k.p.rowChecks[t] {
				run(&k.p.rowChecks[t][i], k.d.Tables[t].Name, row+1)
			}
		}
	}
}

// render writes the canonical report from the slots.
func (k *checker) render() {
	for i := range k.d.Cells {
		k.out.Cells[k.d.Cells[i].Number] = k.env.cells[i].v.s
	}
	for t := range k.d.Tables {
		tb := &k.d.Tables[t]
		rows := make([]map[string]string, len(k.env.tables[t]))
		for r, slots := range k.env.tables[t] {
			m := make(map[string]string, len(tb.Columns))
			for j := range tb.Columns {
				m[tb.Columns[j].Number] = slots[j].v.s
			}
			rows[r] = m
		}
		k.out.Tables[tb.Name] = rows
	}
}

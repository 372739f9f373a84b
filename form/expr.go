package form

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
)

// The evaluator: formulas and checks are parsed once, with go/parser.ParseExpr, into
// closures over the slots of a report; the slots hold exact decimals.

type vtype uint8

const (
	tNum vtype = iota + 1
	tStr
	tBool
)

func (t vtype) String() string {
	switch t {
	case tNum:
		return "number"
	case tStr:
		return "string"
	}
	return "bool"
}

type value struct {
	t vtype
	d dec
	s string
	b bool
}

// slot is a cell's value in a report being checked; bad marks a cell that failed
// input control, so that formulas and checks over it are skipped rather than
// reported a second time.
type slot struct {
	v   value
	bad bool
}

// errSkip: the expression read a bad cell; nothing more to report.
var errSkip = errors.New("skip")

type env struct {
	cells  []slot
	tables [][][]slot // table → row → column
	row    int        // the row of the column or check being evaluated
	aggRow int        // the row an aggregate is visiting
}

type node func(e *env) (value, error)

// ref names a cell (table -1) or a table column.
type ref struct{ table, idx int }

type compiledCheck struct {
	CheckRule
	fn     node
	holder ref // the cell or column holding the check (idx -1: form-wide or table-wide)
	report string
}

type program struct {
	cellIdx  map[string]int
	tableIdx map[string]int
	colIdx   []map[string]int

	cellFn []node   // per cell: the formula, or nil
	colFn  [][]node // per table, per column
	order  []ref    // computed cells and columns, dependencies first

	patterns map[string]*regexp.Regexp // text cells' patterns, anchored
	choices  map[*Cell]map[string]bool // cells' allowed values, canonical
	bounds   map[*Cell]bounds          // numeric cells' Min and Max, parsed once

	formChecks []compiledCheck // cell checks and form checks
	rowChecks  [][]compiledCheck
}

// bounds are a numeric cell's Min and Max as values (the input control compares every
// row's cell with them).
type bounds struct {
	min, max       dec
	hasMin, hasMax bool
}

var cellNameRE = regexp.MustCompile(`^c([0-9]{1,4})$`)

func compile(d *Definition) (*program, error) {
	p := &program{cellIdx: map[string]int{}, tableIdx: map[string]int{}, patterns: map[string]*regexp.Regexp{}}
	p.choices = map[*Cell]map[string]bool{}
	p.bounds = map[*Cell]bounds{}
	addPattern := func(c *Cell) {
		if numeric(c.Kind) && (c.Min != "" || c.Max != "") {
			var b bounds
			if c.Min != "" {
				_, b.min, _ = parseValue(c.Kind, c.Min, false) // validated before
				b.hasMin = true
			}
			if c.Max != "" {
				_, b.max, _ = parseValue(c.Kind, c.Max, false)
				b.hasMax = true
			}
			p.bounds[c] = b
		}
		if len(c.Choices) > 0 {
			set := make(map[string]bool, len(c.Choices))
			for _, ch := range c.Choices {
				v, _ := canonicalValue(c.Kind, ch.Value) // validated before
				set[v] = true
			}
			p.choices[c] = set
		}
		if c.Pattern != "" {
			p.patterns[c.Pattern] = regexp.MustCompile(`^(?:` + c.Pattern + `)$`) // validated before
		}
	}
	for i := range d.Cells {
		p.cellIdx[d.Cells[i].Number] = i
		addPattern(&d.Cells[i])
	}
	p.colIdx = make([]map[string]int, len(d.Tables))
	p.colFn = make([][]node, len(d.Tables))
	p.rowChecks = make([][]compiledCheck, len(d.Tables))
	for t, tb := range d.Tables {
		p.tableIdx[tb.Name] = t
		p.colIdx[t] = map[string]int{}
		for j := range tb.Columns {
			p.colIdx[t][tb.Columns[j].Number] = j
			addPattern(&tb.Columns[j])
		}
		p.colFn[t] = make([]node, len(tb.Columns))
	}
	deps := map[ref]map[ref]bool{}
	p.cellFn = make([]node, len(d.Cells))
	for i, c := range d.Cells {
		if c.Formula != "" {
			cc := &cctx{d: d, p: p, table: -1, agg: -1, deps: map[ref]bool{}}
			fn, err := cc.formula(c.Formula, c.Kind)
			if err != nil {
				return nil, fmt.Errorf("cell %s: formula %q: %w", c.Number, c.Formula, err)
			}
			p.cellFn[i] = fn
			deps[ref{-1, i}] = cc.deps
		}
		for _, ch := range c.Checks {
			cc := &cctx{d: d, p: p, table: -1, agg: -1, deps: map[ref]bool{}}
			fn, err := cc.check(ch.Expr)
			if err != nil {
				return nil, fmt.Errorf("cell %s: check %s: %w", c.Number, ch.ID, err)
			}
			rep := c.Number
			if ch.Cell != "" {
				if _, ok := p.cellIdx[ch.Cell]; !ok {
					return nil, fmt.Errorf("cell %s: check %s: unknown cell %s", c.Number, ch.ID, ch.Cell)
				}
				rep = ch.Cell
			}
			p.formChecks = append(p.formChecks, compiledCheck{ch, fn, ref{-1, i}, rep})
		}
	}
	for _, ch := range d.Checks {
		if err := ch.validate(); err != nil {
			return nil, err
		}
		cc := &cctx{d: d, p: p, table: -1, agg: -1, deps: map[ref]bool{}}
		fn, err := cc.check(ch.Expr)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", ch.ID, err)
		}
		if ch.Cell != "" {
			if _, ok := p.cellIdx[ch.Cell]; !ok {
				return nil, fmt.Errorf("check %s: unknown cell %s", ch.ID, ch.Cell)
			}
		}
		p.formChecks = append(p.formChecks, compiledCheck{ch, fn, ref{-1, -1}, ch.Cell})
	}
	for t, tb := range d.Tables {
		for j, c := range tb.Columns {
			if c.Formula != "" {
				cc := &cctx{d: d, p: p, table: t, agg: -1, deps: map[ref]bool{}}
				fn, err := cc.formula(c.Formula, c.Kind)
				if err != nil {
					return nil, fmt.Errorf("table %s column %s: formula %q: %w", tb.Name, c.Number, c.Formula, err)
				}
				p.colFn[t][j] = fn
				deps[ref{t, j}] = cc.deps
			}
			for _, ch := range c.Checks {
				cc := &cctx{d: d, p: p, table: t, agg: -1, deps: map[ref]bool{}}
				fn, err := cc.check(ch.Expr)
				if err != nil {
					return nil, fmt.Errorf("table %s column %s: check %s: %w", tb.Name, c.Number, ch.ID, err)
				}
				rep := c.Number
				if ch.Cell != "" {
					if _, ok := p.colIdx[t][ch.Cell]; !ok {
						return nil, fmt.Errorf("table %s column %s: check %s: unknown column %s", tb.Name, c.Number, ch.ID, ch.Cell)
					}
					rep = ch.Cell
				}
				p.rowChecks[t] = append(p.rowChecks[t], compiledCheck{ch, fn, ref{t, j}, rep})
			}
		}
		for _, ch := range tb.Checks {
			if err := ch.validate(); err != nil {
				return nil, fmt.Errorf("table %s: %w", tb.Name, err)
			}
			cc := &cctx{d: d, p: p, table: t, agg: -1, deps: map[ref]bool{}}
			fn, err := cc.check(ch.Expr)
			if err != nil {
				return nil, fmt.Errorf("table %s: check %s: %w", tb.Name, ch.ID, err)
			}
			if ch.Cell != "" {
				if _, ok := p.colIdx[t][ch.Cell]; !ok {
					return nil, fmt.Errorf("table %s: check %s: unknown column %s", tb.Name, ch.ID, ch.Cell)
				}
			}
			p.rowChecks[t] = append(p.rowChecks[t], compiledCheck{ch, fn, ref{t, -1}, ch.Cell})
		}
	}
	order, err := topo(d, deps)
	if err != nil {
		return nil, err
	}
	p.order = order
	return p, nil
}

// topo orders computed cells and columns so that each comes after what it reads; a
// cycle is a load error.
func topo(d *Definition, deps map[ref]map[ref]bool) ([]ref, error) {
	var order []ref
	state := map[ref]int{} // 1 visiting, 2 done
	name := func(r ref) string {
		if r.table < 0 {
			return "cell " + d.Cells[r.idx].Number
		}
		return "table " + d.Tables[r.table].Name + " column " + d.Tables[r.table].Columns[r.idx].Number
	}
	var visit func(r ref) error
	visit = func(r ref) error {
		switch state[r] {
		case 1:
			return fmt.Errorf("%s: formula depends on itself", name(r))
		case 2:
			return nil
		}
		state[r] = 1
		for _, dep := range sortedRefs(deps[r]) {
			if _, computed := deps[dep]; computed {
				if err := visit(dep); err != nil {
					return err
				}
			}
		}
		state[r] = 2
		order = append(order, r)
		return nil
	}
	// Visit in definition order, so the order is stable.
	for i := range d.Cells {
		if _, ok := deps[ref{-1, i}]; ok {
			if err := visit(ref{-1, i}); err != nil {
				return nil, err
			}
		}
	}
	for t := range d.Tables {
		for j := range d.Tables[t].Columns {
			if _, ok := deps[ref{t, j}]; ok {
				if err := visit(ref{t, j}); err != nil {
					return nil, err
				}
			}
		}
	}
	return order, nil
}

func sortedRefs(m map[ref]bool) []ref {
	out := make([]ref, 0, len(m))
	for r := range m {
		out = append(out, r)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].table < out[j-1].table || out[j].table == out[j-1].table && out[j].idx < out[j-1].idx); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// cctx is the compiler's context: the table whose row a column formula sees (-1:
// none) and the table an aggregate visits (-1: none).
type cctx struct {
	d     *Definition
	p     *program
	table int
	agg   int
	deps  map[ref]bool
}

func (c *cctx) parse(src string) (ast.Expr, error) {
	if len(src) > 4000 {
		return nil, fmt.Errorf("longer than 4000 characters")
	}
	return parser.ParseExpr(src)
}

func (c *cctx) formula(src string, k Kind) (node, error) {
	e, err := c.parse(src)
	if err != nil {
		return nil, err
	}
	fn, t, err := c.expr(e)
	if err != nil {
		return nil, err
	}
	want := tStr
	if numeric(k) {
		want = tNum
	}
	if t != want {
		return nil, fmt.Errorf("gives a %s for a %s cell", t, k)
	}
	return fn, nil
}

func (c *cctx) check(src string) (node, error) {
	e, err := c.parse(src)
	if err != nil {
		return nil, err
	}
	fn, t, err := c.expr(e)
	if err != nil {
		return nil, err
	}
	if t != tBool {
		return nil, fmt.Errorf("a check must be a condition, not a %s", t)
	}
	return fn, nil
}

func kindType(k Kind) vtype {
	if numeric(k) {
		return tNum
	}
	return tStr
}

func (c *cctx) expr(e ast.Expr) (node, vtype, error) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.expr(e.X)
	case *ast.BasicLit:
		return c.literal(e)
	case *ast.Ident:
		switch e.Name {
		case "true", "false":
			v := value{t: tBool, b: e.Name == "true"}
			return func(*env) (value, error) { return v, nil }, tBool, nil
		}
		m := cellNameRE.FindStringSubmatch(e.Name)
		if m == nil {
			return nil, 0, fmt.Errorf("unknown name %s (cells are c + number: c203)", e.Name)
		}
		if c.table >= 0 {
			return c.column(c.table, m[1], false)
		}
		return c.cell(m[1])
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		m := cellNameRE.FindStringSubmatch(e.Sel.Name)
		if !ok || m == nil {
			return nil, 0, fmt.Errorf("unknown name %s", exprString(e))
		}
		if x.Name == "form" {
			return c.cell(m[1])
		}
		t, ok := c.p.tableIdx[x.Name]
		if !ok {
			return nil, 0, fmt.Errorf("unknown table %s", x.Name)
		}
		if c.agg != t {
			return nil, 0, fmt.Errorf("%s names a table column: use it inside sum, sumif, countif", exprString(e))
		}
		return c.column(t, m[1], true)
	case *ast.UnaryExpr:
		x, t, err := c.expr(e.X)
		if err != nil {
			return nil, 0, err
		}
		switch {
		case e.Op == token.SUB && t == tNum:
			return func(en *env) (value, error) {
				v, err := x(en)
				return value{t: tNum, d: v.d.neg()}, err
			}, tNum, nil
		case e.Op == token.ADD && t == tNum:
			return x, tNum, nil
		case e.Op == token.NOT && t == tBool:
			return func(en *env) (value, error) {
				v, err := x(en)
				return value{t: tBool, b: !v.b}, err
			}, tBool, nil
		}
		return nil, 0, fmt.Errorf("operator %s does not apply to a %s", e.Op, t)
	case *ast.BinaryExpr:
		return c.binary(e)
	case *ast.CallExpr:
		return c.call(e)
	}
	return nil, 0, fmt.Errorf("unsupported expression %s", exprString(e))
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return fmt.Sprintf("%T", e)
}

var decimalLitRE = regexp.MustCompile(`^([0-9]+)(?:\.([0-9]{1,8}))?$`)

func (c *cctx) literal(e *ast.BasicLit) (node, vtype, error) {
	switch e.Kind {
	case token.INT, token.FLOAT:
		m := decimalLitRE.FindStringSubmatch(e.Value)
		if m == nil || len(m[1]) > 15 {
			return nil, 0, fmt.Errorf("number %s: want plain decimal digits", e.Value)
		}
		n, _ := strconv.ParseInt(m[1]+m[2], 10, 64)
		v := value{t: tNum, d: dec{n: n, s: int32(len(m[2]))}}
		return func(*env) (value, error) { return v, nil }, tNum, nil
	case token.STRING:
		s, err := strconv.Unquote(e.Value)
		if err != nil {
			return nil, 0, err
		}
		v := value{t: tStr, s: s}
		return func(*env) (value, error) { return v, nil }, tStr, nil
	}
	return nil, 0, fmt.Errorf("unsupported literal %s", e.Value)
}

func (c *cctx) cell(number string) (node, vtype, error) {
	i, ok := c.p.cellIdx[number]
	if !ok {
		return nil, 0, fmt.Errorf("unknown cell %s", number)
	}
	c.deps[ref{-1, i}] = true
	return func(en *env) (value, error) {
		s := &en.cells[i]
		if s.bad {
			return value{}, errSkip
		}
		return s.v, nil
	}, kindType(c.d.Cells[i].Kind), nil
}

// column reads column number of table t: of the row being evaluated, or (agg) of
// the row an aggregate visits.
func (c *cctx) column(t int, number string, agg bool) (node, vtype, error) {
	j, ok := c.p.colIdx[t][number]
	if !ok {
		return nil, 0, fmt.Errorf("table %s has no column %s", c.d.Tables[t].Name, number)
	}
	c.deps[ref{t, j}] = true
	typ := kindType(c.d.Tables[t].Columns[j].Kind)
	if agg {
		return func(en *env) (value, error) {
			s := &en.tables[t][en.aggRow][j]
			if s.bad {
				return value{}, errSkip
			}
			return s.v, nil
		}, typ, nil
	}
	return func(en *env) (value, error) {
		s := &en.tables[t][en.row][j]
		if s.bad {
			return value{}, errSkip
		}
		return s.v, nil
	}, typ, nil
}

func (c *cctx) binary(e *ast.BinaryExpr) (node, vtype, error) {
	x, tx, err := c.expr(e.X)
	if err != nil {
		return nil, 0, err
	}
	y, ty, err := c.expr(e.Y)
	if err != nil {
		return nil, 0, err
	}
	switch e.Op {
	case token.ADD, token.SUB, token.MUL, token.QUO:
		if tx != tNum || ty != tNum {
			return nil, 0, fmt.Errorf("operator %s needs numbers", e.Op)
		}
		op := e.Op
		return func(en *env) (value, error) {
			l, err := x(en)
			if err != nil {
				return value{}, err
			}
			r, err := y(en)
			if err != nil {
				return value{}, err
			}
			switch op {
			case token.ADD:
				return value{t: tNum, d: l.d.add(r.d)}, nil
			case token.SUB:
				return value{t: tNum, d: l.d.sub(r.d)}, nil
			case token.MUL:
				return value{t: tNum, d: l.d.mul(r.d)}, nil
			}
			q, err := l.d.div(r.d)
			return value{t: tNum, d: q}, err
		}, tNum, nil
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		if tx != ty || tx == tBool || tx == tStr && e.Op != token.EQL && e.Op != token.NEQ {
			return nil, 0, fmt.Errorf("cannot compare a %s with a %s by %s", tx, ty, e.Op)
		}
		op := e.Op
		return func(en *env) (value, error) {
			l, err := x(en)
			if err != nil {
				return value{}, err
			}
			r, err := y(en)
			if err != nil {
				return value{}, err
			}
			var cmp int
			if l.t == tStr {
				if l.s != r.s {
					cmp = 1
				}
			} else {
				cmp = l.d.cmp(r.d)
			}
			var b bool
			switch op {
			case token.EQL:
				b = cmp == 0
			case token.NEQ:
				b = cmp != 0
			case token.LSS:
				b = cmp < 0
			case token.LEQ:
				b = cmp <= 0
			case token.GTR:
				b = cmp > 0
			default:
				b = cmp >= 0
			}
			return value{t: tBool, b: b}, nil
		}, tBool, nil
	case token.LAND, token.LOR:
		if tx != tBool || ty != tBool {
			return nil, 0, fmt.Errorf("operator %s needs conditions", e.Op)
		}
		and := e.Op == token.LAND
		return func(en *env) (value, error) {
			l, err := x(en)
			if err != nil {
				return value{}, err
			}
			if l.b != and { // short circuit: false && …, true || …
				return l, nil
			}
			return y(en)
		}, tBool, nil
	}
	return nil, 0, fmt.Errorf("unsupported operator %s", e.Op)
}

func (c *cctx) call(e *ast.CallExpr) (node, vtype, error) {
	id, ok := e.Fun.(*ast.Ident)
	if !ok || e.Ellipsis.IsValid() {
		return nil, 0, fmt.Errorf("unsupported call")
	}
	args := e.Args
	nargs := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%s takes %d arguments", id.Name, n)
		}
		return nil
	}
	switch id.Name {
	case "max", "min":
		if len(args) < 2 {
			return nil, 0, fmt.Errorf("%s takes two or more numbers", id.Name)
		}
		fns := make([]node, len(args))
		for i, a := range args {
			fn, t, err := c.expr(a)
			if err != nil {
				return nil, 0, err
			}
			if t != tNum {
				return nil, 0, fmt.Errorf("%s takes numbers", id.Name)
			}
			fns[i] = fn
		}
		want := 1
		if id.Name == "min" {
			want = -1
		}
		return func(en *env) (value, error) {
			best, err := fns[0](en)
			if err != nil {
				return value{}, err
			}
			for _, fn := range fns[1:] {
				v, err := fn(en)
				if err != nil {
					return value{}, err
				}
				if v.d.cmp(best.d) == want {
					best = v
				}
			}
			return best, nil
		}, tNum, nil
	case "abs":
		if err := nargs(1); err != nil {
			return nil, 0, err
		}
		fn, t, err := c.expr(args[0])
		if err != nil {
			return nil, 0, err
		}
		if t != tNum {
			return nil, 0, fmt.Errorf("abs takes a number")
		}
		return func(en *env) (value, error) {
			v, err := fn(en)
			if v.d.sign() < 0 {
				v.d = v.d.neg()
			}
			return v, err
		}, tNum, nil
	case "when":
		if err := nargs(3); err != nil {
			return nil, 0, err
		}
		cond, tc, err := c.expr(args[0])
		if err != nil {
			return nil, 0, err
		}
		a, ta, err := c.expr(args[1])
		if err != nil {
			return nil, 0, err
		}
		b, tb, err := c.expr(args[2])
		if err != nil {
			return nil, 0, err
		}
		if tc != tBool || ta != tb {
			return nil, 0, fmt.Errorf("when takes a condition and two values of one type")
		}
		return func(en *env) (value, error) {
			v, err := cond(en)
			if err != nil {
				return value{}, err
			}
			if v.b {
				return a(en)
			}
			return b(en)
		}, ta, nil
	case "row":
		if err := nargs(0); err != nil {
			return nil, 0, err
		}
		if c.table < 0 {
			return nil, 0, fmt.Errorf("row() is for table columns and checks")
		}
		return func(en *env) (value, error) {
			return value{t: tNum, d: dec{n: int64(en.row + 1)}}, nil
		}, tNum, nil
	case "sum", "sumif", "count", "countif":
		return c.aggregate(id.Name, args)
	}
	return nil, 0, fmt.Errorf("unknown function %s", id.Name)
}

// aggregate compiles sum(T.cX), sumif(T.cX, cond), count(T), countif(T, cond).
func (c *cctx) aggregate(name string, args []ast.Expr) (node, vtype, error) {
	if c.agg >= 0 {
		return nil, 0, fmt.Errorf("%s inside another aggregate", name)
	}
	want := 1
	if name == "sumif" || name == "countif" {
		want = 2
	}
	if len(args) != want {
		return nil, 0, fmt.Errorf("%s takes %d arguments", name, want)
	}
	var t int
	var val node
	if name == "sum" || name == "sumif" {
		sel, ok := args[0].(*ast.SelectorExpr)
		x, ok2 := func() (*ast.Ident, bool) {
			if !ok {
				return nil, false
			}
			i, ok := sel.X.(*ast.Ident)
			return i, ok
		}()
		if !ok || !ok2 {
			return nil, 0, fmt.Errorf("%s takes a table column: %s(table.c11…)", name, name)
		}
		ti, ok := c.p.tableIdx[x.Name]
		if !ok {
			return nil, 0, fmt.Errorf("unknown table %s", x.Name)
		}
		t = ti
		c.agg = t
		fn, typ, err := c.expr(sel)
		c.agg = -1
		if err != nil {
			return nil, 0, err
		}
		if typ != tNum {
			return nil, 0, fmt.Errorf("%s of a column that is not a number", name)
		}
		val = fn
	} else {
		id, ok := args[0].(*ast.Ident)
		if !ok {
			return nil, 0, fmt.Errorf("%s takes a table name", name)
		}
		ti, ok := c.p.tableIdx[id.Name]
		if !ok {
			return nil, 0, fmt.Errorf("unknown table %s", id.Name)
		}
		t = ti
		// count(T) depends on the table's rows: the first column stands for them.
		c.deps[ref{t, 0}] = true
	}
	var cond node
	if want == 2 {
		c.agg = t
		fn, typ, err := c.expr(args[1])
		c.agg = -1
		if err != nil {
			return nil, 0, err
		}
		if typ != tBool {
			return nil, 0, fmt.Errorf("%s's condition must be a condition", name)
		}
		cond = fn
	}
	return func(en *env) (value, error) {
		saved := en.aggRow
		defer func() { en.aggRow = saved }()
		total := dec{}
		for r := range en.tables[t] {
			en.aggRow = r
			if cond != nil {
				ok, err := cond(en)
				if err != nil {
					return value{}, err
				}
				if !ok.b {
					continue
				}
			}
			if val == nil {
				total = total.add(dec{n: 1})
				continue
			}
			v, err := val(en)
			if err != nil {
				return value{}, err
			}
			total = total.add(v.d)
		}
		return value{t: tNum, d: total}, nil
	}, tNum, nil
}

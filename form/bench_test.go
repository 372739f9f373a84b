package form

import (
	"fmt"
	"reflect"
	"runtime"
	"testing"
)

// fill500 is an STI-161_6 report with 500 employee rows, every typed column filled
// with a valid value of its kind.
func fill500(t testing.TB) (*Definition, Input) {
	d := def(t, "STI-161", 6)
	in := Input{Type: Initial, Period: "2026-01", Cells: map[string]string{}, Tables: map[string][]map[string]string{}}
	for _, c := range d.Cells {
		if c.Source == SourceTyped || c.Source == SourceHeader {
			in.Cells[c.Number] = sample(&c, 0)
		}
	}
	tb := d.Table("employees")
	for r := range 500 {
		row := map[string]string{}
		for _, c := range tb.Columns {
			if c.Source == SourceTyped {
				row[c.Number] = sample(&c, r)
			}
		}
		in.Tables[tb.Name] = append(in.Tables[tb.Name], row)
	}
	return d, in
}

func sample(c *Cell, r int) string {
	if len(c.Choices) > 0 {
		return c.Choices[0].Value
	}
	switch c.Kind {
	case KindMoney:
		return fmt.Sprintf("%d.%02d", 1000+r, r%100)
	case KindRate:
		return "10"
	case KindInteger:
		return "20"
	case KindDate:
		return "2026-01-15"
	}
	switch c.Pattern {
	case "[0-9]{14}":
		return fmt.Sprintf("2170519870%04d", r)
	case "[0-9]{3}":
		return "417"
	case "":
		return "Текст"
	}
	return ""
}

// TestCheck500Rows checks that the generated 500-row report is read whole and
// counted. Its speed (FIL-4: under 5 ms) is BENCH.md's to judge: `kabinet bench
// --scenarios filing` measures it, and BenchmarkCheck below reports it; a test
// asserting a duration would measure the neighbours on a shared machine.
func TestCheck500Rows(t *testing.T) {
	d, in := fill500(t)
	res, errs := Check(d, in, Context{Registry: registry})
	if len(res.Tables["employees"]) != 500 || res.Cells["203"] != "500" {
		t.Fatalf("rows %d, 203 = %q", len(res.Tables["employees"]), res.Cells["203"])
	}
	t.Logf("%d input-control errors on generated data (rules of the definition): %.200s", len(errs), rules(errs))
}

// A large table is read on several processors; its errors still come out in row order,
// the same list one processor gives, and the canonical rows are the same.
func TestCheckLargeTableErrorsInOrder(t *testing.T) {
	d, in := fill500(t)
	tb := d.Table("employees")
	rows := in.Tables[tb.Name]
	var money string
	for _, c := range tb.Columns {
		if c.Source == SourceTyped && c.Kind == KindMoney && money == "" {
			money = c.Number
		}
	}
	rows[2][money] = "12,3x"    // row 3: not an amount
	rows[2]["999"] = "x"        // row 3: no such column
	rows[250][money] = "-0.001" // row 251: three places
	rows[499]["998"] = "y"      // row 500: no such column
	run := func(procs int) (Result, []CellError) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return Check(d, in, Context{Registry: registry})
	}
	oneRes, one := run(1)
	manyRes, many := run(4)
	if !reflect.DeepEqual(one, many) {
		t.Errorf("errors on 4 processors:\n%v\non 1:\n%v", many, one)
	}
	if !reflect.DeepEqual(oneRes.Tables, manyRes.Tables) {
		t.Error("the canonical rows differ between 1 and 4 processors")
	}
	var got []string
	for _, e := range many {
		if e.Table == tb.Name {
			got = append(got, fmt.Sprintf("%d %s %s", e.Row, e.Cell, e.Rule))
		}
	}
	want := []string{"3 999 unknown_cell", "3 " + money + " invalid_money", "251 " + money + " invalid_money", "500 998 unknown_cell"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the table's errors: %q, want %q", got, want)
	}
}

func BenchmarkCheck(b *testing.B) {
	d, in := fill500(b)
	ctx := Context{Registry: registry}
	b.ReportAllocs()
	for b.Loop() {
		Check(d, in, ctx)
	}
}

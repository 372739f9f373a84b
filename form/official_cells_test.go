package form_test

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"kabinet/form"
)

// FIL-1: STI-091_8, STI-107_3 and STI-161_6 are encoded cell for cell from the
// official forms. The lists below are transcribed by hand from the text of the
// forms (shared/forms/*.form.txt, extracted from the PDFs beside them) — not
// derived from the definitions — so a missing, extra or misnumbered cell in a
// definition fails here, naming it.

// officialForm is one form's cell numbers as printed.
type officialForm struct {
	id string
	// types are the boxes of field 001 (field 001 is not a cell: Definition.Types).
	types []form.Type
	cells []string
	// tables: the repeating tables, by section, with their printed column numbers.
	tables map[string][]string
}

var official = []officialForm{
	{
		id: "STI-091_8",
		// shared/forms/STI-091_8.form.txt: line 5 (001: ПЕРВОНАЧАЛЬНЫЙ, УТОЧНЕННЫЙ,
		// ЛИКВИДАЦИОННЫЙ).
		types: []form.Type{form.Initial, form.Correction, form.Liquidation},
		cells: []string{
			// lines 9, 13: Section I
			"102", "103", "104", "105",
			// line 17: the tax period, from and to
			"201", "202",
			// lines 27–57: trade (А, Б) and the three paid-cash / paid-cashless groups
			"050", "051", "052",
			"053", "054", "055",
			"056", "057", "058",
			"059", // =055+058
			"060", "061", "062",
			"063", "064", "065",
			"066", // =062+065
			"067", "068", "069",
			"070", "071", "072",
			"073", // =069+072
			"074", "075", "076",
			"077", "078", "079",
			"080", // =076+079
			// lines 60–103: the single lines
			"130", "131", "132",
			"133", "134", "135",
			"136", "137", "138",
			"139", "140", "141",
			"142", "143", "144",
			"145", "146", "147",
			"148", "149", "150",
			"151", "152", "153",
			"154", "155", "156",
			"157", "158", "159",
			"160", "161", "162",
			"163", "164", "165",
			"166", "167", "168",
			"169", // =165+168
			"170", "171", "172",
			"173", "174", "175",
			"176", "177", "178",
			"179", "180", "181",
			// line 106: the total
			"182",
			// line 109: ПРИНЯТО НАЛОГОВЫМ ОРГАНОМ
			"901",
		},
	},
	{
		id: "STI-107_3",
		// shared/forms/STI-107_3.form.txt: line 7 (001: ПЕРВОНАЧАЛЬНЫЙ, УТОЧНЕННЫЙ only).
		types: []form.Type{form.Initial, form.Correction},
		cells: []string{
			// lines 10, 13: Section I
			"102", "103", "104", "105",
			// line 17: the tax period
			"201", "202",
			// line 40: Section II, columns 2–9
			"203", "204", "205", "206", "207", "208", "209", "210",
			// line 45: ВСЕГО СУММА НАЛОГА (=210)
			"211",
			// line 51
			"901",
		},
	},
	{
		id: "STI-161_6",
		// shared/forms/STI-161_6.form.txt: lines 5 and 10 (001: ПЕРВОНАЧАЛЬНЫЙ,
		// УТОЧНЕННЫЙ, ЛИКВИДАЦИОННЫЙ; the extraction repeats the line).
		types: []form.Type{form.Initial, form.Correction, form.Liquidation},
		cells: []string{
			// line 8: 102, 103; line 11: 104, 107 КОД ОКПО (there is no 105 on this form)
			"102", "103", "104", "107",
			// line 14: 117, 118, 119; line 16: 120 СМЗ, 121 УСМЗ
			"117", "118", "119", "120", "121",
			// line 17: the reporting period
			"201", "202",
			// lines 31–32: Section II, columns 1–12
			"203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213", "214",
			// line 73
			"901",
		},
		tables: map[string][]string{
			// line 50: Section III, ИНФОРМАЦИЯ ПО КАЖДОМУ РАБОТНИКУ
			"III": {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"},
			// line 59: Section IV, нерезиденты
			"IV": {"1", "2", "3", "4", "5", "6", "7", "8", "9"},
			// line 67: Section V, перевозка пассажиров и грузов, такси, курьеры
			"V": {"1", "2", "3", "4", "5", "6", "7"},
		},
	},
}

var (
	embeddedOnce sync.Once
	embedded     *form.Catalog
	embeddedErr  error
)

// loadOfficial returns a definition the binary ships (form.Embedded).
func loadOfficial(t *testing.T, id string) *form.Definition {
	t.Helper()
	embeddedOnce.Do(func() { embedded, embeddedErr = form.Embedded() })
	if embeddedErr != nil {
		t.Fatalf("embedded definitions: %v", embeddedErr)
	}
	code, n, ok := strings.Cut(id, "_")
	version, err := strconv.Atoi(n)
	if !ok || err != nil {
		t.Fatalf("bad form id %q", id)
	}
	d, err := embedded.Version(code, version)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return d
}

// diffSets reports the numbers of want missing from got and those of got not in want.
func diffSets(want, got []string) (missing, extra []string) {
	w := map[string]bool{}
	for _, n := range want {
		w[n] = true
	}
	g := map[string]bool{}
	for _, n := range got {
		g[n] = true
		if !w[n] {
			extra = append(extra, n)
		}
	}
	for _, n := range want {
		if !g[n] {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

func TestOfficialCells(t *testing.T) {
	for _, of := range official {
		t.Run("FIL-1 "+of.id, func(t *testing.T) {
			d := loadOfficial(t, of.id)

			if !slices.Equal(d.Types, of.types) {
				t.Errorf("field 001: types %v, the form has %v", d.Types, of.types)
			}

			var got []string
			seen := map[string]bool{}
			for _, c := range d.Cells {
				if seen[c.Number] {
					t.Errorf("cell %s defined twice", c.Number)
				}
				seen[c.Number] = true
				got = append(got, c.Number)
			}
			missing, extra := diffSets(of.cells, got)
			for _, n := range missing {
				t.Errorf("cell %s of the official form is missing", n)
			}
			for _, n := range extra {
				t.Errorf("cell %s is not on the official form", n)
			}

			bySection := map[string]*form.Table{}
			for i := range d.Tables {
				tb := &d.Tables[i]
				if bySection[tb.Section] != nil {
					t.Errorf("two tables in section %q", tb.Section)
				}
				bySection[tb.Section] = tb
			}
			for sec, cols := range of.tables {
				tb := bySection[sec]
				if tb == nil {
					t.Errorf("section %s: the form's table is missing", sec)
					continue
				}
				var got []string
				for _, c := range tb.Columns {
					got = append(got, c.Number)
				}
				missing, extra := diffSets(cols, got)
				for _, n := range missing {
					t.Errorf("section %s (%s): column %s of the official form is missing", sec, tb.Name, n)
				}
				for _, n := range extra {
					t.Errorf("section %s (%s): column %s is not on the official form", sec, tb.Name, n)
				}
				if !slices.Equal(got, cols) {
					t.Errorf("section %s (%s): columns in order %v, the form prints %v", sec, tb.Name, got, cols)
				}
			}
			for sec, tb := range bySection {
				if of.tables[sec] == nil {
					t.Errorf("table %s (section %q) is not on the official form", tb.Name, sec)
				}
			}
		})
	}
}

// Worked examples, computed by hand from the instructions and run through input
// control (form.Check, FIL-4).

var officialRegistry = map[string]string{
	form.RegistryINN:    "01234567890123",
	form.RegistryName:   "ОсОО «Ала-Тоо Сервис»",
	form.RegistryOffice: "001 УГНС по Ленинскому району г. Бишкек",
}

// wantCells requires the listed cells (table "" : form cells) of res to hold the values.
func wantCells(t *testing.T, got map[string]string, want map[string]string, where string) {
	t.Helper()
	for number, v := range want {
		if got[number] != v {
			t.Errorf("%scell %s = %q, want %q", where, number, got[number], v)
		}
	}
}

func noErrors(t *testing.T, errs []form.CellError) {
	t.Helper()
	for _, e := range errs {
		t.Errorf("unexpected error: cell %s table %q row %d rule %s %v", e.Cell, e.Table, e.Row, e.Rule, e.Params)
	}
}

// wantError requires an error with the rule on the cell (of the table's row, when
// table is set), and no error on any other cell.
func wantError(t *testing.T, errs []form.CellError, table string, row int, cell, rule string) {
	t.Helper()
	found := false
	for _, e := range errs {
		if e.Cell == cell && e.Table == table && e.Row == row && e.Rule == rule {
			found = true
			continue
		}
		t.Errorf("unexpected error: cell %s table %q row %d rule %s %v", e.Cell, e.Table, e.Row, e.Rule, e.Params)
	}
	if !found {
		t.Errorf("no %s error on cell %s (table %q row %d); got %v", rule, cell, table, row, errs)
	}
}

func TestOfficialSTI091Examples(t *testing.T) {
	d := loadOfficial(t, "STI-091_8")
	ctx := form.Context{Registry: officialRegistry}
	in := func(typ form.Type, cells map[string]string) form.Input {
		return form.Input{Type: typ, Period: "2026-Q1", Cells: cells}
	}

	t.Run("FIL-4 052 = 050 × 051 / 100: 1 000 000.00 at 4 % is 40 000.00", func(t *testing.T) {
		res, errs := form.Check(d, in(form.Initial, map[string]string{"050": "1000000.00", "051": "4"}), ctx)
		noErrors(t, errs)
		wantCells(t, res.Cells, map[string]string{
			"052": "40000.00", "059": "0.00", "182": "40000.00",
			"201": "2026-01-01", "202": "2026-03-31", "102": "01234567890123", "901": "",
		}, "")
	})

	t.Run("FIL-4 subtotals and 182, rounded half away from zero per cell", func(t *testing.T) {
		cells := map[string]string{
			"053": "250000.00", "054": "2", // 055 = 5 000.00
			"056": "333333.33", "057": "0.25", // 058 = 833.333325 → 833.33
			"136": "1234.56", "137": "6", // 138 = 74.0736 → 74.07
			"170": "0.50", "171": "1", // 172 = 0.005 → 0.01 (half away from zero)
			"166": "20000.00", "167": "0.1", // 168 = 20.00; 169 = 20.00
			"055": "5000.00", "059": "5833.33", // computed cells may be sent when they agree
		}
		res, errs := form.Check(d, in(form.Liquidation, cells), ctx)
		noErrors(t, errs)
		wantCells(t, res.Cells, map[string]string{
			"055": "5000.00", "058": "833.33", "059": "5833.33",
			"138": "74.07", "172": "0.01", "168": "20.00", "169": "20.00",
			// 182 = 059 + 138 + 169 + 172
			"182": "5927.41",
			"052": "0.00", "066": "0.00", "073": "0.00", "080": "0.00",
		}, "")
	})

	t.Run("FIL-4 a rate the line does not allow is an error on that rate cell", func(t *testing.T) {
		for _, rate := range []string{"5", "0.3", "10", "0.001"} {
			_, errs := form.Check(d, in(form.Initial, map[string]string{"130": "1000.00", "131": rate}), ctx)
			wantError(t, errs, "", 0, "131", "not_allowed")
		}
		// a negative rate is no rate at all
		_, errs := form.Check(d, in(form.Initial, map[string]string{"130": "1000.00", "131": "-1"}), ctx)
		wantError(t, errs, "", 0, "131", "out_of_range")
		// every allowed rate, in any spelling of the same number, is accepted
		for _, rate := range []string{"0", "0.1", "0.10", "0.25", "0.5", "1", "2", "3", "4", "6", "8.00"} {
			_, errs := form.Check(d, in(form.Initial, map[string]string{"179": "1000.00", "180": rate}), ctx)
			noErrors(t, errs)
		}
	})

	t.Run("FIL-4 a sent tax that differs from revenue × rate is an error on the tax cell", func(t *testing.T) {
		_, errs := form.Check(d, in(form.Initial, map[string]string{"050": "1000000.00", "051": "4", "052": "40000.01"}), ctx)
		wantError(t, errs, "", 0, "052", "computed_mismatch")
		_, errs = form.Check(d, in(form.Initial, map[string]string{"050": "1000000.00", "051": "4", "182": "0.00"}), ctx)
		wantError(t, errs, "", 0, "182", "computed_mismatch")
	})

	t.Run("FIL-4 revenue is not negative", func(t *testing.T) {
		_, errs := form.Check(d, in(form.Correction, map[string]string{"074": "-1.00", "075": "4"}), ctx)
		wantError(t, errs, "", 0, "074", "below_min")
	})
}

func TestOfficialSTI107Examples(t *testing.T) {
	d := loadOfficial(t, "STI-107_3")
	ctx := form.Context{Registry: officialRegistry,
		Previous: map[string]map[string]string{"2026-Q1": {"207": "30000.00"}}}

	t.Run("FIL-4 second quarter: 205 = 203 − 204, 207 = 205 × 10 %, 210 = 207 − 208 − 209, 211 = 210", func(t *testing.T) {
		in := form.Input{Type: form.Initial, Period: "2026-Q2",
			Cells: map[string]string{"203": "1000000.00", "204": "600000.00", "208": "5000.00"}}
		res, errs := form.Check(d, in, ctx)
		noErrors(t, errs)
		wantCells(t, res.Cells, map[string]string{
			"205": "400000.00", "206": "10", "207": "40000.00", "209": "30000.00", "210": "5000.00", "211": "5000.00",
		}, "")
	})

	t.Run("FIL-4 first quarter: 209 is 0; a loss gives 0 in 205, 207 and 210", func(t *testing.T) {
		in := form.Input{Type: form.Initial, Period: "2026-Q1",
			Cells: map[string]string{"203": "100000.00", "204": "150000.00"}}
		res, errs := form.Check(d, in, ctx)
		noErrors(t, errs)
		wantCells(t, res.Cells, map[string]string{"205": "0.00", "207": "0.00", "209": "0.00", "210": "0.00", "211": "0.00"}, "")
	})

	t.Run("FIL-4 208 may not exceed 207", func(t *testing.T) {
		in := form.Input{Type: form.Initial, Period: "2026-Q1",
			Cells: map[string]string{"203": "100000.00", "204": "0", "208": "10000.01"}}
		_, errs := form.Check(d, in, ctx)
		wantError(t, errs, "", 0, "208", "c208_le_c207")
	})

	t.Run("FIL-5 STI-107 has no liquidation report", func(t *testing.T) {
		in := form.Input{Type: form.Liquidation, Period: "2026-Q1", Cells: map[string]string{"203": "1", "204": "0"}}
		_, errs := form.Check(d, in, ctx)
		wantError(t, errs, "", 0, "001", "type_not_allowed")
	})
}

// sti161Employee is one row of Section III as the instruction describes it (§20–§39).
func sti161Employee(inn, name string, c11, c13, c14, c16, c17, c19, c20 string) map[string]string {
	return map[string]string{
		"2": inn, "3": name, "4": "001", "5": "417", "6": "01",
		"7": "2024-01-15", "9": "22", "10": "001",
		"11": c11, "12": c11, "13": c13, "14": c14, "16": c16, "17": c17, "19": c19, "20": c20,
	}
}

func TestOfficialSTI161Examples(t *testing.T) {
	d := loadOfficial(t, "STI-161_6")
	ctx := form.Context{Registry: officialRegistry}
	header := map[string]string{"107": "12345678", "117": "123456789012", "118": "1", "119": "01",
		"211": "36440.00", "212": "4935.00"}
	in := func(tables map[string][]map[string]string, extra map[string]string) form.Input {
		cells := map[string]string{}
		for k, v := range header {
			cells[k] = v
		}
		for k, v := range extra {
			cells[k] = v
		}
		return form.Input{Type: form.Initial, Period: "2026-01", Cells: cells, Tables: tables}
	}

	t.Run("FIL-4 one employee: 15 = 11 − 13 − 14, 18 = 16 + 17, Section II totals the columns", func(t *testing.T) {
		row := sti161Employee("21503199000011", "Асанов Асан Асанович",
			"50000.00", "0", "650.00", "4935.00", "0", "8625.00", "1000.00")
		row["15"] = "49350.00" // sent computed columns must agree
		res, errs := form.Check(d, in(map[string][]map[string]string{"employees": {row}}, nil), ctx)
		noErrors(t, errs)
		got := res.Tables["employees"]
		if len(got) != 1 {
			t.Fatalf("employees: %d rows", len(got))
		}
		wantCells(t, got[0], map[string]string{"1": "1", "15": "49350.00", "18": "4935.00"}, "employees row 1: ")
		wantCells(t, res.Cells, map[string]string{
			"203": "1", "204": "50000.00", "205": "0.00", "206": "650.00", "207": "49350.00",
			"208": "4935.00", "209": "0.00", "210": "4935.00", "211": "36440.00", "212": "4935.00",
			"213": "8625.00", "214": "1000.00", "201": "2026-01-01", "202": "2026-01-31",
		}, "")
	})

	tables := map[string][]map[string]string{
		"employees": {
			sti161Employee("21503199000011", "Асанов Асан Асанович",
				"50000.00", "0", "650.00", "4935.00", "0", "8625.00", "1000.00"),
			sti161Employee("11212198500022", "Бекова Айгүл Бековна",
				"30000.50", "1000.00", "650.00", "2835.05", "120.00", "5175.09", "600.01"),
		},
		"nonresidents": {{
			"2": "John Smith", "3": "840", "4": "P1234567, 15.01.2020, US Department of State",
			"5": "123-45-6789", "6": "010", "7": "10000.00", "8": "1000.00", "9": "9000.00",
		}},
		"carriers": {{
			"2": "20101199000033", "3": "Токтогулов Бакыт", "4": "20",
			"5": "80000.00", "6": "800.00", "7": "1000.00",
		}},
	}

	t.Run("FIL-4 Sections IV and V add into 207, 210 and 213, not into 204", func(t *testing.T) {
		res, errs := form.Check(d, in(tables, nil), ctx)
		noErrors(t, errs)
		wantCells(t, res.Tables["employees"][1], map[string]string{"1": "2", "15": "28350.50", "18": "2955.05"}, "employees row 2: ")
		wantCells(t, res.Tables["nonresidents"][0], map[string]string{"1": "1"}, "nonresidents row 1: ")
		wantCells(t, res.Cells, map[string]string{
			"203": "2",
			"204": "80000.50", // 50 000.00 + 30 000.50
			"205": "1000.00",
			"206": "1300.00",
			"207": "87700.50", // Σ III.15 = 49 350.00 + 28 350.50, + Σ IV.7 = 10 000.00
			"208": "7770.05",
			"209": "120.00",
			"210": "9690.05",  // Σ III.18 = 7 890.05, + Σ IV.8 = 1 000.00, + Σ V.6 = 800.00
			"213": "14800.09", // Σ III.19 = 13 800.09, + Σ V.7 = 1 000.00
			"214": "1600.01",
		}, "")
	})

	t.Run("FIL-4 207 sent as 204 − 205 − 206 alone misses Section IV", func(t *testing.T) {
		_, errs := form.Check(d, in(tables, map[string]string{"207": "77700.50"}), ctx)
		wantError(t, errs, "", 0, "207", "computed_mismatch")
	})

	t.Run("FIL-4 a row's column 15 that differs from 11 − 13 − 14 is named by table and row", func(t *testing.T) {
		rows := []map[string]string{tables["employees"][0], {}}
		for k, v := range tables["employees"][1] {
			rows[1][k] = v
		}
		rows[1]["15"] = "29350.50" // 14 forgotten
		_, errs := form.Check(d, in(map[string][]map[string]string{"employees": rows}, nil), ctx)
		wantError(t, errs, "employees", 2, "15", "computed_mismatch")
	})

	t.Run("FIL-4 a category, residency or income code the instruction does not list is an error", func(t *testing.T) {
		for col, bad := range map[string]string{"4": "999", "6": "04", "10": "010"} {
			row := sti161Employee("21503199000011", "Асанов Асан Асанович",
				"50000.00", "0", "650.00", "4935.00", "0", "8625.00", "1000.00")
			row[col] = bad
			_, errs := form.Check(d, in(map[string][]map[string]string{"employees": {row}}, nil), ctx)
			wantError(t, errs, "employees", 1, col, "not_allowed")
		}
		nr := map[string]string{"2": "John Smith", "3": "840", "4": "P1234567", "6": "001", "7": "1.00"}
		_, errs := form.Check(d, in(map[string][]map[string]string{"nonresidents": {nr}}, nil), ctx)
		wantError(t, errs, "nonresidents", 1, "6", "not_allowed")
	})

	t.Run("FIL-4 every category code of the instruction's table is accepted", func(t *testing.T) {
		for _, code := range []string{"001", "001-64/69", "003", "010", "011", "011-64/69", "012 МОП",
			"012-64/69 МОП", "020", "100", "009", "101", "102", "106", "106-64/69", "107", "018", "019",
			"021", "205", "103", "104", "105", "108", "109"} {
			row := sti161Employee("21503199000011", "Асанов Асан Асанович",
				"50000.00", "0", "650.00", "4935.00", "0", "8625.00", "1000.00")
			row["4"] = code
			_, errs := form.Check(d, in(map[string][]map[string]string{"employees": {row}}, nil), ctx)
			noErrors(t, errs)
		}
	})

	t.Run("FIL-5 STI-161 allows a liquidation report", func(t *testing.T) {
		x := in(nil, nil)
		x.Type = form.Liquidation
		_, errs := form.Check(d, x, ctx)
		noErrors(t, errs)
	})
}

// TestOfficialSTI091Lines holds every line of Section II to the instruction's shape
// (§9–§92): revenue typed, the rate one of the allowed rates, the tax (revenue ×
// rate) / 100 of the same line, the subtotals and 182 as the form prints them.
func TestOfficialSTI091Lines(t *testing.T) {
	d := loadOfficial(t, "STI-091_8")
	rates := []string{"0", "0.1", "0.25", "0.5", "1", "2", "3", "4", "6", "8"}
	// The first cell of each triple, from shared/forms/STI-091_8.form.txt lines 27–103.
	lines := []string{"050", "053", "056", "060", "063", "067", "070", "074", "077",
		"130", "133", "136", "139", "142", "145", "148", "151", "154", "157", "160", "163", "166",
		"170", "173", "176", "179"}
	cell := func(n int) *form.Cell {
		c := d.Cell(fmt.Sprintf("%03d", n))
		if c == nil {
			t.Fatalf("cell %03d missing", n)
		}
		return c
	}
	for _, first := range lines {
		r, _ := strconv.Atoi(first)
		rev, rate, tax := cell(r), cell(r+1), cell(r+2)
		if rev.Kind != form.KindMoney || rev.Source != form.SourceTyped {
			t.Errorf("%s: want typed money, got %s %s", rev.Number, rev.Source, rev.Kind)
		}
		var got []string
		for _, ch := range rate.Choices {
			got = append(got, ch.Value)
		}
		if rate.Kind != form.KindRate || rate.Source != form.SourceTyped || !slices.Equal(got, rates) {
			t.Errorf("%s: want a typed rate of %v, got %s %s %v", rate.Number, rates, rate.Source, rate.Kind, got)
		}
		if want := fmt.Sprintf("c%s * c%s / 100", rev.Number, rate.Number); tax.Source != form.SourceComputed || tax.Formula != want {
			t.Errorf("%s: formula %q, want %q", tax.Number, tax.Formula, want)
		}
	}
	for number, want := range map[string]string{
		"059": "c055 + c058", "066": "c062 + c065", "073": "c069 + c072", "080": "c076 + c079", "169": "c165 + c168",
		"182": "c052 + c059 + c066 + c073 + c080 + c132 + c135 + c138 + c141 + c144 + c147 + c150 + c153 + c156 + c159 + c162 + c169 + c172 + c175 + c178 + c181",
	} {
		if c := d.Cell(number); c == nil || c.Formula != want {
			t.Errorf("%s: formula %v, want %q (form line 34–106)", number, c, want)
		}
	}
}

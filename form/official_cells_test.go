package form_test

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
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

// loadOfficial reads a definition the binary ships.
func loadOfficial(t *testing.T, id string) *form.Definition {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("defs", id+".json"))
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	d, err := form.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	if d.ID() != id {
		t.Fatalf("defs/%s.json defines %s", id, d.ID())
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

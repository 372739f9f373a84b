package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/i18n"
)

func catalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func def(t testing.TB, code string, version int) *Definition {
	t.Helper()
	d, err := catalog(t).Version(code, version)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var registry = map[string]string{RegistryINN: "01203200710087", RegistryName: "ОсОО «Ала-Тоо»", RegistryOffice: "001 УГНС по Ленинскому району"}

func rules(errs []CellError) string {
	var s []string
	for _, e := range errs {
		r := e.Rule + "@" + e.Cell
		if e.Table != "" {
			r += "@" + e.Table + "#" + string(rune('0'+e.Row))
		}
		s = append(s, r)
	}
	return strings.Join(s, " ")
}

func TestPeriods(t *testing.T) {
	t.Run("FIL-1 parse and format", func(t *testing.T) {
		for _, tc := range []struct {
			kind        PeriodKind
			in          string
			first, last string
			ok          bool
		}{
			{Month, "2026-01", "2026-01-01", "2026-01-31", true},
			{Month, "2024-02", "2024-02-01", "2024-02-29", true},
			{Month, "2026-02", "2026-02-01", "2026-02-28", true},
			{Month, "2026-12", "2026-12-01", "2026-12-31", true},
			{Quarter, "2026-Q1", "2026-01-01", "2026-03-31", true},
			{Quarter, "2026-Q2", "2026-04-01", "2026-06-30", true},
			{Quarter, "2026-Q4", "2026-10-01", "2026-12-31", true},
			{Year, "2026", "2026-01-01", "2026-12-31", true},
			{Month, "2026-13", "", "", false},
			{Month, "2026-00", "", "", false},
			{Quarter, "2026-Q5", "", "", false},
			{Quarter, "2026-03", "", "", false}, // a month for a quarterly form
			{Year, "1999", "", "", false},
			{Year, "26", "", "", false},
			{Month, "2026-1", "", "", false},
			{Month, "２０２６-01", "", "", false},
		} {
			p, err := ParsePeriod(tc.kind, tc.in)
			if (err == nil) != tc.ok {
				t.Errorf("ParsePeriod(%s, %q): %v", tc.kind, tc.in, err)
				continue
			}
			if !tc.ok {
				continue
			}
			if p.String() != tc.in || p.First().ISO() != tc.first || p.Last().ISO() != tc.last {
				t.Errorf("%q: %s %s…%s", tc.in, p, p.First().ISO(), p.Last().ISO())
			}
		}
		q, _ := ParsePeriod(Quarter, "2026-Q1")
		if q.Prev().String() != "2025-Q4" || q.Next().String() != "2026-Q2" || !q.FirstOfYear() || q.Next().FirstOfYear() {
			t.Errorf("quarter arithmetic: %s %s", q.Prev(), q.Next())
		}
		m, _ := ParsePeriod(Month, "2026-01")
		if m.Prev().String() != "2025-12" {
			t.Errorf("month before 2026-01: %s", m.Prev())
		}
	})
	t.Run("FIL-8 due dates and lateness at Bishkek midnight", func(t *testing.T) {
		sti107 := def(t, "STI-107", 3)
		sti155 := def(t, "STI-155", 1)
		monthly := &Definition{PeriodKind: Month, Due: DueRule{MonthOffset: 1, Day: 20}}
		lastDay := &Definition{PeriodKind: Month, Due: DueRule{MonthOffset: 1, Day: 31}}
		for _, tc := range []struct {
			d      *Definition
			period string
			due    string
		}{
			{sti107, "2026-Q1", "2026-04-20"},
			{sti107, "2026-Q4", "2027-01-20"}, // 31 December: into the next year
			{sti155, "2026", "2027-04-01"},
			{monthly, "2026-12", "2027-01-20"},
			{monthly, "2026-01", "2026-02-20"},
			{lastDay, "2026-01", "2026-02-28"}, // a day past the month's end is its last day
			{lastDay, "2024-01", "2024-02-29"},
			{lastDay, "2026-02", "2026-03-31"},
		} {
			p, err := ParsePeriod(tc.d.PeriodKind, tc.period)
			if err != nil {
				t.Fatal(err)
			}
			due := tc.d.DueDate(p)
			if due.ISO() != tc.due {
				t.Errorf("%s %s: due %s, want %s", tc.d.Code, tc.period, due.ISO(), tc.due)
				continue
			}
			onTime := time.Date(due.Year, due.Month, due.Day, 23, 59, 59, 999e6, kabinet.Bishkek)
			if tc.d.Late(p, onTime) {
				t.Errorf("%s: 23:59:59.999 on the due date counted late", tc.period)
			}
			next := time.Date(due.Year, due.Month, due.Day+1, 0, 0, 0, 0, kabinet.Bishkek)
			if !tc.d.Late(p, next) {
				t.Errorf("%s: 00:00 the next day counted on time", tc.period)
			}
			if !tc.d.Late(p, next.UTC()) {
				t.Errorf("%s: the same instant in UTC judged otherwise", tc.period)
			}
		}
	})
}

func TestCatalog(t *testing.T) {
	c := catalog(t)
	t.Run("FIL-1 embedded definitions", func(t *testing.T) {
		ids := map[string]bool{}
		for _, d := range c.List() {
			ids[d.ID()] = true
		}
		for _, want := range []string{"STI-107_3", "STI-155_1"} {
			if !ids[want] {
				t.Errorf("catalogue lacks %s: %v", want, ids)
			}
		}
		d := def(t, "STI-107", 3)
		if d.PeriodKind != Quarter || !d.Due.Assumed || len(d.Types) != 2 {
			t.Errorf("STI-107_3: %s %+v %v", d.PeriodKind, d.Due, d.Types)
		}
		want := []string{"102", "103", "104", "105", "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "901"}
		var got []string
		for _, c := range d.Cells {
			got = append(got, c.Number)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("STI-107_3 cells %v, want %v", got, want)
		}
		s := def(t, "STI-155", 1)
		if !s.Provisional || s.PeriodKind != Year {
			t.Errorf("STI-155_1 should be provisional and yearly")
		}
	})
	t.Run("FIL-1 a new STI-155 version loaded from a file applies to later periods", func(t *testing.T) {
		c := catalog(t)
		b, err := defsFS.ReadFile("defs/STI-155_1.json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		m["version"], m["provisional"], m["valid_from"] = 2, false, "2027"
		m["approved_by"] = map[string]string{"ru": "Официальная форма", "ky": "Расмий форма"}
		b2, _ := json.Marshal(m)
		file := filepath.Join(t.TempDir(), "STI-155_2.json")
		if err := os.WriteFile(file, b2, 0o600); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Load(data); err != nil {
			t.Fatal(err)
		}
		for period, want := range map[string]int{"2022": 1, "2026": 1, "2027": 2, "2030": 2} {
			p, _ := ParsePeriod(Year, period)
			d, err := c.InForce("STI-155", p)
			if err != nil || d.Version != want {
				t.Errorf("InForce(STI-155, %s) = %v, %v; want version %d", period, d, err, want)
			}
		}
		if _, err := c.Load(data); kabinet.ErrorCode(err) != "form_version_exists" {
			t.Errorf("loading a version twice: %v", err)
		}
		if d, _ := c.Version("STI-155", 2); d == nil || d.Provisional {
			t.Errorf("Version(STI-155, 2) = %v", d)
		}
	})
	t.Run("FIL-1 period_not_open", func(t *testing.T) {
		now := time.Date(2026, 4, 1, 0, 0, 0, 0, kabinet.Bishkek)
		if _, _, err := c.Open("STI-107", "2026-Q1", 0, now); err != nil {
			t.Errorf("2026-Q1 on 1 April: %v", err)
		}
		for _, tc := range []struct{ period, code string }{
			{"2026-Q2", "period_not_open"}, // not ended
			{"2025-Q4", "period_not_open"}, // before the first version
			{"2026-04", "invalid_period"},  // a month for a quarterly form
		} {
			_, _, err := c.Open("STI-107", tc.period, 0, now)
			if kabinet.ErrorCode(err) != tc.code || tc.code == "period_not_open" && kabinet.ErrorKind(err) != kabinet.KindUnprocessable {
				t.Errorf("Open(STI-107, %s) = %v, want %s", tc.period, err, tc.code)
			}
		}
		justBefore := time.Date(2026, 3, 31, 23, 59, 59, 0, kabinet.Bishkek)
		if _, _, err := c.Open("STI-107", "2026-Q1", 0, justBefore); kabinet.ErrorCode(err) != "period_not_open" {
			t.Errorf("on the quarter's last day: %v", err)
		}
		if _, _, err := c.Open("STI-999", "2026", 0, now); kabinet.ErrorCode(err) != "form_not_found" {
			t.Errorf("unknown form: %v", err)
		}
	})
	t.Run("FIL-1 a bad definition is refused with the cell named", func(t *testing.T) {
		base, _ := defsFS.ReadFile("defs/STI-107_3.json")
		for _, tc := range []struct{ from, to, want string }{
			{`"max(0, c203 - c204)"`, `"max(0, c203 - "`, "cell 205"},
			{`"max(0, c203 - c204)"`, `"max(0, c203 - c999)"`, "unknown cell 999"},
			{`"max(0, c203 - c204)"`, `"max(0, c203 - c207)"`, "depends on itself"},
			{`"formula": "c210"`, `"formula": "c210 > 0"`, "cell 211"},
			{`"c208 <= c207"`, `"c208 + c207"`, "check c208_le_c207"},
			{`"formula": "c210"`, `"formula": "foo(c210)"`, "unknown function"},
			{`"formula": "c210"`, `"formula": "employees.c11"`, "unknown table"},
			{`"kind": "money", "source": "typed", "required": true, "min": "0",`, `"kind": "money", "source": "typed", "required": true, "min": "x",`, "min"},
			{`"version": 3`, `"version": 3, "colour": "red"`, "unknown field"},
		} {
			src := strings.Replace(string(base), tc.from, tc.to, 1)
			if src == string(base) {
				t.Fatalf("replacement %q not found", tc.from)
			}
			_, err := Parse([]byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: err %v, want it to mention %q", tc.to, err, tc.want)
			}
		}
	})
}

func sti107Input(cells map[string]string) Input {
	return Input{Type: Initial, Period: "2026-Q2", Cells: cells}
}

func TestCheckSTI107(t *testing.T) {
	d := def(t, "STI-107", 3)
	prev := map[string]map[string]string{"2026-Q1": {"207": "20000.00"}}
	ctx := Context{Registry: registry, Previous: prev}
	t.Run("FIL-4 computes every cell", func(t *testing.T) {
		res, errs := Check(d, sti107Input(map[string]string{"203": "1500000", "204": "900000.50", "208": "1000", "105": "+996 312 123456"}), ctx)
		if len(errs) != 0 {
			t.Fatalf("errors: %s", rules(errs))
		}
		want := map[string]string{"102": registry[RegistryINN], "201": "2026-04-01", "202": "2026-06-30",
			"203": "1500000.00", "204": "900000.50", "205": "599999.50", "206": "10", "207": "59999.95",
			"208": "1000.00", "209": "20000.00", "210": "38999.95", "211": "38999.95", "901": ""}
		for k, v := range want {
			if res.Cells[k] != v {
				t.Errorf("cell %s = %q, want %q", k, res.Cells[k], v)
			}
		}
		if len(res.Cells) != len(d.Cells) {
			t.Errorf("result has %d cells, the form %d", len(res.Cells), len(d.Cells))
		}
	})
	t.Run("FIL-4 209 is 0 in the first quarter; 207 and 210 are 0 when 205 is", func(t *testing.T) {
		in := sti107Input(map[string]string{"203": "100", "204": "250"})
		res, errs := Check(d, in, Context{Registry: registry, Previous: map[string]map[string]string{"2026-Q1": {"207": "500.00"}}})
		if len(errs) != 0 || res.Cells["205"] != "0.00" || res.Cells["207"] != "0.00" || res.Cells["210"] != "0.00" || res.Cells["209"] != "500.00" {
			t.Errorf("205 ≤ 0: %v %s", res.Cells, rules(errs))
		}
		in.Period = "2026-Q1"
		res, errs = Check(d, in, Context{Registry: registry, Previous: map[string]map[string]string{"2025-Q4": {"207": "500.00"}}})
		if len(errs) != 0 || res.Cells["209"] != "0.00" {
			t.Errorf("first quarter: 209 = %q, %s", res.Cells["209"], rules(errs))
		}
	})
	t.Run("FIL-4 rounding half away from zero", func(t *testing.T) {
		res, errs := Check(d, sti107Input(map[string]string{"203": "0.05", "204": "0"}), Context{Registry: registry})
		if len(errs) != 0 || res.Cells["207"] != "0.01" {
			t.Errorf("0.05 × 10 %% = %q, %s", res.Cells["207"], rules(errs))
		}
	})
	t.Run("FIL-4 every error at once", func(t *testing.T) {
		in := Input{Type: Liquidation, Period: "2026-Q2", Cells: map[string]string{
			"102": "99999999999999", // registry cell changed
			"203": "12.345",         // not money
			"204": "-5",             // below min
			"205": "1.00",           // computed, wrong
			"209": "7",              // previous, not editable
			"299": "1",              // unknown
			"105": "phone?",         // pattern
		}}
		_, errs := Check(d, in, ctx)
		got := rules(errs)
		for _, want := range []string{"type_not_allowed@001", "not_editable@102", "invalid_money@203", "below_min@204", "not_editable@209", "unknown_cell@299", "pattern_mismatch@105"} {
			if !strings.Contains(got, want) {
				t.Errorf("errors %s lack %s", got, want)
			}
		}
		for _, e := range errs {
			for _, lang := range []i18n.Lang{i18n.RU, i18n.KY} {
				msg := e.Message(lang)
				if msg == "" || strings.HasPrefix(msg, "form.rule.") || strings.Contains(msg, "{") {
					t.Errorf("%s in %s: message %q", e.Rule, lang, msg)
				}
			}
		}
	})
	t.Run("FIL-4 computed cells: left out is fine, sent must match", func(t *testing.T) {
		in := sti107Input(map[string]string{"203": "1000", "204": "0", "205": "1000", "207": "100.00", "211": "80000.00", "208": "50"})
		_, errs := Check(d, in, Context{Registry: registry, Previous: prev})
		if got := rules(errs); got != "computed_mismatch@211" {
			t.Errorf("errors %s, want computed_mismatch@211", got)
		}
		if errs[0].Params["expected"] != "-19950.00" {
			t.Errorf("expected %q", errs[0].Params["expected"])
		}
	})
	t.Run("FIL-4 the definition's check 208 ≤ 207", func(t *testing.T) {
		_, errs := Check(d, sti107Input(map[string]string{"203": "1000", "204": "0", "208": "100.01"}), ctx)
		if rules(errs) != "c208_le_c207@208" || errs[0].Message(i18n.KY) == errs[0].Message(i18n.RU) {
			t.Errorf("errors %s", rules(errs))
		}
	})
	t.Run("FIL-4 required, invalid period, registry values, human money", func(t *testing.T) {
		_, errs := Check(d, Input{Type: Initial, Period: "2026-13", Cells: map[string]string{}}, ctx)
		if got := rules(errs); !strings.Contains(got, "invalid_period@") || !strings.Contains(got, "required@203") {
			t.Errorf("errors %s", got)
		}
		res, errs := Check(d, sti107Input(map[string]string{"203": "1 000 000,5", "204": "0"}), Context{Registry: registry, Human: true})
		if len(errs) != 0 || res.Cells["203"] != "1000000.50" {
			t.Errorf("human money: %v %s", res.Cells["203"], rules(errs))
		}
		if _, errs := Check(d, sti107Input(map[string]string{"203": "1 000", "204": "0"}), ctx); rules(errs) != "invalid_money@203" {
			t.Errorf("API money with a space: %s", rules(errs))
		}
		if _, errs := Check(d, sti107Input(map[string]string{"203": "1000000000000000.01", "204": "0"}), ctx); rules(errs) != "out_of_range@203" {
			t.Errorf("beyond the maximum: %s", rules(errs))
		}
	})
	t.Run("FIL-6 canonical form and digest are stable", func(t *testing.T) {
		in := sti107Input(map[string]string{"203": "1500000", "204": "900000.5"})
		a, _ := Check(d, in, ctx)
		in2 := sti107Input(map[string]string{"204": "900000.50", "203": "1500000.00", "207": ""})
		b, _ := Check(d, in2, ctx)
		if !bytes.Equal(a.Canonical(), b.Canonical()) || a.Digest() != b.Digest() {
			t.Errorf("canonical differs:\n%s\n%s", a.Canonical(), b.Canonical())
		}
		if !strings.HasPrefix(string(a.Canonical()), `{"form":"STI-107","version":3,"type":"initial","period":"2026-Q2","cells":{"102":`) {
			t.Errorf("canonical: %s", a.Canonical())
		}
		c, _ := Check(d, sti107Input(map[string]string{"203": "1500000", "204": "900000.51"}), ctx)
		if c.Digest() == a.Digest() {
			t.Error("different content, same digest")
		}
	})
	t.Run("FIL-7 cell 901 from the receipt", func(t *testing.T) {
		received := time.Date(2026, 7, 20, 23, 30, 0, 0, kabinet.Bishkek).UTC() // 17:30 UTC
		res, errs := Check(d, sti107Input(map[string]string{"203": "1", "204": "0"}), Context{Registry: registry, Received: received})
		if len(errs) != 0 || res.Cells["901"] != "2026-07-20" {
			t.Errorf("901 = %q, %s", res.Cells["901"], rules(errs))
		}
	})
}

func TestCheckSTI155(t *testing.T) {
	d := def(t, "STI-155", 1)
	in := Input{Type: Initial, Period: "2026", Cells: map[string]string{"106": "Министерство финансов", "107": "Главный специалист"},
		Tables: map[string][]map[string]string{
			"persons": {
				{"2": "declarant", "3": "Асанов Бакыт Асанович", "4": "21705198700772"},
				{"2": "spouse", "3": "Асанова Айгуль Маратовна"},
			},
			"income": {
				{"1": "1", "2": "Министерство финансов", "3": "salary", "4": "600000"},
				{"1": "2", "2": "Школа № 5", "3": "salary", "4": "240000.50"},
				{"1": "1", "2": "Банк", "3": "interest", "4": "1200.25"},
			},
			"real_estate": {{"1": "1", "2": "flat", "3": "г. Бишкек, ул. Киевская, 1, кв. 2", "4": "64,5", "5": "joint"}},
			"vehicles":    {{"1": "2", "2": "car", "3": "Toyota Camry", "4": "2015", "5": "01KG123ABC"}},
		}}
	t.Run("FIL-1 STI-155 declarant, spouse, a flat, a car", func(t *testing.T) {
		res, errs := Check(d, in, Context{Registry: map[string]string{RegistryINN: "21705198700772", RegistryName: "Асанов Бакыт Асанович", RegistryOffice: "001"}})
		if len(errs) != 0 {
			t.Fatalf("errors: %s", rules(errs))
		}
		if res.Cells["601"] != "601200.25" || res.Cells["602"] != "240000.50" || res.Cells["603"] != "0.00" {
			t.Errorf("totals %v", res.Cells)
		}
		p := res.Tables["persons"]
		if p[0]["1"] != "1" || p[1]["1"] != "2" || p[0]["5"] != "601200.25" || p[1]["5"] != "240000.50" {
			t.Errorf("persons %v", p)
		}
		if res.Cells["201"] != "2026-01-01" || res.Cells["202"] != "2026-12-31" {
			t.Errorf("period cells %s %s", res.Cells["201"], res.Cells["202"])
		}
	})
	t.Run("FIL-4 STI-155 table errors name table and row", func(t *testing.T) {
		bad := in
		bad.Tables = map[string][]map[string]string{
			"persons":  {{"2": "spouse", "3": "X"}, {"2": "relative", "3": ""}},
			"income":   {{"1": "3", "2": "?", "3": "salary", "4": "1", "9": "x"}},
			"vehicles": {{"1": "1", "2": "car", "3": "Lada", "4": "1800"}},
			"yachts":   {},
		}
		_, errs := Check(d, bad, Context{Registry: registry})
		got := rules(errs)
		for _, want := range []string{"declarant_first_row@2@persons#1", "not_allowed@2@persons#2", "required@3@persons#2",
			"income_person_exists@1@income#1", "unknown_cell@9@income#1", "below_min@4@vehicles#1", "unknown_table@"} {
			if !strings.Contains(got, want) {
				t.Errorf("errors %s lack %s", got, want)
			}
		}
	})
}

func TestUpload(t *testing.T) {
	const good = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<FORM IDFORM="107_3" VERSFORM="1" NOMDOC="1">
  <PART1 TYPE="initial" PERIOD="2026-Q2"/>
  <PART2>
    <STI107X203>1500000.00</STI107X203>
    <STI107X204> 900000.50 </STI107X204>
    <STI107X105>+996 312 123456</STI107X105>
  </PART2>
  <TABLE NAME="employees">
    <ROW><C2>Ана &amp; Бала</C2><C11>1.00</C11></ROW>
    <ROW/>
  </TABLE>
</FORM>
`
	t.Run("FIL-3 a well-formed file", func(t *testing.T) {
		in, err := ParseXML(strings.NewReader(good), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if in.Form != "STI-107" || in.Version != 3 || in.Type != Initial || in.Period != "2026-Q2" ||
			in.Cells["203"] != "1500000.00" || in.Cells["204"] != "900000.50" || len(in.Tables["employees"]) != 2 || in.Tables["employees"][0]["2"] != "Ана & Бала" {
			t.Errorf("parsed %+v", in)
		}
		in.Tables = nil
		if _, errs := Check(def(t, "STI-107", 3), in, Context{Registry: registry}); len(errs) != 0 {
			t.Errorf("input control: %s", rules(errs))
		}
	})
	t.Run("FIL-3 a malformed file gets its line and reason", func(t *testing.T) {
		for _, tc := range []struct {
			name, doc, reason string
			line              int
		}{
			{"doctype", "<?xml version=\"1.0\"?>\n<!DOCTYPE FORM [<!ENTITY x \"y\">]>\n<FORM IDFORM=\"107_3\"/>", "doctype", 2},
			{"entity", "<FORM IDFORM=\"107_3\">\n<PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/>\n<PART2><STI107X203>&lol;</STI107X203></PART2></FORM>", "syntax", 3},
			{"wrong root", "<REPORT/>", "wrong_root", 1},
			{"not xml", "hello", "wrong_root", 1},
			{"broken tag", "<FORM IDFORM=\"107_3\"\n<", "syntax", 2},
			{"empty", "", "empty", 1},
			{"unknown cell", "<FORM IDFORM=\"107_3\">\n<PART2>\n<STI091X050>1</STI091X050></PART2></FORM>", "unknown_cell", 3},
			{"cell twice", "<FORM IDFORM=\"107_3\"><PART2>\n<STI107X203>1</STI107X203>\n<STI107X203>2</STI107X203></PART2></FORM>", "duplicate_cell", 3},
			{"too deep", "<FORM IDFORM=\"107_3\"><PART2>\n<STI107X203><B>1</B></STI107X203></PART2></FORM>", "too_deep", 2},
			{"unclosed", "<FORM IDFORM=\"107_3\"><PART2>\n<STI107X203>1</STI107X203>\n", "syntax", 3},
			{"mismatched", "<FORM IDFORM=\"107_3\"><PART2>\n<STI107X203>1</STI107X204></PART2></FORM>", "syntax", 2},
			{"bad idform", "<FORM IDFORM=\"STI-107\"/>", "idform", 1},
			{"unknown element", "<FORM IDFORM=\"107_3\">\n\n<PART3/></FORM>", "unknown_element", 3},
			{"unknown attribute", "<FORM IDFORM=\"107_3\" X=\"1\"/>", "unknown_attribute", 1},
			{"no PART1", "<FORM IDFORM=\"107_3\"></FORM>", "missing_part1", 1},
			{"windows-1251", "<?xml version=\"1.0\" encoding=\"windows-1251\"?><FORM IDFORM=\"107_3\"/>", "syntax", 1},
			{"invalid utf-8", "<FORM IDFORM=\"107_3\">\n<PART2><STI107X103>\xff</STI107X103></PART2></FORM>", "invalid_utf8", 2},
			{"trailing", "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/></FORM>\n<FORM/>", "trailing_content", 2},
			{"PART1 twice", "<FORM IDFORM=\"107_3\"><PART1/>\n<PART1/></FORM>", "duplicate", 2},
		} {
			_, err := ParseXML(strings.NewReader(tc.doc), 1<<20)
			var ke *kabinet.Error
			if !errors.As(err, &ke) || ke.Code != "invalid_file" || ke.Kind != kabinet.KindUnprocessable {
				t.Errorf("%s: %v, want invalid_file", tc.name, err)
				continue
			}
			if ke.Details["reason"] != tc.reason || ke.Details["line"] != tc.line {
				t.Errorf("%s: reason %v line %v, want %s line %d (%v)", tc.name, ke.Details["reason"], ke.Details["line"], tc.reason, tc.line, err)
			}
		}
	})
	t.Run("FIL-3 too large", func(t *testing.T) {
		_, err := ParseXML(strings.NewReader(good), 100)
		if kabinet.ErrorCode(err) != "file_too_large" || kabinet.ErrorKind(err) != kabinet.KindTooLarge {
			t.Errorf("err %v", err)
		}
		_, err = ParseJSON(strings.NewReader(`{"cells":{}}`), 5)
		if kabinet.ErrorCode(err) != "file_too_large" {
			t.Errorf("JSON err %v", err)
		}
	})
	t.Run("FIL-3 the API's JSON body", func(t *testing.T) {
		in, err := ParseJSON(strings.NewReader(`{"form":"STI-107","period":"2026-Q2","type":"initial","password":"x","cells":{"203":"1.00"},"tables":{"t":[{"1":"a"}]}}`), 1<<20)
		if err != nil || in.Form != "STI-107" || in.Cells["203"] != "1.00" || in.Tables["t"][0]["1"] != "a" {
			t.Errorf("%+v %v", in, err)
		}
		for _, body := range []string{`{"cells":{"203":1}}`, `{"cells":`, `[]`, "{\"cells\":{\"203\":\"\xff\"}}", `{} {}`} {
			if _, err := ParseJSON(strings.NewReader(body), 1<<20); kabinet.ErrorCode(err) != "invalid_json" {
				t.Errorf("%q: %v", body, err)
			}
		}
	})
}

package kabinet_test

import (
	"testing"
	"time"

	"kabinet"
)

func TestFilingCheckFilingType(t *testing.T) {
	all := kabinet.FilingTypes
	noLiquidation := []kabinet.FilingType{kabinet.FilingInitial, kabinet.FilingCorrection} // STI-107
	cases := []struct {
		name    string
		typ     kabinet.FilingType
		allowed []kabinet.FilingType
		period  string
		facts   kabinet.FilingFacts
		code    string // "" when accepted
	}{
		{"FIL-5 initial needs no accepted report", kabinet.FilingInitial, all, "2026-Q1", kabinet.FilingFacts{}, ""},
		{"FIL-5 initial when one is accepted: already_filed", kabinet.FilingInitial, all, "2026-Q1", kabinet.FilingFacts{Accepted: true}, "already_filed"},
		{"FIL-5 correction needs an accepted report", kabinet.FilingCorrection, all, "2026-Q1", kabinet.FilingFacts{Accepted: true}, ""},
		{"FIL-5 correction with nothing accepted: nothing_to_correct", kabinet.FilingCorrection, all, "2026-Q1", kabinet.FilingFacts{}, "nothing_to_correct"},
		{"FIL-5 liquidation is the period's first report", kabinet.FilingLiquidation, all, "2026-Q1", kabinet.FilingFacts{}, ""},
		{"FIL-5 liquidation when one is accepted: already_filed", kabinet.FilingLiquidation, all, "2026-Q1", kabinet.FilingFacts{Accepted: true}, "already_filed"},
		{"FIL-5 liquidation where the form does not allow it", kabinet.FilingLiquidation, noLiquidation, "2026-Q1", kabinet.FilingFacts{}, "type_not_allowed"},
		{"FIL-5 a type the form lacks is refused before the facts", kabinet.FilingLiquidation, noLiquidation, "2026-Q1", kabinet.FilingFacts{Accepted: true}, "type_not_allowed"},
		{"FIL-5 unknown type", "primary", all, "2026-Q1", kabinet.FilingFacts{}, "invalid_filing_type"},
		{"FIL-5 empty type", "", all, "2026-Q1", kabinet.FilingFacts{}, "invalid_filing_type"},
		{"FIL-5 a later period after liquidation: form_closed (initial)", kabinet.FilingInitial, all, "2026-Q2",
			kabinet.FilingFacts{Liquidation: []string{"2026-Q1"}}, "form_closed"},
		{"FIL-5 a later period after liquidation: form_closed (correction)", kabinet.FilingCorrection, all, "2027-Q1",
			kabinet.FilingFacts{Accepted: true, Liquidation: []string{"2026-Q4"}}, "form_closed"},
		{"FIL-5 the liquidation period itself may be corrected", kabinet.FilingCorrection, all, "2026-Q1",
			kabinet.FilingFacts{Accepted: true, Liquidation: []string{"2026-Q1"}}, ""},
		{"FIL-5 an earlier period stays open after liquidation", kabinet.FilingInitial, all, "2025-Q4",
			kabinet.FilingFacts{Liquidation: []string{"2026-Q1"}}, ""},
		{"FIL-5 monthly periods after a liquidation month", kabinet.FilingInitial, all, "2026-04",
			kabinet.FilingFacts{Liquidation: []string{"2026-03"}}, "form_closed"},
		{"FIL-5 form_closed comes before already_filed", kabinet.FilingInitial, all, "2026-05",
			kabinet.FilingFacts{Accepted: true, Liquidation: []string{"2026-03"}}, "form_closed"},
		{"invalid period", kabinet.FilingInitial, all, "2026-13", kabinet.FilingFacts{Liquidation: []string{"2026-01"}}, "invalid_period"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := kabinet.CheckFilingType(c.typ, c.allowed, c.period, c.facts)
			if c.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if got := kabinet.ErrorCode(err); got != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
		})
	}
	t.Run("FIL-5 refusals say why, with a fitting kind", func(t *testing.T) {
		kinds := map[string]kabinet.Kind{"already_filed": kabinet.KindConflict, "nothing_to_correct": kabinet.KindConflict,
			"form_closed": kabinet.KindConflict, "type_not_allowed": kabinet.KindUnprocessable}
		for _, c := range cases {
			err := kabinet.CheckFilingType(c.typ, c.allowed, c.period, c.facts)
			if want, ok := kinds[c.code]; ok {
				if e, _ := kabinet.AsError(err); e == nil || e.Kind != want || e.Message == "" {
					t.Errorf("%s: %v", c.name, err)
				}
			}
		}
	})
}

func TestFilingLate(t *testing.T) {
	due := kabinet.Date{Year: 2026, Month: time.October, Day: 20}
	cases := []struct {
		name string
		at   time.Time
		late bool
	}{
		{"FIL-8 during the due date", time.Date(2026, 10, 20, 12, 0, 0, 0, kabinet.Bishkek), false},
		{"FIL-8 the last millisecond of the due date, Bishkek", time.Date(2026, 10, 20, 23, 59, 59, 999e6, kabinet.Bishkek), false},
		{"FIL-8 Bishkek midnight after the due date", time.Date(2026, 10, 21, 0, 0, 0, 0, kabinet.Bishkek), true},
		{"FIL-8 still the 20th in UTC but the 21st in Bishkek", time.Date(2026, 10, 20, 18, 30, 0, 0, time.UTC), true},
		{"FIL-8 the 20th in UTC, before Bishkek midnight", time.Date(2026, 10, 20, 17, 59, 0, 0, time.UTC), false},
		{"FIL-8 early", time.Date(2026, 10, 1, 9, 0, 0, 0, kabinet.Bishkek), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := kabinet.FilingLate(due, c.at); got != c.late {
				t.Errorf("late = %v, want %v", got, c.late)
			}
		})
	}
	t.Run("FIL-7 cell 901 is the Bishkek date of receipt", func(t *testing.T) {
		at := time.Date(2026, 10, 20, 19, 0, 0, 0, time.UTC) // 01:00 on the 21st in Bishkek
		if got := kabinet.AcceptedOn(at).String(); got != "21.10.2026" {
			t.Errorf("901 = %s", got)
		}
	})
}

func TestFilingPeriodAfter(t *testing.T) {
	cases := []struct {
		p, q  string
		after bool
		code  string
	}{
		{"2026-Q2", "2026-Q1", true, ""},
		{"2026-Q1", "2026-Q1", false, ""},
		{"2025-Q4", "2026-Q1", false, ""},
		{"2026-04", "2026-Q1", true, ""},
		{"2026-03", "2026-Q1", false, ""}, // inside the quarter: not after it
		{"2027", "2026", true, ""},
		{"2026-12", "2026", false, ""},
		{"2027-01", "2026", true, ""},
		{"2026-Q5", "2026", false, "invalid_period"},
		{"2026-00", "2026", false, "invalid_period"},
		{"+026-01", "2026", false, "invalid_period"},
		{"26-01", "2026", false, "invalid_period"},
		{"2026-1", "2026", false, "invalid_period"},
		{"2026-01", "2026-01x", false, "invalid_period"},
	}
	for _, c := range cases {
		after, err := kabinet.PeriodAfter(c.p, c.q)
		if kabinet.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("PeriodAfter(%s, %s): %v, want %s", c.p, c.q, err, c.code)
			continue
		}
		if err == nil && after != c.after {
			t.Errorf("PeriodAfter(%s, %s) = %v", c.p, c.q, after)
		}
	}
}

func TestFilingNumber(t *testing.T) {
	if got := kabinet.FormatFilingNumber(2026, 123); got != "F-2026-0000123" {
		t.Errorf("FIL-7 number %s", got)
	}
	for in, want := range map[string]string{" f-2026-0000123 ": "F-2026-0000123", "ф-2026-0000123": "F-2026-0000123"} {
		if got := kabinet.NormalizeFilingNumber(in); got != want {
			t.Errorf("NormalizeFilingNumber(%q) = %q", in, got)
		}
	}
	f := kabinet.Filing{Number: "F-2026-0000001", INN: "11705198700772", Form: "STI-107", Version: 3, Period: "2026-Q3",
		Type: kabinet.FilingInitial, ReceivedAt: time.Date(2026, 10, 20, 19, 0, 0, 0, time.UTC),
		AcceptedOn: kabinet.Date{Year: 2026, Month: 10, Day: 21}, Digest: "ab", VerificationCode: "X", Content: []byte(`{"cells":{"203":"1.00"}}`)}
	r := f.Receipt()
	if r.Number != f.Number || r.AcceptedOn != "21.10.2026" || r.Digest != "ab" || r.Form != "STI-107" || r.Version != 3 {
		t.Errorf("FIL-7 receipt %+v", r)
	}
}

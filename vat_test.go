package kabinet_test

import (
	"reflect"
	"testing"
	"time"

	"kabinet"
)

func TestVATSeries(t *testing.T) {
	t.Run("VAT-4 series are AA … ZZ", func(t *testing.T) {
		for _, c := range []struct {
			i    int
			name string
		}{{0, "AA"}, {1, "AB"}, {25, "AZ"}, {26, "BA"}, {675, "ZZ"}} {
			if got := kabinet.VATSeriesName(c.i); got != c.name {
				t.Errorf("VATSeriesName(%d) = %q, want %q", c.i, got, c.name)
			}
			if got, err := kabinet.ParseVATSeries(c.name); err != nil || got != c.i {
				t.Errorf("ParseVATSeries(%q) = %d, %v", c.name, got, err)
			}
		}
		if kabinet.VATSeriesCount != 676 || kabinet.VATCapacity != 676*9_999_999 {
			t.Errorf("capacity %d series, %d numbers", kabinet.VATSeriesCount, kabinet.VATCapacity)
		}
	})
	t.Run("VAT-6 typed series and numbers", func(t *testing.T) {
		if i, err := kabinet.ParseVATSeries(" ab "); err != nil || i != 1 {
			t.Errorf("lower case with spaces: %d %v", i, err)
		}
		for in, want := range map[string]int{"АВ": 1, "ва": 26 + 0, "Ам": 12, "РС": 15*26 + 2} { // Cyrillic look-alikes
			if got, err := kabinet.ParseVATSeries(in); err != nil || got != want {
				t.Errorf("ParseVATSeries(%q) = %d (%s), %v; want %s", in, got, kabinet.VATSeriesName(got), err, kabinet.VATSeriesName(want))
			}
		}
		for _, bad := range []string{"", "A", "AAA", "A1", "ДЖ", "Ө" + "A", "a\x00"} {
			if _, err := kabinet.ParseVATSeries(bad); kabinet.ErrorCode(err) != "invalid_series" {
				t.Errorf("ParseVATSeries(%q): %v", bad, err)
			}
		}
		for in, want := range map[string]int{"0000001": 1, "42": 42, " 9999999 ": 9_999_999} {
			if got, err := kabinet.ParseVATNumber(in); err != nil || got != want {
				t.Errorf("ParseVATNumber(%q) = %d, %v", in, got, err)
			}
		}
		for _, bad := range []string{"", "0", "0000000", "10000000", "-1", "1e3", "١٢", "12a"} {
			if _, err := kabinet.ParseVATNumber(bad); kabinet.ErrorCode(err) != "invalid_number" {
				t.Errorf("ParseVATNumber(%q): %v", bad, err)
			}
		}
		if kabinet.FormatVATNumber(42) != "0000042" {
			t.Error(kabinet.FormatVATNumber(42))
		}
		r := kabinet.VATRange{Series: "AA", From: 1, To: 100}
		if r.String() != "AA 0000001 – 0000100" || r.Quantity() != 100 || !r.Contains("AA", 100) || r.Contains("AB", 1) || r.Contains("AA", 101) {
			t.Errorf("range %v", r)
		}
	})
}

func TestVATRangesFor(t *testing.T) {
	last := int64(kabinet.VATNumbersPerSeries) // the first position of series AB
	for _, c := range []struct {
		name  string
		start int64
		q     int
		want  []kabinet.VATRange
	}{
		{"VAT-4 the first assignment starts at AA 0000001", 0, 100, []kabinet.VATRange{{"AA", 1, 100}}},
		{"VAT-4 consecutive: the next starts where the last ended", 100, 5, []kabinet.VATRange{{"AA", 101, 105}}},
		{"VAT-4 fits exactly to the series' end", last - 10, 10, []kabinet.VATRange{{"AA", 9_999_990, 9_999_999}}},
		{"VAT-4 crossing the end splits in two consecutive series", last - 3, 10,
			[]kabinet.VATRange{{"AA", 9_999_997, 9_999_999}, {"AB", 1, 7}}},
		{"VAT-4 the next series starts when one is full", last, 1, []kabinet.VATRange{{"AB", 1, 1}}},
		{"VAT-4 AZ runs into BA", 26*last - 1, 2, []kabinet.VATRange{{"AZ", 9_999_999, 9_999_999}, {"BA", 1, 1}}},
		{"VAT-4 the last number of ZZ", kabinet.VATCapacity - 1, 1, []kabinet.VATRange{{"ZZ", 9_999_999, 9_999_999}}},
		{"nothing for nothing", 5, 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := kabinet.VATRangesFor(c.start, c.q)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("VATRangesFor(%d, %d) = %v, want %v", c.start, c.q, got, c.want)
			}
			total := 0
			for _, r := range got {
				total += r.Quantity()
			}
			if total != c.q {
				t.Errorf("VAT-4 the full quantity: %d of %d", total, c.q)
			}
			if len(got) > 0 {
				s, _ := kabinet.ParseVATSeries(got[0].Series)
				if kabinet.VATPosition(s, got[0].From) != c.start {
					t.Errorf("VATPosition of the first number %d, want %d", kabinet.VATPosition(s, got[0].From), c.start)
				}
			}
		})
	}
	t.Run("VAT-4 exhaustion after ZZ", func(t *testing.T) {
		if !kabinet.VATFits(kabinet.VATCapacity-10, 10) || kabinet.VATFits(kabinet.VATCapacity-10, 11) || kabinet.VATFits(kabinet.VATCapacity, 1) {
			t.Error("VATFits at the end of the sequence")
		}
		if err := kabinet.ErrVATSeriesExhausted(); kabinet.ErrorCode(err) != "series_exhausted" || kabinet.ErrorKind(err) != kabinet.KindConflict {
			t.Error(err)
		}
	})
}

func TestVATQuantityAndDue(t *testing.T) {
	pol := kabinet.DefaultPolicy()
	t.Run("VAT-2 quantity 1 … the policy maximum (10,000)", func(t *testing.T) {
		for q, code := range map[int]string{1: "", 10_000: "", 0: "invalid_quantity", -5: "invalid_quantity", 10_001: "invalid_quantity"} {
			if err := kabinet.CheckVATQuantity(q, pol); kabinet.ErrorCode(err) != code && !(code == "" && err == nil) {
				t.Errorf("CheckVATQuantity(%d) = %v, want %q", q, err, code)
			}
		}
	})
	t.Run("VAT-2 due at the end of the second calendar day, Bishkek time", func(t *testing.T) {
		for _, c := range []struct{ submitted, due time.Time }{
			{time.Date(2026, 11, 22, 9, 0, 0, 0, kabinet.Bishkek), time.Date(2026, 11, 24, 23, 59, 59, 999e6, kabinet.Bishkek)},
			{time.Date(2026, 11, 22, 23, 59, 0, 0, kabinet.Bishkek), time.Date(2026, 11, 24, 23, 59, 59, 999e6, kabinet.Bishkek)},
			// 19:00 UTC on the 22nd is already the 23rd in Bishkek.
			{time.Date(2026, 11, 22, 19, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 23, 59, 59, 999e6, kabinet.Bishkek)},
			{time.Date(2026, 12, 31, 10, 0, 0, 0, kabinet.Bishkek), time.Date(2027, 1, 2, 23, 59, 59, 999e6, kabinet.Bishkek)},
		} {
			if got := kabinet.VATDecisionDue(c.submitted, pol); !got.Equal(c.due) {
				t.Errorf("VATDecisionDue(%v) = %v, want %v", c.submitted, got.In(kabinet.Bishkek), c.due)
			}
		}
		p := pol
		p.VATDays = 5
		if got := kabinet.VATDecisionDue(time.Date(2026, 11, 22, 9, 0, 0, 0, kabinet.Bishkek), p); !got.Equal(time.Date(2026, 11, 27, 23, 59, 59, 999e6, kabinet.Bishkek)) {
			t.Errorf("policy VATDays 5: %v", got)
		}
	})
	t.Run("PWD-6 the VAT numbers of the policy are validated", func(t *testing.T) {
		if pol.VATMaxQuantity != 10_000 || pol.VATDays != 2 || pol.Validate() != nil {
			t.Fatalf("defaults %+v", pol)
		}
		for _, bad := range []func(p *kabinet.Policy){
			func(p *kabinet.Policy) { p.VATMaxQuantity = 0 },
			func(p *kabinet.Policy) { p.VATMaxQuantity = kabinet.VATNumbersPerSeries + 1 },
			func(p *kabinet.Policy) { p.VATDays = 0 },
			func(p *kabinet.Policy) { p.VATDays = 31 },
		} {
			p := pol
			bad(&p)
			if kabinet.ErrorCode(p.Validate()) != "invalid_policy" {
				t.Errorf("accepted %+v", p)
			}
		}
	})
}

func TestVATDecisionRules(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, kabinet.Bishkek)
	on := func(y int, m time.Month, d int) *time.Time {
		t := time.Date(y, m, d, 0, 0, 0, 0, kabinet.Bishkek)
		return &t
	}
	payer := kabinet.Taxpayer{INN: "01503201010123", Status: kabinet.RegistrationActive, VATRegisteredOn: on(2020, 1, 15)}
	notPayer := payer
	notPayer.VATRegisteredOn = nil
	liquidated := payer
	liquidated.Status = kabinet.RegistrationLiquidated
	fraud := payer
	fraud.FraudReference = "Акт № 12-04/118"
	fromToday, fromTomorrow := payer, payer
	fromToday.VATRegisteredOn, fromTomorrow.VATRegisteredOn = on(2026, 11, 22), on(2026, 11, 23)

	t.Run("VAT-1 who may apply", func(t *testing.T) {
		for _, c := range []struct {
			name string
			t    kabinet.Taxpayer
			code string
		}{
			{"a VAT payer with an active registration", payer, ""},
			{"registered as a payer from today", fromToday, ""},
			{"registered as a payer only from tomorrow", fromTomorrow, "not_vat_payer"},
			{"not a VAT payer", notPayer, "not_vat_payer"},
			{"registration liquidated", liquidated, "registration_liquidated"},
		} {
			err := kabinet.VATPayer(c.t, now)
			if got := kabinet.ErrorCode(err); (c.code == "" && err != nil) || (c.code != "" && got != c.code) {
				t.Errorf("%s: %v, want %q", c.name, err, c.code)
			}
		}
	})
	t.Run("VAT-3 the decision", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			t      kabinet.Taxpayer
			assign bool
			ground kabinet.VATGround
			text   string
			code   string
		}{
			{"assign to a VAT payer", payer, true, "", "", ""},
			{"the fraud mark bars assignment", fraud, true, "", "", "fraud_evidence"},
			{"no assignment to a subject no longer a payer", notPayer, true, "", "", "not_vat_payer"},
			{"no assignment on a liquidated registration", liquidated, true, "", "", "registration_liquidated"},
			{"an assignment has no ground", payer, true, kabinet.VATGroundOther, "", "invalid_ground"},
			{"refuse: not a VAT payer", notPayer, false, kabinet.VATGroundNotPayer, "", ""},
			{"refuse: registration liquidated", liquidated, false, kabinet.VATGroundLiquidated, "", ""},
			{"refuse: fraud evidence", fraud, false, kabinet.VATGroundFraud, "", ""},
			{"refuse: another ground with its text", payer, false, kabinet.VATGroundOther, "долг по НДС", ""},
			{"refuse: another ground needs its text", payer, false, kabinet.VATGroundOther, "  ", "ground_text_required"},
			{"refuse: a ground off the closed list", payer, false, "no_registration", "", "invalid_ground"},
			{"refuse: no ground", payer, false, "", "", "invalid_ground"},
		} {
			err := kabinet.CheckVATDecision(c.t, now, c.assign, c.ground, c.text)
			if got := kabinet.ErrorCode(err); (c.code == "" && err != nil) || (c.code != "" && got != c.code) {
				t.Errorf("%s: %v, want %q", c.name, err, c.code)
			}
		}
		if kabinet.ErrorKind(kabinet.CheckVATDecision(fraud, now, true, "", "")) != kabinet.KindConflict {
			t.Error("VAT-3 fraud_evidence is a 409")
		}
	})
}

func TestVATUnusedAndState(t *testing.T) {
	r := kabinet.VATAssignedRange{VATRange: kabinet.VATRange{Series: "AB", From: 101, To: 200}, INN: "01503201010123"}
	t.Run("VAT-5 the unused tail", func(t *testing.T) {
		for _, c := range []struct {
			name     string
			annulled int
			from, to int
			code     string
		}{
			{"the tail from a number to the end", 0, 150, 200, ""},
			{"the whole range", 0, 101, 200, ""},
			{"the last number", 0, 200, 200, ""},
			{"not to the range's end", 0, 150, 199, "invalid_tail"},
			{"beyond the range's end", 0, 150, 201, "invalid_tail"},
			{"starting before the range", 0, 100, 200, "invalid_tail"},
			{"starting after the range", 0, 201, 200, "invalid_tail"},
			{"a longer tail than the one annulled", 170, 150, 200, ""},
			{"the tail already annulled", 170, 170, 200, "already_annulled"},
			{"within the tail already annulled", 170, 180, 200, "already_annulled"},
		} {
			rr := r
			rr.AnnulledFrom = c.annulled
			err := kabinet.CheckVATUnused(rr, c.from, c.to)
			if got := kabinet.ErrorCode(err); (c.code == "" && err != nil) || (c.code != "" && got != c.code) {
				t.Errorf("%s: %v, want %q", c.name, err, c.code)
			}
		}
	})
	t.Run("VAT-6 the public check", func(t *testing.T) {
		annulled := r
		annulled.AnnulledFrom = 150
		for _, c := range []struct {
			name   string
			r      *kabinet.VATAssignedRange
			inn    string
			number int
			want   kabinet.VATNumberState
		}{
			{"assigned to that ИНН", &r, r.INN, 120, kabinet.VATAssigned},
			{"assigned to another ИНН answers not_assigned", &r, "11705198700772", 120, kabinet.VATNotAssigned},
			{"never assigned", nil, r.INN, 120, kabinet.VATNotAssigned},
			{"outside the range", &r, r.INN, 201, kabinet.VATNotAssigned},
			{"before the annulled tail", &annulled, r.INN, 149, kabinet.VATAssigned},
			{"in the annulled tail", &annulled, r.INN, 150, kabinet.VATAnnulled},
			{"annulled, asked with another ИНН", &annulled, "11705198700772", 150, kabinet.VATNotAssigned},
		} {
			if got := kabinet.VATStateOf(c.r, c.inn, c.number); got != c.want {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
	})
}

package money

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	t.Run("FIL-4 wire format -?\\d+(\\.\\d{1,2})?", func(t *testing.T) {
		for _, tc := range []struct {
			in   string
			want Amount
			err  error
		}{
			{"0", 0, nil},
			{"1234.56", 123456, nil},
			{"1234.5", 123450, nil},
			{"-0.01", -1, nil},
			{"0.01", 1, nil},
			{"007", 700, nil},
			{"5000000000", 500000000000, nil}, // five billion сом
			{"1000000000000000", MaxAmount, nil},
			{"-1000000000000000", MinAmount, nil},
			{"1000000000000000.01", 0, ErrRange},
			{"99999999999999999999", 0, ErrRange},
			{"1234.567", 0, ErrSyntax},
			{"1234.", 0, ErrSyntax},
			{".5", 0, ErrSyntax},
			{"", 0, ErrSyntax},
			{"-", 0, ErrSyntax},
			{"+1", 0, ErrSyntax},
			{"1 234", 0, ErrSyntax},
			{"1,5", 0, ErrSyntax},
			{"1e3", 0, ErrSyntax},
			{"١٢", 0, ErrSyntax}, // only ASCII digits
		} {
			got, err := Parse(tc.in)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Errorf("Parse(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
			}
		}
	})
	t.Run("FIL-4 human format on pages", func(t *testing.T) {
		for _, tc := range []struct {
			in   string
			want Amount
			ok   bool
		}{
			{"1 234,56", 123456, true},
			{"1\u00a0234\u00a0567,8", 123456780, true},
			{"1\u202f234", 123400, true},
			{"1\u2009234.5", 123450, true},
			{" 12,5 ", 1250, true},
			{"-1 000", -100000, true},
			{"1234.56", 123456, true},
			{"12 34", 0, false},
			{"1 2345", 0, false},
			{"1,234.56", 0, false},
			{"1.234,56", 0, false},
			{"1 234,", 0, false},
			{"abc", 0, false},
		} {
			got, err := ParseHuman(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("ParseHuman(%q) = %d, %v; want %d ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		}
	})
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		a    Amount
		want string
		h    string
	}{
		{0, "0.00", "0,00"},
		{1, "0.01", "0,01"},
		{-1, "-0.01", "-0,01"},
		{-50, "-0.50", "-0,50"},
		{123456, "1234.56", "1\u00a0234,56"},
		{MaxAmount, "1000000000000000.00", "1\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000,00"},
		{MinAmount, "-1000000000000000.00", "-1\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000,00"},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("%d.String() = %q, want %q", int64(tc.a), got, tc.want)
		}
		if got := tc.a.Human(); got != tc.h {
			t.Errorf("%d.Human() = %q, want %q", int64(tc.a), got, tc.h)
		}
		if back, err := ParseHuman(tc.a.Human()); err != nil || back != tc.a {
			t.Errorf("ParseHuman(Human(%d)) = %d, %v", int64(tc.a), back, err)
		}
		if back, err := Parse(tc.a.String()); err != nil || back != tc.a {
			t.Errorf("Parse(String(%d)) = %d, %v", int64(tc.a), back, err)
		}
	}
}

func TestRate(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"0.25", "0.25", true}, {"10", "10", true}, {"0.1", "0.1", true}, {"0.0001", "0.0001", true},
		{"100", "100", true}, {"10.5000", "10.5", true}, {"0", "0", true},
		{"100.0001", "", false}, {"-1", "", false}, {"0.00001", "", false}, {"1,5", "", false}, {"", "", false},
	} {
		r, err := ParseRate(tc.in)
		if (err == nil) != tc.ok || tc.ok && r.String() != tc.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %q ok=%v", tc.in, r, err, tc.want, tc.ok)
		}
	}
}

func TestMulRate(t *testing.T) {
	t.Run("FIL-4 rounding half away from zero to 0.01", func(t *testing.T) {
		rate := func(s string) Rate {
			r, err := ParseRate(s)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		for _, tc := range []struct {
			a    string
			r    string
			want string
		}{
			{"1000.00", "10", "100.00"},
			{"0.05", "10", "0.01"},      // 0.005 → 0.01
			{"-0.05", "10", "-0.01"},    // −0.005 → −0.01
			{"0.04", "10", "0.00"},      // 0.004 → 0
			{"-0.04", "10", "0.00"},     // −0.004 → 0
			{"0.01", "50", "0.01"},      // 0.005
			{"0.01", "49.9999", "0.00"}, // 0.00499999
			{"1234.56", "0.1", "1.23"},  // 1.23456
			{"1234.56", "0.25", "3.09"}, // 3.0864
			{"5000000000.00", "0.1", "5000000.00"},
			{"1000000000000000.00", "100", "1000000000000000.00"}, // the product needs 128 bits
			{"1000000000000000.00", "99.9999", "999999000000000.00"},
			{"-1000000000000000.00", "0.0001", "-1000000000.00"},
			{"999999999999999.99", "8", "80000000000000.00"},
		} {
			a, err := Parse(tc.a)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.MulRate(rate(tc.r)).String(); got != tc.want {
				t.Errorf("%s × %s %% = %s, want %s", tc.a, tc.r, got, tc.want)
			}
		}
	})
	t.Run("FIL-4 division and limits", func(t *testing.T) {
		a, _ := Parse("0.05")
		if q, _ := a.Div(10); q != 1 {
			t.Errorf("0.05 / 10 = %v, want 0.01", q)
		}
		if q, _ := a.Neg().Div(10); q != -1 {
			t.Errorf("-0.05 / 10 = %v, want -0.01", q)
		}
		if _, err := a.Div(0); !errors.Is(err, ErrRange) {
			t.Errorf("division by zero: %v", err)
		}
		if _, err := MaxAmount.Add(1); !errors.Is(err, ErrRange) {
			t.Errorf("Max+0.01: %v", err)
		}
		if _, err := MinAmount.Sub(1); !errors.Is(err, ErrRange) {
			t.Errorf("Min-0.01: %v", err)
		}
		if s, err := MaxAmount.Sub(MaxAmount); err != nil || s != 0 {
			t.Errorf("Max-Max = %v, %v", s, err)
		}
		if _, err := FromSom(1_000_000_000_000_001); !errors.Is(err, ErrRange) {
			t.Errorf("FromSom beyond the limit: %v", err)
		}
		if q, err := DivRound(1<<62, 1<<62, 1<<62); err != nil || q != 1<<62 {
			t.Errorf("DivRound big = %d, %v", q, err)
		}
		if _, err := DivRound(1<<62, 1<<62, 1); !errors.Is(err, ErrRange) {
			t.Errorf("DivRound overflow: %v", err)
		}
	})
}

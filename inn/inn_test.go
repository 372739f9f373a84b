package inn

import (
	"strings"
	"testing"
	"time"

	"kabinet"
)

func TestParse(t *testing.T) {
	ok := []struct {
		name, in string
		kind     Kind
		sex      Sex
		date     string
		serial   string
	}{
		{"INN-1 the Guide's taxpayer", "11705198700772", Individual, Female, "1987-05-17", "00772"},
		{"INN-1 male", "22001198500345", Individual, Male, "1985-01-20", "00345"},
		{"INN-1 legal entity", "01503201010123", Legal, NoSex, "2010-03-15", "10123"},
		{"INN-1 leap day", "12902200000001", Individual, Female, "2000-02-29", "00001"},
		{"INN-1 surrounding spaces ignored", " 11705198700772\n", Individual, Female, "1987-05-17", "00772"},
		{"INN-1 surrounding ASCII tab, CR, VT, FF ignored", "\t\v\f11705198700772\r\n", Individual, Female, "1987-05-17", "00772"},
		{"INN-1 earliest year 1900", "10101190000001", Individual, Female, "1900-01-01", "00001"},
		{"INN-1 latest year 2100", "23112210099999", Individual, Male, "2100-12-31", "99999"},
		{"INN-1 legacy date in the future is not checked against today", "20101209900001", Individual, Male, "2099-01-01", "00001"},
		{"INN-1 legal entity leading zero kept", "00101199200001", Legal, NoSex, "1992-01-01", "00001"},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			v, err := Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if v.Kind != c.kind || v.Sex != c.sex || v.Date.Format(time.DateOnly) != c.date || v.Serial != c.serial || len(v.Value) != 14 || v.Value[0] != strings.Trim(c.in, " \t\n\v\f\r")[0] {
				t.Errorf("%+v", v)
			}
		})
	}
	bad := []struct{ name, in, reason string }{
		{"INN-1 empty", "", "empty"},
		{"INN-1 only white space", " \t\r\n", "empty"},
		{"INN-1 too short", "1170519870077", "length"},
		{"INN-1 too long", "117051987007721", "length"},
		{"INN-1 first digit 3", "31705198700772", "first_digit"},
		{"INN-1 first digit 9", "91705198700772", "first_digit"},
		{"INN-1 31 February", "13102198700772", "date"},
		{"INN-1 29 February, not a leap year", "12902190100001", "date"},
		{"INN-1 month 13", "11713198700772", "date"},
		{"INN-1 day 00", "10005198700772", "date"},
		{"INN-1 year 0000", "11705000000772", "date"},
		{"INN-1 year 1899", "13112189900001", "date"},
		{"INN-1 year 2101", "10101210100001", "date"},
		{"INN-1 31 April", "13104198700772", "date"},
		{"INN-1 month 00", "11700198700772", "date"},
		{"INN-1 legal entity impossible date", "03002201010123", "date"},
		{"INN-1 SEC-3 letters", "1170519870077A", "digits"},
		{"INN-1 SEC-3 inner space", "1170519 8700772", "digits"},
		{"INN-1 SEC-3 Arabic-Indic digits", "١١٧٠٥١٩٨٧٠٠٧٧٢", "digits"},
		{"INN-1 SEC-3 fullwidth digits", "１１７０５１９８７００７７２", "digits"},
		{"INN-1 SEC-3 NUL byte", "1170519870077\x00", "digits"},
		{"INN-1 SEC-3 invalid UTF-8", "\xff\xfe170519870077", "digits"},
		{"INN-1 SEC-3 non-breaking space is not trimmed", "\u00a011705198700772", "digits"},
		{"INN-1 SEC-3 hyphen", "1-1705198700772", "digits"},
		{"INN-1 SEC-3 sign", "+1705198700772", "digits"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.in)
			e, ok := kabinet.AsError(err)
			if !ok || e.Code != "invalid_inn" || e.Details["reason"] != c.reason || e.Kind != kabinet.KindInvalid {
				t.Errorf("Parse(%q) = %v, want reason %s", c.in, err, c.reason)
			}
			if Valid(c.in) {
				t.Errorf("Valid(%q)", c.in)
			}
		})
	}
	if !Valid("11705198700772") || Valid("x") {
		t.Error("Valid")
	}
	t.Run("INN-1 the message does not repeat the birth date", func(t *testing.T) {
		_, err := Parse("13102198700772")
		if strings.Contains(err.Error(), "1987") {
			t.Errorf("message leaks the date: %v", err)
		}
	})
}

func TestStrings(t *testing.T) {
	if Individual.String() != "individual" || Legal.String() != "legal" || Kind(0).String() != "unknown" {
		t.Error("Kind.String")
	}
	if Female.String() != "female" || Male.String() != "male" || NoSex.String() != "none" {
		t.Error("Sex.String")
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		Parse("11705198700772")
	}
}

func BenchmarkParseInvalid(b *testing.B) {
	for b.Loop() {
		Parse("13102198700772")
	}
}

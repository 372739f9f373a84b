// Package inn parses and validates the ИНН (ПИН), the taxpayer identification number
// of the Kyrgyz Republic (INN-1).
//
// Facts (shared/data/README.md, «Facts about identifiers», gathered from the State Tax
// Service's and the State Registration Service's published descriptions):
//   - 14 digits, kept as a string: leading zeros matter.
//   - An individual: S DDMMYYYY NNNNN — S is 1 (female) or 2 (male), then the birth
//     date, then a 5-digit serial. 11705198700772 is female, born 17.05.1987, serial 00772.
//   - A legal entity: first digit 0, then a date (apparently of state registration),
//     then 5 digits.
//   - No published checksum. Legacy numbers exist whose date is not the holder's real
//     birth date, so the date is checked only for being a real calendar date (1900–2100),
//     never against today, the registry or anything else.
package inn

import (
	"strings"
	"time"

	"kabinet"
)

// Kind is the kind of subject an ИНН belongs to.
type Kind int

const (
	Individual Kind = iota + 1 // first digit 1 or 2
	Legal                      // first digit 0
)

func (k Kind) String() string {
	switch k {
	case Individual:
		return "individual"
	case Legal:
		return "legal"
	}
	return "unknown"
}

// Sex of an individual, from the first digit.
type Sex int

const (
	NoSex  Sex = iota // legal entities
	Female            // 1
	Male              // 2
)

func (s Sex) String() string {
	switch s {
	case Female:
		return "female"
	case Male:
		return "male"
	}
	return "none"
}

// INN is a parsed ИНН.
type INN struct {
	Value  string // the 14 digits
	Kind   Kind
	Sex    Sex
	Date   time.Time // birth date (individuals) or the date in a legal entity's number
	Serial string    // the last 5 digits
}

func invalid(reason, format string, args ...any) error {
	return kabinet.Errorf(kabinet.KindInvalid, "invalid_inn", format, args...).With("reason", reason)
}

// asciiSpace is the white space trimmed around an ИНН: ASCII only. A non-breaking
// space or any other Unicode space is not trimmed and so makes the ИНН invalid.
const asciiSpace = " \t\n\v\f\r"

// Parse checks an ИНН (INN-1). Surrounding ASCII white space is ignored; inside, only
// the ASCII digits 0–9 count (SEC-3: no Unicode digits — Arabic-Indic, fullwidth… —
// no spaces, no hyphens). The reasons, in the order they are checked: "empty",
// "digits", "length", "first_digit", "date". Messages never repeat the digits: an
// ИНН holds a birth date, and messages go to logs.
func Parse(s string) (INN, error) {
	s = strings.Trim(s, asciiSpace)
	if s == "" {
		return INN{}, invalid("empty", "ИНН is empty")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return INN{}, invalid("digits", "ИНН must consist of the digits 0-9 only")
		}
	}
	if len(s) != 14 {
		return INN{}, invalid("length", "ИНН must have 14 digits, not %d", len(s))
	}
	v := INN{Value: s, Serial: s[9:]}
	switch s[0] {
	case '0':
		v.Kind = Legal
	case '1':
		v.Kind, v.Sex = Individual, Female
	case '2':
		v.Kind, v.Sex = Individual, Male
	default:
		return INN{}, invalid("first_digit", "ИНН must start with 1 or 2 (individuals) or 0 (legal entities)")
	}
	// Digits 2–9 are a date DDMMYYYY. time.Date normalises 31.02 to 03.03, so a date
	// that does not come back as it went in does not exist.
	day, month, year := atoi(s[1:3]), atoi(s[3:5]), atoi(s[5:9])
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if year < 1900 || year > 2100 || d.Day() != day || int(d.Month()) != month || d.Year() != year {
		return INN{}, invalid("date", "ИНН digits 2-9 must be a real calendar date DDMMYYYY (1900-2100)")
	}
	v.Date = d
	return v, nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Valid reports whether s is a valid ИНН.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

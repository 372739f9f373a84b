// Package passport parses field 106, the series and number of a Kyrgyz passport (PSP-1).
//
// Facts (shared/data/README.md): two Latin letters and seven digits, e.g. AN4890152
// (the Guide prints "AN 4890152"). Series seen: AN (the 2004 ID card), ID (the 2017
// biometric ID card), AC and PE (travel passports). Typed text is normalised first —
// upper case, no spaces, Cyrillic look-alike letters mapped to Latin — and an unknown
// series is accepted with a flag for the officer, not refused.
package passport

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"kabinet"
)

// Passport is a normalised passport series and number.
type Passport struct {
	Series string // two Latin capitals
	Number string // seven digits
	Known  bool   // AN, ID, AC or PE
}

// String is the stored form: AN4890152.
func (p Passport) String() string { return p.Series + p.Number }

// Display is the printed form: AN 4890152.
func (p Passport) Display() string { return p.Series + " " + p.Number }

// KnownSeries reports whether series is one in use (shared/data/README.md): AN (the
// 2004 ID card), ID (the 2017 biometric ID card), AC and PE (travel passports).
func KnownSeries(series string) bool {
	switch series {
	case "AN", "ID", "AC", "PE":
		return true
	}
	return false
}

// lookalike maps Cyrillic letters typed for a series (a keyboard left in the Russian or
// Kyrgyz layout, or a series copied from a Russian text) to the Latin letter meant:
// А→A, В→B, Е→E, К→K, М→M, О→O, Р→P, С→C, Т→T, Х→X, У→Y (lower-case forms are
// upper-cased first). Two are mapped by what they stand for rather than by their shape:
// Н→N, not the H it resembles, because the 2004 ID card's series AN is commonly written
// «АН» in Cyrillic and no series in use has an H; and І, Д in «ІД» → I, D, the
// biometric card's series. A mix («АN»: Cyrillic А, Latin N) normalises the same way.
func lookalike(r rune) rune {
	switch r {
	case 'А':
		return 'A'
	case 'В':
		return 'B'
	case 'Е':
		return 'E'
	case 'К':
		return 'K'
	case 'М':
		return 'M'
	case 'Н':
		return 'N'
	case 'О':
		return 'O'
	case 'Р':
		return 'P'
	case 'С':
		return 'C'
	case 'Т':
		return 'T'
	case 'Х':
		return 'X'
	case 'У':
		return 'Y'
	case 'І':
		return 'I'
	case 'Д':
		return 'D'
	}
	return r
}

// separator reports whether r is dropped from typed text: spaces (incl. non-breaking
// and thin ones), tabs, line ends of pasted text, and the hyphens and dashes word
// processors put in.
func separator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '-', '\u00a0', '\u2007', '\u2009', '\u202f', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// Normalize upper-cases s, drops spaces, hyphens and non-breaking spaces, and maps
// Cyrillic look-alikes to Latin letters. It does not check anything: Parse does.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if separator(r) {
			continue
		}
		b.WriteRune(lookalike(r))
	}
	return b.String()
}

func invalid(reason string) error {
	return kabinet.Errorf(kabinet.KindUnprocessable, "invalid_passport",
		"passport (field 106): two Latin letters and seven digits, e.g. AN 4890152").With("reason", reason)
}

// maxInput bounds what is normalised at all: field 106 with generous spacing is far
// shorter.
const maxInput = 64

// Parse checks field 106 (PSP-1). The reasons: "invalid_text" (invalid UTF-8 or a NUL
// or other control character), "empty", "length" (not nine symbols after
// normalisation), "series" (the first two are not Latin letters), "number" (the last
// seven are not ASCII digits). An unknown series is not an error: Known is false and
// the officer is told.
func Parse(s string) (Passport, error) {
	if !utf8.ValidString(s) {
		return Passport{}, invalid("invalid_text")
	}
	for _, r := range s {
		if unicode.IsControl(r) && !separator(r) {
			return Passport{}, invalid("invalid_text")
		}
	}
	if len(s) > maxInput {
		return Passport{}, invalid("length")
	}
	n := []rune(Normalize(s))
	if len(n) == 0 {
		return Passport{}, invalid("empty")
	}
	if len(n) != 9 {
		return Passport{}, invalid("length")
	}
	for _, r := range n[:2] {
		if r < 'A' || r > 'Z' {
			return Passport{}, invalid("series")
		}
	}
	for _, r := range n[2:] {
		if r < '0' || r > '9' {
			return Passport{}, invalid("number")
		}
	}
	p := Passport{Series: string(n[:2]), Number: string(n[2:])}
	p.Known = KnownSeries(p.Series)
	return p, nil
}

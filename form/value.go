package form

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kabinet/money"
)

// Integer cells hold at most 15 digits.
const maxInteger = 999_999_999_999_999

// scaleOf is a numeric kind's number of decimals.
func scaleOf(k Kind) int32 {
	switch k {
	case KindMoney:
		return 2
	case KindRate:
		return 4
	}
	return 0
}

func numeric(k Kind) bool { return k == KindMoney || k == KindRate || k == KindInteger }

var errFormat = errors.New("invalid format")

// parseValue reads s as a value of kind k: the canonical string and, for a numeric
// kind, its exact value. Empty s is an empty cell. human accepts money as people type
// it ("1 234,56").
func parseValue(k Kind, s string, human bool) (string, dec, error) {
	if s == "" {
		return "", dec{s: scaleOf(k)}, nil
	}
	switch k {
	case KindMoney:
		var a money.Amount
		var err error
		if human {
			a, err = money.ParseHuman(s)
		} else {
			a, err = money.Parse(s)
		}
		if err != nil {
			return "", dec{}, err
		}
		return sameOr(s, a.AppendTo(make([]byte, 0, 24))), dec{n: int64(a), s: 2}, nil
	case KindRate:
		r, err := money.ParseRate(strings.TrimSpace(strings.ReplaceAll(s, ",", ".")))
		if err != nil {
			return "", dec{}, err
		}
		return r.String(), dec{n: int64(r), s: 4}, nil
	case KindInteger:
		t := strings.TrimPrefix(s, "-")
		if !digits(t) {
			return "", dec{}, errFormat
		}
		t = strings.TrimLeft(t, "0")
		if len(t) > 15 {
			return "", dec{}, money.ErrRange
		}
		n, _ := strconv.ParseInt("0"+t, 10, 64)
		if strings.HasPrefix(s, "-") {
			n = -n
		}
		return sameOr(s, strconv.AppendInt(make([]byte, 0, 24), n, 10)), dec{n: n}, nil
	case KindDate:
		t := strings.TrimSpace(s)
		if d, err := time.Parse("2006-01-02", t); err == nil && d.Year() >= 1900 {
			return t, dec{}, nil // the layout is the canonical one: two digits each, as Format writes
		}
		if d, err := time.Parse("02.01.2006", t); err == nil && d.Year() >= 1900 {
			return d.Format("2006-01-02"), dec{}, nil
		}
		return "", dec{}, errFormat
	default: // text, choice
		if !utf8.ValidString(s) {
			return "", dec{}, errFormat
		}
		for _, r := range s {
			if unicode.IsControl(r) && r != '\t' || r == '\u2028' || r == '\u2029' {
				return "", dec{}, errFormat
			}
		}
		return strings.TrimSpace(s), dec{}, nil
	}
}

// sameOr returns s when it already is the canonical text canon (most cells as a form
// sends them), else canon as a new string: the input control of 500 rows makes no
// copy of what it keeps as it came.
func sameOr(s string, canon []byte) string {
	if string(canon) == s {
		return s
	}
	return string(canon)
}

// canonicalValue is parseValue's canonical string.
func canonicalValue(k Kind, s string) (string, error) {
	v, _, err := parseValue(k, s, false)
	return v, err
}

// formatDec formats a numeric value of kind k canonically, or fails when it is
// beyond the kind's range.
func formatDec(k Kind, x dec) (string, dec, error) {
	switch k {
	case KindMoney:
		n, err := x.int64At(2, int64(money.MaxAmount))
		if err != nil {
			return "", dec{}, err
		}
		return money.Amount(n).String(), dec{n: n, s: 2}, nil
	case KindRate:
		n, err := x.int64At(4, int64(money.MaxRate))
		if err != nil || n < 0 {
			return "", dec{}, errTooLarge
		}
		return money.Rate(n).String(), dec{n: n, s: 4}, nil
	default:
		n, err := x.int64At(0, maxInteger)
		if err != nil {
			return "", dec{}, err
		}
		return strconv.FormatInt(n, 10), dec{n: n}, nil
	}
}

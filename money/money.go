// Package money is exact decimal money in сом and тыйын (FIL-4): never binary
// floating point, from the wire to the database.
//
// An Amount is a whole number of тыйын (1 сом = 100 тыйын) in an int64. Its range is
// ±10^15 сом (±10^17 тыйын, MaxAmount), far above any report and well inside int64,
// so that the sum of many amounts is checked before it can wrap; anything beyond is
// an error (ErrRange), never a wrapped number.
//
// A Rate is a percent as the forms print it, with up to 4 decimal places: "0.25" is
// 0.25 %, "10" is 10 %; it is kept in ten-thousandths of a percent, 0 … 100 %.
//
// # Rounding
//
// The one rule: a result that does not fit in тыйын (Amount.MulRate, DivRound and any
// division) is rounded half away from zero to 0.01 сом: 0.005 → 0.01, −0.005 → −0.01,
// 0.0049 → 0.00. Intermediate products are computed in 128 bits, so they never
// overflow.
package money

import (
	"errors"
	"math/bits"
	"strconv"
	"strings"
)

// Amount is money in тыйын.
type Amount int64

// Bounds of an Amount: ±10^15 сом.
const (
	MaxAmount Amount = 100_000_000_000_000_000 // 10^15 сом in тыйын
	MinAmount Amount = -MaxAmount
)

var (
	// ErrSyntax: the text is not an amount (or a rate) in the accepted format.
	ErrSyntax = errors.New("money: invalid format")
	// ErrRange: the value is beyond MaxAmount (or a rate beyond 0 … 100 %).
	ErrRange = errors.New("money: out of range")
)

// Parse reads an amount as the API and the upload format carry it: -?\d+(\.\d{1,2})?
// ("1234.56", "-0.5", "7"). Nothing else: no spaces, no sign "+", no comma.
func Parse(s string) (Amount, error) {
	n, err := parseFixed(s, 2, '.')
	if err != nil {
		return 0, err
	}
	return check(n)
}

// ParseHuman reads an amount as people type it on a page: Parse's format, and also a
// decimal comma and thousands separated by spaces, no-break spaces (U+00A0, U+202F)
// or thin spaces (U+2009): "1 234,56", "1 234 567.8". Leading and trailing spaces are
// ignored. Groups must be of three digits.
func ParseHuman(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "\u00a0\u202f\u2009")
	var b strings.Builder
	sep := false // a separator was seen
	for _, r := range s {
		switch r {
		case ' ', '\u00a0', '\u202f', '\u2009':
			sep = true
			b.WriteByte(' ')
		case ',':
			b.WriteByte('.')
		default:
			b.WriteRune(r)
		}
	}
	t := b.String()
	if sep {
		intPart, frac, _ := strings.Cut(t, ".")
		neg := strings.HasPrefix(intPart, "-")
		groups := strings.Split(strings.TrimPrefix(intPart, "-"), " ")
		for i, g := range groups {
			if g == "" || len(g) > 3 || (i > 0 && len(g) != 3) {
				return 0, ErrSyntax
			}
		}
		t = strings.Join(groups, "")
		if neg {
			t = "-" + t
		}
		if strings.Contains(t, ".") || strings.Contains(frac, " ") {
			return 0, ErrSyntax
		}
		if frac != "" || strings.HasSuffix(s, ",") || strings.HasSuffix(s, ".") {
			t += "." + frac
		}
	}
	return Parse(t)
}

// parseFixed reads -?\d+(\.\d{1,places})? into an integer scaled by 10^places.
func parseFixed(s string, places int, point byte) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac, hasPoint := strings.Cut(s, string(point))
	if intPart == "" || hasPoint && (frac == "" || len(frac) > places) {
		return 0, ErrSyntax
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, ErrSyntax
			}
		}
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 18-places {
		return 0, ErrRange
	}
	var n int64
	if intPart != "" {
		v, err := strconv.ParseInt(intPart, 10, 64)
		if err != nil {
			return 0, ErrRange
		}
		n = v
	}
	for range places {
		n *= 10
	}
	if frac != "" {
		frac += strings.Repeat("0", places-len(frac))
		v, err := strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return 0, ErrSyntax
		}
		n += v
	}
	if neg {
		n = -n
	}
	return n, nil
}

func check(n int64) (Amount, error) {
	if n > int64(MaxAmount) || n < int64(MinAmount) {
		return 0, ErrRange
	}
	return Amount(n), nil
}

// String formats the amount canonically: "1234.56", "-0.50", "0.00".
func (a Amount) String() string { return formatFixed(int64(a), 2) }

// AppendTo appends String's text to dst, without allocating when dst has room.
func (a Amount) AppendTo(dst []byte) []byte { return appendFixed(dst, int64(a), 2) }

func formatFixed(n int64, places int) string {
	var buf [24]byte
	return string(appendFixed(buf[:0], n, places))
}

func appendFixed(dst []byte, n int64, places int) []byte {
	var buf [24]byte
	u := uint64(n)
	if n < 0 {
		u = -u
	}
	i := len(buf)
	for d := 0; d < places || u > 0 || d == places; d++ {
		if d == places {
			i--
			buf[i] = '.'
		}
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if d >= places && u == 0 {
			break
		}
	}
	if n < 0 {
		i--
		buf[i] = '-'
	}
	return append(dst, buf[i:]...)
}

// Human formats the amount for a page: thousands separated by no-break spaces and a
// decimal comma, "1 234,56". ParseHuman reads it back.
func (a Amount) Human() string {
	s := a.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	b.WriteByte(',')
	b.WriteString(frac)
	return b.String()
}

// FromSom returns whole сом as an Amount.
func FromSom(som int64) (Amount, error) {
	if som > int64(MaxAmount/100) || som < int64(MinAmount/100) {
		return 0, ErrRange
	}
	return Amount(som * 100), nil
}

// Add returns a + b, or ErrRange beyond the bounds.
func (a Amount) Add(b Amount) (Amount, error) { return check(int64(a) + int64(b)) } // both ≤ 10^17: no int64 overflow

// Sub returns a − b, or ErrRange beyond the bounds.
func (a Amount) Sub(b Amount) (Amount, error) { return check(int64(a) - int64(b)) }

// Neg returns −a.
func (a Amount) Neg() Amount { return -a }

// Rate is a percent in ten-thousandths of a percent: "0.25" % is 2500.
type Rate int64

// RateScale is the number of Rate units in one percent.
const RateScale = 10000

// MaxRate is 100 %.
const MaxRate Rate = 100 * RateScale

// ParseRate reads a percent as printed on the forms: \d+(\.\d{1,4})?, 0 … 100.
func ParseRate(s string) (Rate, error) {
	if strings.HasPrefix(s, "-") {
		return 0, ErrRange
	}
	n, err := parseFixed(s, 4, '.')
	if err != nil {
		return 0, err
	}
	if n > int64(MaxRate) {
		return 0, ErrRange
	}
	return Rate(n), nil
}

// String formats the rate without trailing zeros: "0.25", "10", "0.1".
func (r Rate) String() string {
	s := formatFixed(int64(r), 4)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// MulRate returns a × r / 100 (r is a percent), rounded half away from zero to 0.01.
// The result never exceeds |a|, so it cannot leave the range.
func (a Amount) MulRate(r Rate) Amount {
	q, _ := DivRound(int64(a), int64(r), 100*RateScale)
	return Amount(q)
}

// DivRound returns x × y / d rounded half away from zero, computing the product in
// 128 bits. It fails with ErrRange when d is 0 or the quotient does not fit in int64.
func DivRound(x, y, d int64) (int64, error) {
	if d == 0 {
		return 0, ErrRange
	}
	neg := (x < 0) != (y < 0) != (d < 0)
	hi, lo := bits.Mul64(abs(x), abs(y))
	ud := abs(d)
	if hi >= ud {
		return 0, ErrRange
	}
	q, rem := bits.Div64(hi, lo, ud)
	// Half away from zero: round up the magnitude when the remainder is at least half.
	if rem >= ud-rem {
		q++
	}
	if q > 1<<63-1 {
		return 0, ErrRange
	}
	if neg {
		return -int64(q), nil
	}
	return int64(q), nil
}

func abs(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// Div returns a / n rounded half away from zero to 0.01 (a share of an amount).
func (a Amount) Div(n int64) (Amount, error) {
	q, err := DivRound(int64(a), 1, n)
	if err != nil {
		return 0, err
	}
	return check(q)
}

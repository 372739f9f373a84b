package form

import (
	"errors"
	"math/big"
	"math/bits"
)

// dec is an exact decimal: n × 10^-s, held in an int64 while it fits and in a
// big.Int (b) beyond. Formulas are evaluated on decs, never on float64.
type dec struct {
	n int64
	s int32
	b *big.Int // when set, the value is b × 10^-s and n is unused
}

var (
	errDivZero  = errors.New("division by zero")
	errTooLarge = errors.New("value out of range")
)

var pow10 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < 19; i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

func (x dec) big() *big.Int {
	if x.b != nil {
		return x.b
	}
	return big.NewInt(x.n)
}

func mkBig(b *big.Int, s int32) dec {
	if b.IsInt64() {
		return dec{n: b.Int64(), s: s}
	}
	return dec{b: b, s: s}
}

func bigPow10(k int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
}

// rescale returns x with scale s ≥ x.s.
func (x dec) rescale(s int32) dec {
	if s == x.s {
		return x
	}
	k := s - x.s
	if x.b == nil && k < 19 {
		hi, lo := bits.Mul64(uabs(x.n), uint64(pow10[k]))
		if hi == 0 && lo < 1<<63 {
			v := int64(lo)
			if x.n < 0 {
				v = -v
			}
			return dec{n: v, s: s}
		}
	}
	return mkBig(new(big.Int).Mul(x.big(), bigPow10(k)), s)
}

func uabs(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

func align(x, y dec) (dec, dec) {
	if x.s < y.s {
		return x.rescale(y.s), y
	}
	return x, y.rescale(x.s)
}

func (x dec) add(y dec) dec {
	x, y = align(x, y)
	if x.b == nil && y.b == nil {
		r := x.n + y.n
		if (x.n >= 0) != (y.n >= 0) || (r >= 0) == (x.n >= 0) {
			return dec{n: r, s: x.s}
		}
	}
	return mkBig(new(big.Int).Add(x.big(), y.big()), x.s)
}

func (x dec) neg() dec {
	if x.b == nil && x.n != -1<<63 {
		return dec{n: -x.n, s: x.s}
	}
	return mkBig(new(big.Int).Neg(x.big()), x.s)
}

func (x dec) sub(y dec) dec { return x.add(y.neg()) }

func (x dec) mul(y dec) dec {
	s := x.s + y.s
	if x.b == nil && y.b == nil {
		hi, lo := bits.Mul64(uabs(x.n), uabs(y.n))
		if hi == 0 && lo < 1<<63 {
			v := int64(lo)
			if (x.n < 0) != (y.n < 0) {
				v = -v
			}
			return dec{n: v, s: s}.trim()
		}
	}
	return mkBig(new(big.Int).Mul(x.big(), y.big()), s).trim()
}

// trim drops trailing zero decimals beyond 4 places so that chains of products keep
// a small scale.
func (x dec) trim() dec {
	for x.s > 4 && x.b == nil && x.n%10 == 0 {
		x.n /= 10
		x.s--
	}
	return x
}

// div divides exactly by a power of ten; any other divisor rounds the quotient half
// away from zero to 0.01 (the package's one rounding rule).
func (x dec) div(y dec) (dec, error) {
	if y.sign() == 0 {
		return dec{}, errDivZero
	}
	if y.b == nil && y.n > 0 {
		for k := int32(0); k < 19; k++ {
			if y.n == pow10[k] {
				return dec{n: x.n, s: x.s + k - y.s, b: x.b}.normalize(), nil
			}
		}
	}
	// q = x / y at scale 2: x.v·10^-xs / (y.v·10^-ys) = x.v·10^(ys-xs+2) / y.v ·10^-2
	num := x.big()
	den := y.big()
	e := y.s - x.s + 2
	if e >= 0 {
		num = new(big.Int).Mul(num, bigPow10(e))
	} else {
		den = new(big.Int).Mul(den, bigPow10(-e))
	}
	return mkBig(roundDiv(num, den), 2), nil
}

// normalize keeps the scale non-negative.
func (x dec) normalize() dec {
	if x.s < 0 {
		return x.rescale(0)
	}
	return x
}

// roundDiv is num/den rounded half away from zero.
func roundDiv(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(new(big.Int).Abs(den)) >= 0 {
		if (num.Sign() < 0) != (den.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// round returns x rounded half away from zero to s decimals.
func (x dec) round(s int32) dec {
	if x.s <= s {
		return x.rescale(s)
	}
	k := x.s - s
	if x.b == nil && k < 19 {
		p := pow10[k]
		q, r := x.n/p, x.n%p
		if r < 0 {
			r = -r
		}
		if r >= p-r {
			if x.n < 0 {
				q--
			} else {
				q++
			}
		}
		return dec{n: q, s: s}
	}
	return mkBig(roundDiv(x.big(), bigPow10(k)), s)
}

func (x dec) sign() int {
	if x.b != nil {
		return x.b.Sign()
	}
	switch {
	case x.n > 0:
		return 1
	case x.n < 0:
		return -1
	}
	return 0
}

func (x dec) cmp(y dec) int {
	x, y = align(x, y)
	if x.b == nil && y.b == nil {
		switch {
		case x.n < y.n:
			return -1
		case x.n > y.n:
			return 1
		}
		return 0
	}
	return x.big().Cmp(y.big())
}

// int64At returns x rounded to s decimals as an integer of that scale, or
// errTooLarge when it does not fit in ±limit.
func (x dec) int64At(s int32, limit int64) (int64, error) {
	r := x.round(s)
	if r.b != nil || r.n > limit || r.n < -limit {
		return 0, errTooLarge
	}
	return r.n, nil
}

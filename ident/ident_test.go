package ident

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"
)

// toCyrillic is what a person types for a code's letters with the keyboard in the
// Russian layout, by shape.
var toCyrillic = strings.NewReplacer("A", "А", "B", "В", "E", "Е", "K", "К", "M", "М", "H", "Н", "0", "О",
	"P", "Р", "C", "С", "T", "Т", "X", "Х", "Y", "У", "3", "З")

// scanRussian is what a barcode scanner types for a code with the computer's keyboard
// in the Russian layout: the key's Cyrillic letter.
var scanRussian = strings.NewReplacer("Q", "Й", "W", "Ц", "E", "У", "R", "К", "T", "Е", "Y", "Н", "P", "З",
	"A", "Ф", "S", "Ы", "D", "В", "F", "А", "G", "П", "H", "Р", "J", "О", "K", "Л",
	"Z", "Я", "X", "Ч", "C", "С", "V", "М", "B", "И", "N", "Т", "M", "Ь")

func TestApplicationCode(t *testing.T) {
	t.Run("ACC-4 unique, unambiguous, uniform: 10,000 codes", func(t *testing.T) {
		seen := map[string]bool{}
		count := map[rune]int{}
		for range 10000 {
			c, err := NewApplicationCode(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if len(c) != CodeLength || seen[c] {
				t.Fatalf("code %q: bad length or duplicate", c)
			}
			seen[c] = true
			for _, r := range c {
				if !strings.ContainsRune(alphabet, r) || strings.ContainsRune("ILOU", r) {
					t.Fatalf("ambiguous or foreign symbol in %q", c)
				}
				count[r]++
			}
		}
		if len(count) != 32 {
			t.Errorf("only %d of 32 symbols appear", len(count))
		}
		// 120,000 symbols: 3,750 of each expected, standard deviation about 60; a
		// symbol off by more than 10% (6 deviations) means a biased generator.
		for r, n := range count {
			if n < 3375 || n > 4125 {
				t.Errorf("symbol %c appears %d times of 120,000 (expected 3,750)", r, n)
			}
		}
	})
	t.Run("ACC-4 each random byte's low 5 bits pick the symbol", func(t *testing.T) {
		in := []byte{0, 1, 9, 10, 17, 18, 31, 32, 0x3f, 0xe0, 0xff, 0x8a}
		c, err := NewApplicationCode(bytes.NewReader(in))
		if err != nil || c != "019AHJZ0Z0ZA" {
			t.Errorf("got %q %v", c, err)
		}
	})
	t.Run("ACC-4 grouped for display", func(t *testing.T) {
		if FormatCode("7K3M9PQR2XY4") != "7K3M-9PQR-2XY4" {
			t.Error("FormatCode")
		}
		if FormatCode("short") != "short" {
			t.Error("FormatCode changed a malformed code")
		}
	})
	t.Run("ACC-4 ACC-5 typed and scanned forms normalise", func(t *testing.T) {
		for in, want := range map[string]string{
			"7K3M-9PQR-2XY4":           "7K3M9PQR2XY4",
			"7k3m 9pqr 2xy4":           "7K3M9PQR2XY4",
			"7K3M9PQR2XY4":             "7K3M9PQR2XY4",
			" 7K3M-9PQR-2XY4\t":        "7K3M9PQR2XY4",
			"OI1L-0000-0000":           "0111" + "00000000", // Crockford: O→0, I and L→1
			"oilo-0000-0000":           "0110" + "00000000",
			"7К3М-9РQR-2ХY4":           "7K3M9PQR2XY4", // Cyrillic look-alikes К М Р Х
			"7к3м-9рqr-2хy4":           "7K3M9PQR2XY4", // and their lower case
			"НЕСТ-ВАЗО-ӨҮ00":           "HECTBA300Y00", // Н is H in a code; З 3; О Ө 0; Ү Y
			"7Л3Ь-9ЗЙК-2ЧН4":           "7K3M9PQR2XY4", // scanned in the Russian layout
			"7л3ь9зйк2чн4":             "7K3M9PQR2XY4",
			"\u00a07K3M9PQR2XY4":       "7K3M9PQR2XY4",
			"7K3M\u20139PQR\u20142XY4": "7K3M9PQR2XY4",
		} {
			got, ok := NormalizeCode(in)
			if !ok || got != want {
				t.Errorf("NormalizeCode(%q) = %q %v, want %q", in, got, ok, want)
			}
		}
		for _, in := range []string{"", "-", "7K3M9PQR2XY", "7K3M9PQR2XY45", "7K3M9PQR2XU4", "7K3M9PQR2X\x004",
			"\xff", "7K3M9PQR2XY\xff", strings.Repeat("A", 1000), "7K3M9PQR2XY٤", "7K3M9PQR2XY４", "7K3M_9PQR_2XY4", "ЖЖЖЖЖЖЖЖЖЖЖЖ"} {
			if got, ok := NormalizeCode(in); ok || got != "" {
				t.Errorf("NormalizeCode(%q) accepted: %q", in, got)
			}
		}
	})
	t.Run("ACC-4 ACC-5 round trips: grouped, lower case, look-alikes, Russian-layout scans", func(t *testing.T) {
		ambiguous := 0
		for range 2000 {
			c, _ := NewApplicationCode(rand.Reader)
			for _, typed := range []string{c, FormatCode(c), strings.ToLower(FormatCode(c)), toCyrillic.Replace(c), strings.ToLower(toCyrillic.Replace(FormatCode(c)))} {
				if got, ok := NormalizeCode(typed); !ok || got != c {
					t.Fatalf("NormalizeCode(%q) = %q %v, want %q", typed, got, ok, c)
				}
			}
			scanned := scanRussian.Replace(FormatCode(c))
			got, ok := NormalizeCode(scanned)
			if !ok {
				t.Fatalf("NormalizeCode(%q) refused the scan of %q", scanned, c)
			}
			if got != c {
				// Every letter fell on a key whose Cyrillic letter is a look-alike: read by
				// shape, documented in normalize.
				if strings.ContainsAny(scanned, "ЙЦЫФПЛЯЧИЬ") {
					t.Fatalf("NormalizeCode(%q) = %q, want %q", scanned, got, c)
				}
				ambiguous++
			}
		}
		if ambiguous > 60 { // about 1.1% expected: 22 of 32 symbols scan as look-alikes or digits, (22/32)^12
			t.Errorf("%d of 2000 scans ambiguous", ambiguous)
		}
	})
}

func TestVerificationCode(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		vc, err := NewVerificationCode(rand.Reader)
		if err != nil || len(vc) != VerificationLength || seen[vc] || strings.ContainsAny(vc, "ILOU") {
			t.Fatalf("ACC-8 verification code %q %v", vc, err)
		}
		seen[vc] = true
		for _, typed := range []string{vc, strings.ToLower(vc), toCyrillic.Replace(vc), vc[:5] + "-" + vc[5:]} {
			if n, ok := NormalizeVerificationCode(typed); !ok || n != vc {
				t.Fatalf("ACC-8 NormalizeVerificationCode(%q) = %q %v", typed, n, ok)
			}
		}
	}
	if _, ok := NormalizeVerificationCode("7K3M9PQR2XY4"); ok {
		t.Error("ACC-8 an application code is not a verification code")
	}
	if _, ok := NormalizeCode("Q4W8E2R6T1"); ok {
		t.Error("ACC-4 a verification code is not an application code")
	}
}

func TestLogin(t *testing.T) {
	t.Run("ACC-7 random, readable, never ambiguous", func(t *testing.T) {
		seen := map[string]bool{}
		for range 10000 {
			l, err := NewLogin(rand.Reader)
			if err != nil || !ValidLogin(l) || len(l) != 10 || !strings.HasPrefix(l, "np") || seen[l] {
				t.Fatalf("login %q %v", l, err)
			}
			seen[l] = true
			if strings.ContainsAny(l[2:], "ilou") || l != strings.ToLower(l) {
				t.Fatalf("ambiguous login %q", l)
			}
		}
	})
	t.Run("ACC-7 not derived from the ИНН: the same input gives another login", func(t *testing.T) {
		// The login depends only on the random reader; nothing else goes in.
		a, _ := NewLogin(bytes.NewReader(bytes.Repeat([]byte{7}, 8)))
		b, _ := NewLogin(bytes.NewReader(bytes.Repeat([]byte{7}, 8)))
		c, _ := NewLogin(rand.Reader)
		if a != "np77777777" || a != b || a == c {
			t.Errorf("%q %q %q", a, b, c)
		}
	})
	t.Run("ACC-7 format checks", func(t *testing.T) {
		for _, ok := range []string{"np4k7m2x9q", "NP4K7M2X9Q", " np4k7m2x9q\n", "np00000000", "npzzzzzzzz"} {
			if !ValidLogin(ok) {
				t.Errorf("ValidLogin(%q) = false", ok)
			}
		}
		for _, bad := range []string{"", "np", "np1234567", "np123456789", "xx12345678", "npIIIIIIII", "npllllllll",
			"npoooooooo", "npuuuuuuuu", "np4k7m2x9\x00", "np4k7m2x9\xff", "np4k7m2x9ф", "11705198700772"} {
			if ValidLogin(bad) {
				t.Errorf("ValidLogin(%q) = true", bad)
			}
		}
		if NormalizeLogin("  NP4K7M2X9Q\t") != "np4k7m2x9q" {
			t.Error("NormalizeLogin")
		}
	})
}

type failing struct{}

var errNoEntropy = errors.New("no entropy")

func (failing) Read([]byte) (int, error) { return 0, errNoEntropy }

func TestFailingReader(t *testing.T) {
	gens := map[string]func(io.Reader) (string, error){
		"ACC-4 code":              NewApplicationCode,
		"ACC-7 login":             NewLogin,
		"SEC-4 token":             NewToken,
		"ACC-8 verification code": NewVerificationCode,
	}
	for name, gen := range gens {
		t.Run(name, func(t *testing.T) {
			if s, err := gen(failing{}); !errors.Is(err, errNoEntropy) || s != "" {
				t.Errorf("failing reader: %q %v", s, err)
			}
			if s, err := gen(bytes.NewReader([]byte{1, 2, 3})); !errors.Is(err, io.ErrUnexpectedEOF) || s != "" {
				t.Errorf("short reader: %q %v", s, err)
			}
		})
	}
}

func TestToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, err := NewToken(rand.Reader)
		if err != nil || len(tok) != 43 || seen[tok] {
			t.Fatalf("SEC-4 token %q %v", tok, err)
		}
		seen[tok] = true
		if b, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(b) != 32 {
			t.Fatalf("SEC-4 token %q is not 32 bytes of base64url", tok)
		}
	}
	// SEC-4: the database keeps hex SHA-256 (FIPS 180-2 test vector "abc").
	if TokenHash("abc") != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Error("TokenHash")
	}
}

func TestDecisionNumber(t *testing.T) {
	for _, c := range []struct {
		office string
		year   int
		seq    int64
		want   string
	}{
		{"038", 2026, 123, "038-2026-000123"},
		{"001", 2026, 1, "001-2026-000001"},
		{"038", 2027, 999999, "038-2027-999999"},
		{"038", 2027, 1234567, "038-2027-1234567"}, // the sequence outgrows 6 digits: still unique
	} {
		if got := FormatDecisionNumber(c.office, c.year, c.seq); got != c.want {
			t.Errorf("ACC-8 FormatDecisionNumber(%q, %d, %d) = %q, want %q", c.office, c.year, c.seq, got, c.want)
		}
	}
}

func BenchmarkApplicationCode(b *testing.B) {
	for b.Loop() {
		NewApplicationCode(rand.Reader)
	}
}

func BenchmarkNormalizeCode(b *testing.B) {
	for b.Loop() {
		NormalizeCode("7к3м-9рqr-2хy4")
	}
}

func BenchmarkLogin(b *testing.B) {
	for b.Loop() {
		NewLogin(rand.Reader)
	}
}

func BenchmarkToken(b *testing.B) {
	for b.Loop() {
		tok, _ := NewToken(rand.Reader)
		TokenHash(tok)
	}
}

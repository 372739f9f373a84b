// Package ident generates the identifiers the service hands out: application codes
// (ACC-4), logins (ACC-7), decision verification codes (ACC-8), session tokens (SEC-4)
// and decision numbers. Randomness comes from the reader passed in (crypto/rand.Reader
// in production); uniqueness is the database's to enforce, by a unique index and a
// retry — this package only makes collisions rare.
package ident

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// alphabet is Crockford's base32: digits and capitals without I, L, O, U, so no two
// symbols are confused when read aloud, handwritten or typed from paper.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// random returns n symbols of abc (32 symbols), each uniform and independent: one
// random byte per symbol, keeping its low 5 bits. 256 is a multiple of 32, so every
// symbol is equally likely and no rejection is needed.
func random(r io.Reader, n int, abc string) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("ident: random: %w", err)
	}
	for i := range b {
		b[i] = abc[b[i]&31]
	}
	return string(b), nil
}

// CodeLength is the length of an application code: 12 symbols, 60 random bits.
const CodeLength = 12

// NewApplicationCode returns a new application code (Сгенерированный код заявления,
// ACC-4) in canonical form: 12 Crockford symbols, 60 random bits — short and typable,
// and unguessable: with a million applications on file a guess hits one with
// probability below 10⁻¹², and look-ups are rate-limited besides (SEC-2).
func NewApplicationCode(r io.Reader) (string, error) { return random(r, CodeLength, alphabet) }

// FormatCode groups a canonical code for people: XXXX-XXXX-XXXX. Anything else is
// returned as it is.
func FormatCode(c string) string {
	if len(c) != CodeLength {
		return c
	}
	return c[:4] + "-" + c[4:8] + "-" + c[8:]
}

// lookalike maps what people type for a symbol to the symbol: Crockford's own decoding
// (O→0, I and L→1) and the Cyrillic letters that look like a symbol — А В Е К М Н О Р
// С Т Х У and З (3), and Kyrgyz Ө (0) and Ү (Y) — for a code retyped from paper with
// the keyboard in the Russian or Kyrgyz layout. Н is H here: a code is read by its
// shape (the passport series maps Н to N by meaning instead).
func lookalike(r rune) (rune, bool) {
	switch r {
	case 'O', 'О', 'Ө':
		return '0', true
	case 'I', 'L':
		return '1', true
	case 'З':
		return '3', true
	case 'А':
		return 'A', true
	case 'В':
		return 'B', true
	case 'Е':
		return 'E', true
	case 'К':
		return 'K', true
	case 'М':
		return 'M', true
	case 'Н':
		return 'H', true
	case 'Р':
		return 'P', true
	case 'С':
		return 'C', true
	case 'Т':
		return 'T', true
	case 'Х':
		return 'X', true
	case 'У', 'Ү':
		return 'Y', true
	}
	return r, false
}

// qwerty maps an upper-case Cyrillic letter to the Latin letter on the same key of the
// Russian ЙЦУКЕН layout (the Kyrgyz layout shares these keys). A barcode scanner
// types a code as key presses; with the computer's keyboard in the Russian layout,
// the scanned 7K3M-9PQR-2XY4 arrives as 7Л3Ь-9ЗЙК-2ЧН4.
func qwerty(r rune) (rune, bool) {
	const ru, en = "ЙЦУКЕНГШЩЗФЫВАПРОЛДЯЧСМИТЬ", "QWERTYUIOPASDFGHJKLZXCVBNM"
	i := 0
	for _, c := range ru {
		if c == r {
			return rune(en[i]), true
		}
		i++
	}
	return r, false
}

// separator reports whether r is dropped from a typed code: spaces (incl. non-breaking
// ones), tabs, hyphens and dashes.
func separator(r rune) bool {
	switch r {
	case ' ', '\t', '-', '\u00a0', '\u2009', '\u202f', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// normalize upper-cases s, drops separators, maps look-alikes, and checks that exactly
// n symbols of alphabet remain.
//
// Cyrillic letters are read one of two ways. If every Cyrillic letter in s is a look-
// alike of a symbol, s was typed by a person reading the code: look-alikes are mapped
// by shape (К→K). If any is not (Л, Ь, Й, Ч…, which no symbol resembles), s came
// from a scanner in the Russian layout: every Cyrillic letter is mapped by its key
// (К→R, Л→K). A scan whose letters all fall on look-alike keys (about 1 code in 100)
// is read the first way and finds nothing — the officer scans again in the Latin
// layout or types the code — but never finds another application except by a
// 60-bit coincidence.
func normalize(s string, n int) (string, bool) {
	if len(s) > 4*n+16 {
		return "", false
	}
	s = strings.ToUpper(s)
	layout := false
	for _, r := range s {
		if _, ok := lookalike(r); !ok && unicode.Is(unicode.Cyrillic, r) {
			layout = true
			break
		}
	}
	b := make([]byte, 0, n)
	for _, r := range s {
		if separator(r) {
			continue
		}
		if layout {
			r, _ = qwerty(r)
		}
		r, _ = lookalike(r)
		if r > 127 || strings.IndexByte(alphabet, byte(r)) < 0 || len(b) == n {
			return "", false
		}
		b = append(b, byte(r))
	}
	if len(b) != n {
		return "", false
	}
	return string(b), true
}

// NormalizeCode turns a typed or scanned application code, grouped or not, into its
// canonical form, and reports whether it is well formed (ACC-4, ACC-5).
func NormalizeCode(s string) (string, bool) { return normalize(s, CodeLength) }

// VerificationLength is the length of a decision's verification code: 10 symbols, 50 bits.
const VerificationLength = 10

// NewVerificationCode returns the code printed on a decision so that anyone can check
// the paper is genuine (ACC-8): 10 Crockford symbols, 50 random bits. It is checked
// together with the decision's number, so guessing means guessing 50 bits for one
// decision, and the public page is rate-limited.
func NewVerificationCode(r io.Reader) (string, error) { return random(r, VerificationLength, alphabet) }

// NormalizeVerificationCode canonicalises a typed verification code as NormalizeCode
// does, and reports whether it is well formed.
func NormalizeVerificationCode(s string) (string, bool) { return normalize(s, VerificationLength) }

// loginAlphabet is the lower-case Crockford alphabet.
const loginAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// LoginPrefix starts every generated login: «np», налогоплательщик.
const LoginPrefix = "np"

// LoginLength is the length of a generated login: the prefix and 8 symbols.
const LoginLength = len(LoginPrefix) + 8

// NewLogin returns a login (ACC-7): "np" and 8 random lower-case Crockford symbols
// (40 bits), e.g. np4k7m2x9q — easy to read aloud and type, with no i, l, o or u to
// confuse. It is random, so nothing about the subject — the ИНН least of all — can be
// derived from it, and knowing someone's ИНН does not tell anyone which login to lock
// (PWD-3). At 40 bits two of a million logins collide with probability about 0.4, so
// the database's unique index and a retry make it unique; the login then stays the
// subject's across restorations.
func NewLogin(r io.Reader) (string, error) {
	s, err := random(r, LoginLength-len(LoginPrefix), loginAlphabet)
	if err != nil {
		return "", err
	}
	return LoginPrefix + s, nil
}

// NormalizeLogin lower-cases and trims a typed login.
func NormalizeLogin(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidLogin reports whether s (after NormalizeLogin) has the form of a generated login.
func ValidLogin(s string) bool {
	s = NormalizeLogin(s)
	if len(s) != LoginLength || !strings.HasPrefix(s, LoginPrefix) {
		return false
	}
	for i := len(LoginPrefix); i < len(s); i++ {
		if strings.IndexByte(loginAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// NewToken returns a session token (SEC-4): 32 random bytes (256 bits, twice the
// minimum), base64url without padding: 43 characters safe in a cookie.
func NewToken(r io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("ident: token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// TokenHash is what the database keeps of a token: hex SHA-256, so a leaked sessions
// table lets nobody in. A token has 256 random bits, so no salt or slow hash is needed.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// FormatDecisionNumber is a decision's number (ACC-8): the office's code, the year,
// and the service-wide sequence from the database, at least 6 digits —
// 038-2026-000123. It is unique across the service because the sequence is.
func FormatDecisionNumber(office string, year int, seq int64) string {
	return fmt.Sprintf("%s-%04d-%06d", office, year, seq)
}

// Package password holds the password rules of the Guide (PWD-1) and the argon2id
// hashing of passwords and code words (PWD-2).
package password

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kabinet"
)

// Rule names: stable, used as API codes (error.rules) and message keys (password.rule.<name>).
const (
	RuleMinLength   = "min_length"
	RuleMaxLength   = "max_length"
	RuleUpper       = "upper"
	RuleLower       = "lower"
	RuleDigit       = "digit"
	RuleSpecial     = "special"
	RuleCommon      = "common"
	RuleEqualsINN   = "equals_inn"
	RuleEqualsLogin = "equals_login"
	RuleInvalidText = "invalid_text"
)

// MaxLength is the longest password accepted; longer ones are refused, never truncated.
const MaxLength = 128

// Policy is the composition policy. The zero Policy checks only the character rules;
// use DefaultPolicy or PolicyFrom.
type Policy struct {
	MinLength int    // Guide: «не менее 8 символов»
	MaxLength int    // 128 (PWD-1)
	Specials  string // Guide: «хотя бы один из символов !@#$%^&*»
}

// DefaultPolicy is the Guide's.
func DefaultPolicy() Policy { return PolicyFrom(kabinet.DefaultPolicy()) }

// PolicyFrom takes the numbers of the policy in force (PWD-6).
func PolicyFrom(p kabinet.Policy) Policy {
	return Policy{MinLength: p.PasswordMinLength, MaxLength: MaxLength, Specials: p.PasswordSpecials}
}

// Rules returns every rule name in the order Check reports them.
func Rules() []string {
	return []string{RuleInvalidText, RuleMinLength, RuleMaxLength, RuleUpper, RuleLower, RuleDigit,
		RuleSpecial, RuleCommon, RuleEqualsINN, RuleEqualsLogin}
}

// Context is what a password must not equal: the subject's ИНН and login.
type Context struct {
	INN   string
	Login string
}

// Normalize returns s in Unicode NFC, so the same password typed on two keyboards
// (a precomposed «й» or и + combining breve) is the same password (PWD-1).
func Normalize(s string) string { return norm.NFC.String(s) }

// Zero-width joiners are format characters that belong inside emoji sequences and
// some scripts' words; they are allowed while other format characters are not.
const (
	zwnj = '\u200c'
	zwj  = '\u200d'
)

// unprintable reports whether r cannot be part of a password: control characters
// (NUL included), format characters other than the joiners (zero-width spaces, the byte
// order mark, direction overrides — invisible, so nobody could retype them), line and
// paragraph separators, non-characters, and U+FFFD, the trace of broken encoding.
// Every other character is allowed: letters of any script, marks, digits,
// punctuation, symbols and spaces. Unassigned code points are allowed too, so that a
// newer emoji is not refused by an older Unicode table.
func unprintable(r rune) bool {
	switch {
	case unicode.IsControl(r), r == utf8.RuneError:
		return true
	case unicode.Is(unicode.Cf, r):
		return r != zwnj && r != zwj
	case unicode.In(r, unicode.Zl, unicode.Zp, unicode.Noncharacter_Code_Point):
		return true
	}
	return false
}

// Check returns the names of the rules pw breaks, in the order of Rules; nil when it
// is acceptable (PWD-1, with the numbers of the policy in force: PWD-6).
//
//   - invalid_text: invalid UTF-8 (then no other rule is checked), or a character
//     that is not printable (see unprintable).
//   - min_length, max_length: counted in characters (code points) of the NFC form,
//     not in bytes; up to MaxLength are accepted and never truncated.
//   - upper, lower: a letter of either case in any alphabet (unicode.IsUpper,
//     unicode.IsLower): Cyrillic, with Kyrgyz Ң ң Ө ө Ү ү, counts like Latin (the
//     Guide's own examples are «пАроль!23» and «Луна2018!»).
//   - digit: an ASCII digit 0–9. The Guide means the keyboard's digits; a digit of
//     another script (Arabic-Indic ٢, fullwidth ２) is allowed in the password but does
//     not meet this rule, so that the rule means the same on every keyboard.
//   - special: one of the policy's Specials (the Guide's !@#$%^&*).
//   - common: on the list of common passwords, compared case-insensitively (IsCommon).
//   - equals_inn: contains the ИНН (and so also when it equals it).
//   - equals_login: equals the login, case-insensitively after NFC.
func (p Policy) Check(pw string, c Context) []string {
	if !utf8.ValidString(pw) {
		return []string{RuleInvalidText}
	}
	pw = Normalize(pw)
	var failed []string
	var upper, lower, digit, special, bad bool
	n := 0
	for _, r := range pw {
		n++
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case unprintable(r):
			bad = true
		}
		if strings.ContainsRune(p.Specials, r) {
			special = true
		}
	}
	if bad {
		failed = append(failed, RuleInvalidText)
	}
	if n < p.MinLength {
		failed = append(failed, RuleMinLength)
	}
	if p.MaxLength > 0 && n > p.MaxLength {
		failed = append(failed, RuleMaxLength)
	}
	if !upper {
		failed = append(failed, RuleUpper)
	}
	if !lower {
		failed = append(failed, RuleLower)
	}
	if !digit {
		failed = append(failed, RuleDigit)
	}
	if !special {
		failed = append(failed, RuleSpecial)
	}
	if IsCommon(pw) {
		failed = append(failed, RuleCommon)
	}
	if inn := strings.Trim(c.INN, " \t\r\n"); inn != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(inn)) {
		failed = append(failed, RuleEqualsINN)
	}
	if login := strings.TrimSpace(c.Login); login != "" && strings.EqualFold(pw, Normalize(login)) {
		failed = append(failed, RuleEqualsLogin)
	}
	return failed
}

// Package password holds the password rules of the Guide (PWD-1) and the argon2id
// hashing of passwords and code words (PWD-2).
package password

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
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
	RuleInvisible   = "invisible"
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
	return []string{RuleInvalidText, RuleInvisible, RuleMinLength, RuleMaxLength, RuleUpper, RuleLower, RuleDigit,
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
// some scripts' words; they are allowed where they join two visible characters
// (see strayJoiner) while other format characters are not.
const (
	zwnj = '\u200c'
	zwj  = '\u200d'
)

func isJoiner(r rune) bool { return r == zwnj || r == zwj }

// unprintable reports whether r cannot be part of a password: control characters
// (NUL included), line and paragraph separators, non-characters, and U+FFFD, the
// trace of broken encoding. Invisible characters are refused by their own rule
// (invisible). Every other character is allowed: letters of any script, marks,
// digits, punctuation, symbols and spaces. Unassigned code points are allowed too, so
// that a newer emoji is not refused by an older Unicode table.
func unprintable(r rune) bool {
	return unicode.IsControl(r) || r == utf8.RuneError || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Noncharacter_Code_Point)
}

// invisible reports whether r shows nothing a person could see or retype: format
// characters other than the joiners (zero-width space, soft hyphen, the byte order
// mark, direction marks and overrides) and the other default-ignorable code points
// (Hangul fillers, the combining grapheme joiner).
func invisible(r rune) bool {
	if unicode.Is(unicode.Cf, r) {
		return !isJoiner(r)
	}
	return unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// joins reports whether r may stand beside a joiner: a letter, a mark on one (a
// variation selector in an emoji included) or a symbol.
func joins(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.S)
}

// strayJoiner reports whether the joiner at rs[i] joins nothing: at either end, next
// to another joiner, or beside a digit, punctuation or a space. «Aa1!» followed by
// four zero-width joiners would otherwise look like «Aa1!» and pass for longer.
func strayJoiner(rs []rune, i int) bool {
	if i == 0 || i == len(rs)-1 {
		return true
	}
	prev, next := rs[i-1], rs[i+1]
	return isJoiner(prev) || isJoiner(next) || !joins(prev) || !joins(next) || isMark(next)
}

// isMark reports a combining mark: a grapheme cluster that begins with one has no
// letter to sit on (a password of nothing but accents).
func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) }

// Check returns the names of the rules pw breaks, in the order of Rules; nil when it
// is acceptable (PWD-1, with the numbers of the policy in force: PWD-6).
//
//   - invalid_text: invalid UTF-8 (then no other rule is checked), or a character
//     that is not printable (see unprintable).
//   - invisible: a character nobody sees (see invisible), a joiner that joins
//     nothing (see strayJoiner), or a combining mark with no letter to sit on.
//   - min_length, max_length: counted in characters as a person sees them — the
//     grapheme clusters of the NFC form (Unicode's extended grapheme clusters,
//     UAX #29: a letter with its accents or an emoji sequence counts once), not code points or bytes; up to
//     MaxLength are accepted and never truncated.
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
	var upper, lower, digit, special, bad, hidden bool
	rs := []rune(pw)
	for i, r := range rs {
		switch {
		case isJoiner(r):
			hidden = hidden || strayJoiner(rs, i)
		case invisible(r):
			hidden = true
		}
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
	// A cluster that begins with a mark has no base to show it on.
	n := 0
	g := uniseg.NewGraphemes(pw)
	for g.Next() {
		n++
		if rs := g.Runes(); isMark(rs[0]) {
			hidden = true
		}
	}
	if bad {
		failed = append(failed, RuleInvalidText)
	}
	if hidden {
		failed = append(failed, RuleInvisible)
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

package i18n

import (
	"strconv"
	"strings"
	"unicode"
)

// Case is a Kyrgyz grammatical case whose ending attaches to a number or a
// clock time written in digits ("8ден", "64кө", "19:42ден").
type Case int

const (
	Dative     Case = iota // -га: 64кө чейин
	Ablative               // -дан: 8ден баштап, 19:42ден кийин
	Locative               // -да: 19:42де
	Genitive               // -нын: 5тин
	Accusative             // -ны: 5ти
)

// caseModifiers name the cases in placeholders: {max:dat}, {min:abl}.
var caseModifiers = map[string]Case{
	"dat": Dative,
	"abl": Ablative,
	"loc": Locative,
	"gen": Genitive,
	"acc": Accusative,
}

// KyrgyzSuffix is the ending of case c for value as it is read aloud: a number
// ("64" is алтымыш төрт, so 64кө), a clock time ("19:42" is он тогуз кырк эки,
// so 19:42ден; "19:00" is он тогуз, so 19:00дан), or a Kyrgyz word. The ending
// follows the last word's vowel harmony (а/ы, е/и, о/у, ө/ү: the vowel of a low
// ending is а after у and ө after ү) and its final sound (a vowel, a voiced or a
// voiceless consonant: 5 беш → 5ке, 5тен).
func KyrgyzSuffix(value string, c Case) string {
	return suffixFor(spokenLastWord(value), c)
}

// numberUnits, numberTens are the Kyrgyz words for 1–9 and 10–90.
var (
	numberUnits = [...]string{"", "бир", "эки", "үч", "төрт", "беш", "алты", "жети", "сегиз", "тогуз"}
	numberTens  = [...]string{"", "он", "жыйырма", "отуз", "кырк", "элүү", "алтымыш", "жетимиш", "сексен", "токсон"}
)

// spokenLastWord is the last word said when value is read aloud in Kyrgyz.
func spokenLastWord(value string) string {
	value = strings.TrimSpace(value)
	rs := []rune(value)
	if len(rs) == 0 {
		return ""
	}
	if unicode.Is(unicode.Cyrillic, rs[len(rs)-1]) {
		start := len(rs)
		for start > 0 && unicode.Is(unicode.Cyrillic, rs[start-1]) {
			start--
		}
		return strings.ToLower(string(rs[start:]))
	}
	// A clock time: the minutes are said last, unless they are zero ("саат он тогуз").
	if i := strings.LastIndexByte(value, ':'); i > 0 {
		hh, mm := lastDigits(value[:i]), value[i+1:]
		if m, err := strconv.ParseUint(mm, 10, 64); err == nil && hh != "" {
			if m != 0 {
				return numberLastWord(m)
			}
			h, _ := strconv.ParseUint(hh, 10, 64)
			return numberLastWord(h)
		}
	}
	// A decimal is read "… бүтүн ондон беш": its fraction is said last.
	if i := strings.LastIndexAny(value, ".,"); i > 0 && i < len(value)-1 {
		if frac := value[i+1:]; strings.Trim(frac, "0123456789") == "" {
			if n, err := strconv.ParseUint(strings.TrimLeft(frac, "0"), 10, 64); err == nil && n != 0 {
				return numberLastWord(n)
			}
			value = value[:i]
		}
	}
	digits := lastDigits(strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(value))
	if digits == "" {
		return value
	}
	if len(digits) > 18 {
		digits = digits[len(digits)-18:]
	}
	n, _ := strconv.ParseUint(digits, 10, 64)
	return numberLastWord(n)
}

// lastDigits is the run of ASCII digits that ends s.
func lastDigits(s string) string {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	return s[i:]
}

// numberLastWord is the last word of n read aloud: 0 нөл, 42 кырк эки → эки,
// 40 → кырк, 300 → жүз, 5000 → миң.
func numberLastWord(n uint64) string {
	switch {
	case n == 0:
		return "нөл"
	case n%10 != 0:
		return numberUnits[n%10]
	case n%100 != 0:
		return numberTens[n%100/10]
	case n%1000 != 0:
		return "жүз"
	case n%1_000_000 != 0:
		return "миң"
	case n%1_000_000_000 != 0:
		return "миллион"
	case n%1_000_000_000_000 != 0:
		return "миллиард"
	default:
		return "триллион"
	}
}

// suffixFor is the ending of case c after word.
func suffixFor(word string, c Case) string {
	low, high := 'а', 'ы' // back unrounded by default (no Cyrillic vowel found)
	rs := []rune(word)
	for i := len(rs) - 1; i >= 0; i-- {
		switch rs[i] {
		case 'а', 'ы', 'я':
			low, high = 'а', 'ы'
		case 'е', 'и', 'э':
			low, high = 'е', 'и'
		case 'о', 'ё':
			low, high = 'о', 'у'
		case 'у', 'ю':
			low, high = 'а', 'у' // суу → сууга, тогуз → тогузга
		case 'ө', 'ү':
			low, high = 'ө', 'ү'
		default:
			continue
		}
		break
	}
	final := 'd' // voiced consonant
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		if r == 'ь' || r == 'ъ' {
			continue
		}
		switch {
		case strings.ContainsRune("аеёиоуыэюяөү", r):
			final = 'v'
		case strings.ContainsRune("кпстфхцчшщ", r):
			final = 't'
		}
		break
	}
	pick := func(vowel, voiced, voiceless string) string {
		switch final {
		case 'v':
			return vowel
		case 't':
			return voiceless
		}
		return voiced
	}
	switch c {
	case Dative:
		return pick("г", "г", "к") + string(low)
	case Ablative:
		return pick("д", "д", "т") + string(low) + "н"
	case Locative:
		return pick("д", "д", "т") + string(low)
	case Genitive:
		return pick("н", "д", "т") + string(high) + "н"
	case Accusative:
		return pick("н", "д", "т") + string(high)
	}
	return ""
}

package i18n

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// message is one catalog entry: a text, or a choice of messages by the CLDR
// plural form of the numeric parameter named param.
type message struct {
	text  string
	param string                   // set for a plural choice
	forms map[plural.Form]*message // for a plural choice; Other is always present
}

// formNames are the CLDR plural categories, as the catalog spells them.
var formNames = map[string]plural.Form{
	"zero":  plural.Zero,
	"one":   plural.One,
	"two":   plural.Two,
	"few":   plural.Few,
	"many":  plural.Many,
	"other": plural.Other,
}

// FormName is the catalog's name of a plural form ("one", "few"…).
func FormName(f plural.Form) string {
	for name, g := range formNames {
		if g == f {
			return name
		}
	}
	return fmt.Sprintf("form(%d)", f)
}

// parseMessage reads a catalog value: a JSON string, or a plural object
// {"plural": "n", "one": …, "few": …, "many": …, "other": …} whose forms are
// strings or, for a second count in the same sentence, plural objects themselves.
func parseMessage(raw json.RawMessage) (*message, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if err := checkPlaceholders(s); err != nil {
			return nil, err
		}
		return &message{text: s}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("a message is a string or a plural object: %w", err)
	}
	m := &message{forms: map[plural.Form]*message{}}
	p, ok := obj["plural"]
	if !ok {
		return nil, fmt.Errorf(`plural object without "plural": name the numeric parameter that chooses the form`)
	}
	if err := json.Unmarshal(p, &m.param); err != nil || m.param == "" {
		return nil, fmt.Errorf(`"plural" must name a parameter`)
	}
	for k, v := range obj {
		if k == "plural" {
			continue
		}
		f, ok := formNames[k]
		if !ok {
			return nil, fmt.Errorf("plural object: %q is not a CLDR plural form (zero, one, two, few, many, other)", k)
		}
		sub, err := parseMessage(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		m.forms[f] = sub
	}
	if m.forms[plural.Other] == nil {
		return nil, fmt.Errorf(`plural object on %q without "other"`, m.param)
	}
	return m, nil
}

// choose returns the text for the parameters in kv, following plural choices
// by the form of their parameter's value in lang.
func (m *message) choose(lang Lang, kv []string) string {
	for m.forms != nil {
		form := plural.Other
		if v, ok := lookup(kv, m.param); ok {
			form = PluralForm(lang, v)
		}
		next := m.forms[form]
		if next == nil {
			next = m.forms[plural.Other]
		}
		m = next
	}
	return m.text
}

// leaves calls fn with every text of m and the parameters whose plural choices lead to it.
func (m *message) leaves(fn func(text string, chosenBy []string)) {
	var walk func(m *message, path []string)
	walk = func(m *message, path []string) {
		if m.forms == nil {
			fn(m.text, path)
			return
		}
		path = append(path[:len(path):len(path)], m.param)
		forms := make([]int, 0, len(m.forms))
		for f := range m.forms {
			forms = append(forms, int(f))
		}
		sort.Ints(forms)
		for _, f := range forms {
			walk(m.forms[plural.Form(f)], path)
		}
	}
	walk(m, nil)
}

func lookup(kv []string, name string) (string, bool) {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == name {
			return kv[i+1], true
		}
	}
	return "", false
}

// tag is the CLDR language of lang.
func (l Lang) tag() language.Tag {
	if l == KY {
		return language.Kirghiz
	}
	return language.Russian
}

// PluralForm is the CLDR cardinal plural form of the number written in s
// ("5", "21", "1.5", "1 234") in lang, chosen by golang.org/x/text/feature/plural.
// Anything that is not a number is Other.
func PluralForm(lang Lang, s string) plural.Form {
	i, v, w, f, t, ok := operands(s)
	if !ok {
		return plural.Other
	}
	return plural.Cardinal.MatchPlural(lang.tag(), i, v, w, f, t)
}

// Forms lists the plural forms lang distinguishes (for Russian one, few, many
// and other; for Kyrgyz one and other), found by asking x/text about integers
// and decimals rather than by a table of our own.
func Forms(lang Lang) []plural.Form {
	seen := map[plural.Form]bool{}
	for i := 0; i < 1000; i++ {
		seen[plural.Cardinal.MatchPlural(lang.tag(), i, 0, 0, 0, 0)] = true
		for _, fr := range []struct{ v, w, f, t int }{{1, 1, 5, 5}, {1, 0, 0, 0}, {2, 2, 25, 25}, {1, 1, 1, 1}} {
			seen[plural.Cardinal.MatchPlural(lang.tag(), i, fr.v, fr.w, fr.f, fr.t)] = true
		}
	}
	var out []plural.Form
	for f := plural.Other; f <= plural.Many; f++ {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out
}

// operands are the CLDR plural operands of a decimal number written in s:
// integer part i, visible fraction digits v (w without trailing zeros), and the
// fraction f (t without trailing zeros). Spaces that group digits are ignored;
// the decimal separator is a point or a comma. Parts too long for an int are
// taken modulo 10,000,000, as x/text allows.
func operands(s string) (i, v, w, f, t int, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "-")
	var intPart, frac strings.Builder
	seenSep := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if seenSep {
				frac.WriteRune(r)
			} else {
				intPart.WriteRune(r)
			}
		case (r == '.' || r == ',') && !seenSep && intPart.Len() > 0:
			seenSep = true
		case (r == ' ' || r == '\u00a0' || r == '\u202f') && !seenSep && intPart.Len() > 0:
			// a group separator: "1 234"
		default:
			return 0, 0, 0, 0, 0, false
		}
	}
	if intPart.Len() == 0 || (seenSep && frac.Len() == 0) {
		return 0, 0, 0, 0, 0, false
	}
	i = modInt(intPart.String())
	fs := frac.String()
	v, f = len(fs), modInt(fs)
	ts := strings.TrimRight(fs, "0")
	w, t = len(ts), modInt(ts)
	return i, v, w, f, t, true
}

// modInt is the value of a string of digits modulo 10,000,000.
func modInt(digits string) int {
	n := 0
	for _, r := range digits {
		n = (n*10 + int(r-'0')) % 10_000_000
	}
	return n
}

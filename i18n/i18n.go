// Package i18n holds the interface's texts in Russian and Kyrgyz (I18N-1).
//
// Texts live in message catalogs under catalog/<lang>/*.json, one file per area
// (web, errors, pdf…), merged at start. Code never carries user-facing strings:
// it names a key and the catalog answers in the user's language.
//
// # Catalog format
//
// Each file is a JSON object from key to message. A message is a string with
// {name} placeholders, filled by T's "name", value pairs:
//
//	"web.vat.due": "Решение до {due}"
//
// A number followed by a counted word is a plural message: an object naming the
// numeric parameter whose value chooses the form, and the text for every CLDR
// plural form the language has — one, few, many and other in Russian (other is
// for fractions: 1,5 минуты), one and other in Kyrgyz:
//
//	"web.board.access": {"plural": "minutes",
//	  "one":   "Доступ: решение в течение {minutes} минуты после приёма",
//	  "few":   "Доступ: решение в течение {minutes} минут после приёма",
//	  "many":  "Доступ: решение в течение {minutes} минут после приёма",
//	  "other": "Доступ: решение в течение {minutes} минуты после приёма"}
//
// The form is chosen by golang.org/x/text/feature/plural (PluralForm), not by a
// rule of ours. The parameter need not appear in the text: a word printed after
// a number the page shows by itself is chosen the same way. A form may itself be
// a plural object on another parameter, for a sentence with two counts. A Kyrgyz
// noun stays singular after a number (5 мүнөт), so a Kyrgyz message rarely needs
// a plural object.
//
// A Kyrgyz case ending after a number or a clock time follows the vowel harmony
// of the number as it is read aloud, so it cannot be typed once into the text:
// the placeholder names the case instead, {max:dat} (-га), {min:abl} (-дан),
// {t:loc} (-да), {n:gen} (-нын), {n:acc} (-ны), and KyrgyzSuffix adds the ending
// ("8ден 64кө чейин", "19:42ден кийин"). Where no ending is wanted, the sentence
// is built around one: "{min} дегенден", "эң көбү: {max}".
//
// The tests walk every message in both languages with the numbers 0, 1, 2, 5,
// 11, 21 and 101: a plural object must have every form its language has, and a
// counted word after a number outside a plural message fails.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Lang is an interface language.
type Lang string

const (
	RU Lang = "ru" // Russian, the default
	KY Lang = "ky" // Kyrgyz
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{RU, KY}

// Parse returns the language named by s ("ru", "ky", "ky-KG"…) and whether it is supported.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	switch Lang(s) {
	case RU, KY:
		return Lang(s), true
	}
	return RU, false
}

//go:embed catalog
var catalogFS embed.FS

// Catalog maps keys to messages per language. It is read-only after Load.
type Catalog struct {
	msgs map[Lang]map[string]*message
}

// Load reads every catalog/<lang>/*.json file of fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{msgs: map[Lang]map[string]*message{}}
	for _, lang := range Langs {
		m := map[string]*message{}
		dir := path.Join("catalog", string(lang))
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			var part map[string]json.RawMessage
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s/%s: %w", dir, e.Name(), err)
			}
			for k, raw := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", dir, k)
				}
				msg, err := parseMessage(raw)
				if err != nil {
					return nil, fmt.Errorf("i18n: %s/%s: %s: %w", dir, e.Name(), k, err)
				}
				m[k] = msg
			}
		}
		c.msgs[lang] = m
	}
	return c, nil
}

var std = func() *Catalog {
	c, err := Load(catalogFS)
	if err != nil {
		panic(err) // the catalogs are embedded: a broken one is a build error, caught by the tests
	}
	return c
}()

// Default returns the embedded catalog.
func Default() *Catalog { return std }

// T returns the text for key in lang, with {name} placeholders replaced by the
// pairs in kv ("name", "value", …). A plural message picks its form by the value
// of its parameter (see the package doc); {name:dat} and the other case
// modifiers add a Kyrgyz case ending to the value (KyrgyzSuffix). A key missing
// in lang falls back to Russian, then to the key itself, so a gap shows up on
// screen rather than as an empty string; a placeholder without a value stays as written.
func (c *Catalog) T(lang Lang, key string, kv ...string) string {
	m, ok := c.msgs[lang][key]
	if !ok {
		if m, ok = c.msgs[RU][key]; !ok {
			return key
		}
		lang = RU
	}
	s := m.choose(lang, kv)
	if len(kv) == 0 || !strings.Contains(s, "{") {
		return s
	}
	return fill(s, kv)
}

// fill replaces the placeholders of s by their values in kv, in one pass: a
// value is never read again as a template.
func fill(s string, kv []string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		name, mod, n, ok := placeholderAt(s[i:])
		if !ok {
			b.WriteByte('{')
			s = s[i+1:]
			continue
		}
		v, found := lookup(kv, name)
		if !found {
			b.WriteString(s[i : i+n])
		} else {
			b.WriteString(v)
			if mod != "" {
				b.WriteString(KyrgyzSuffix(v, caseModifiers[mod]))
			}
		}
		s = s[i+n:]
	}
}

// placeholderAt reads a placeholder at the start of s: {name} or {name:mod},
// with name made of ASCII letters, digits and underscores. n is its length.
func placeholderAt(s string) (name, mod string, n int, ok bool) {
	end := strings.IndexByte(s, '}')
	if end < 0 || s[0] != '{' {
		return "", "", 0, false
	}
	name = s[1:end]
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name, mod = name[:i], name[i+1:]
		if _, known := caseModifiers[mod]; !known {
			return "", "", 0, false
		}
	}
	if name == "" {
		return "", "", 0, false
	}
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", "", 0, false
		}
	}
	return name, mod, end + 1, true
}

// checkPlaceholders rejects a {name:mod} whose modifier is not a known case, so
// that a typo fails at start rather than showing on a page.
func checkPlaceholders(s string) error {
	for i := strings.IndexByte(s, '{'); i >= 0; i = strings.IndexByte(s, '{') {
		s = s[i:]
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return nil
		}
		if inner := s[1:end]; strings.Contains(inner, ":") {
			if _, _, _, ok := placeholderAt(s); !ok {
				return fmt.Errorf("placeholder %s: unknown case modifier (dat, abl, loc, gen, acc)", s[:end+1])
			}
		}
		s = s[1:]
	}
	return nil
}

// Has reports whether key is defined in lang.
func (c *Catalog) Has(lang Lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys returns the sorted keys defined in lang.
func (c *Catalog) Keys(lang Lang) []string {
	keys := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T is Default().T.
func T(lang Lang, key string, kv ...string) string { return std.T(lang, key, kv...) }

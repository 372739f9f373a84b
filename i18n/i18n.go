// Package i18n holds the interface's texts in Russian and Kyrgyz (I18N-1).
//
// Texts live in message catalogs under catalog/<lang>/*.json, one file per area
// (web, errors, pdf…), merged at start. Code never carries user-facing strings:
// it names a key and the catalog answers in the user's language.
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

// Catalog maps keys to texts per language. It is read-only after Load.
type Catalog struct {
	texts map[Lang]map[string]string
}

// Load reads every catalog/<lang>/*.json file of fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{texts: map[Lang]map[string]string{}}
	for _, lang := range Langs {
		m := map[string]string{}
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
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s/%s: %w", dir, e.Name(), err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", dir, k)
				}
				m[k] = v
			}
		}
		c.texts[lang] = m
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
// pairs in kv ("name", "value", …). A key missing in lang falls back to Russian,
// then to the key itself, so a gap shows up on screen rather than as an empty string.
func (c *Catalog) T(lang Lang, key string, kv ...string) string {
	s, ok := c.texts[lang][key]
	if !ok {
		if s, ok = c.texts[RU][key]; !ok {
			return key
		}
	}
	if len(kv) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, "{"+kv[i]+"}", kv[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Has reports whether key is defined in lang.
func (c *Catalog) Has(lang Lang, key string) bool {
	_, ok := c.texts[lang][key]
	return ok
}

// Keys returns the sorted keys defined in lang.
func (c *Catalog) Keys(lang Lang) []string {
	keys := make([]string, 0, len(c.texts[lang]))
	for k := range c.texts[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T is Default().T.
func T(lang Lang, key string, kv ...string) string { return std.T(lang, key, kv...) }

package i18n

import "testing"

// I18N-1: every key exists in both languages, so no screen falls back silently.
func TestI18N1CatalogsComplete(t *testing.T) {
	c := Default()
	for _, a := range Langs {
		for _, b := range Langs {
			for _, k := range c.Keys(a) {
				if !c.Has(b, k) {
					t.Errorf("I18N-1: key %q is in %s but not in %s", k, a, b)
				}
			}
		}
	}
	if len(c.Keys(RU)) == 0 {
		t.Fatal("I18N-1: empty catalog")
	}
}

func TestI18N1Placeholders(t *testing.T) {
	c := Default()
	if got := c.T(RU, "lang.name"); got != "Русский" {
		t.Fatalf("lang.name = %q", got)
	}
	if got := c.T(KY, "lang.name"); got != "Кыргызча" {
		t.Fatalf("lang.name ky = %q", got)
	}
	if got := c.T(RU, "no.such.key"); got != "no.such.key" {
		t.Fatalf("missing key = %q", got)
	}
	if l, ok := Parse("ky-KG"); !ok || l != KY {
		t.Fatalf("Parse(ky-KG) = %v %v", l, ok)
	}
	if l, ok := Parse("en"); ok || l != RU {
		t.Fatalf("Parse(en) = %v %v", l, ok)
	}
}

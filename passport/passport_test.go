package passport

import (
	"strings"
	"testing"

	"kabinet"
)

func TestParse(t *testing.T) {
	ok := []struct {
		name, in, want string
		known          bool
	}{
		{"PSP-1 as the Guide types it", "AN 4890152", "AN4890152", true},
		{"PSP-1 stored form", "AN4890152", "AN4890152", true},
		{"PSP-1 lower case", "an4890152", "AN4890152", true},
		{"PSP-1 Cyrillic АН, as the AN series is often written", "АН 4890152", "AN4890152", true},
		{"PSP-1 Cyrillic ІД", "ІД 1234567", "ID1234567", true},
		{"PSP-1 Cyrillic А with Latin N", "АN 4890152", "AN4890152", true},
		{"PSP-1 Cyrillic lower-case look-alikes", "ас 1234567", "AC1234567", true},
		{"PSP-1 biometric ID card", "ID 1234567", "ID1234567", true},
		{"PSP-1 travel passport", "PE-1234567", "PE1234567", true},
		{"PSP-1 non-breaking space", "AN\u00a04890152", "AN4890152", true},
		{"PSP-1 unknown series accepted and flagged", "ZZ 1234567", "ZZ1234567", false},
		{"PSP-1 Cyrillic lower-case ан", "ан4890152", "AN4890152", true},
		{"PSP-1 Cyrillic Р Е, travel passport", "РЕ 1234567", "PE1234567", true},
		{"PSP-1 Latin A with Cyrillic Н", "AН 4890152", "AN4890152", true},
		{"PSP-1 spaces inside the number", "AN 489 01 52", "AN4890152", true},
		{"PSP-1 en dash and thin space", "AN\u2013489\u20090152", "AN4890152", true},
		{"PSP-1 pasted with a line end", "AN 4890152\r\n", "AN4890152", true},
		{"PSP-1 Cyrillic look-alikes of an unknown series", "ХК 1234567", "XK1234567", false},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != c.want || p.Known != c.known {
				t.Errorf("Parse(%q) = %+v", c.in, p)
			}
		})
	}
	if p, _ := Parse("AN4890152"); p.Display() != "AN 4890152" || p.Series != "AN" || p.Number != "4890152" {
		t.Errorf("PSP-1 Display = %q (%+v)", p.Display(), p)
	}
	bad := []struct{ name, in, reason string }{
		{"PSP-1 empty", " ", "empty"},
		{"PSP-1 short", "AN 48901", "length"},
		{"PSP-1 digits in series", "A1 4890152", "series"},
		{"PSP-1 letters in number", "AN 489015Z", "number"},
		{"PSP-1 Cyrillic letter without a Latin twin", "ЖН 4890152", "series"},
		{"PSP-1 three letters", "ANN 890152", "number"},
		{"PSP-1 Unicode digits do not count", "AN ٤٨٩٠١٥٢", "number"},
		{"PSP-1 fullwidth digits do not count", "AN４８９０１５２", "number"},
		{"PSP-1 too long", "AN 48901522", "length"},
		{"PSP-1 very long input", strings.Repeat("A", 10000), "length"},
		{"PSP-1 SEC-3 NUL", "AN489015\x00", "invalid_text"},
		{"PSP-1 SEC-3 NUL alone", "\x00", "invalid_text"},
		{"PSP-1 SEC-3 other control character", "AN\x1b4890152", "invalid_text"},
		{"PSP-1 SEC-3 invalid UTF-8", "AN\xff4890152", "invalid_text"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.in)
			e, ok := kabinet.AsError(err)
			if !ok || e.Code != "invalid_passport" || e.Kind != kabinet.KindUnprocessable || e.Details["reason"] != c.reason {
				t.Errorf("Parse(%q) = %v, want reason %s", c.in, err, c.reason)
			}
		})
	}
}

func TestKnownSeries(t *testing.T) {
	for _, s := range []string{"AN", "ID", "AC", "PE"} {
		if !KnownSeries(s) {
			t.Errorf("PSP-1 %s is a known series", s)
		}
	}
	for _, s := range []string{"", "an", "AH", "ZZ", "АН"} {
		if KnownSeries(s) {
			t.Errorf("PSP-1 %q is not a known series", s)
		}
	}
}

func TestNormalize(t *testing.T) {
	// PSP-1: every Cyrillic look-alike, upper and lower case, maps to its Latin letter.
	if got := Normalize("АВЕКМНОРСТХУ авекмнорстху"); got != "ABEKMNOPCTXYABEKMNOPCTXY" {
		t.Errorf("Normalize = %q", got)
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		Parse("AN 4890152")
	}
}

func BenchmarkParseCyrillic(b *testing.B) {
	for b.Loop() {
		Parse("ан 489-01-52")
	}
}

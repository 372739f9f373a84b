package i18n

import (
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/feature/plural"
)

// The forms a language has come from x/text's CLDR data.
func TestI18N1Forms(t *testing.T) {
	names := func(fs []plural.Form) string {
		var out []string
		for _, f := range fs {
			out = append(out, FormName(f))
		}
		return strings.Join(out, " ")
	}
	if got := names(Forms(RU)); got != "other one few many" {
		t.Errorf("Forms(ru) = %s", got)
	}
	if got := names(Forms(KY)); got != "other one" {
		t.Errorf("Forms(ky) = %s", got)
	}
}

func TestI18N1PluralForm(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		n    string
		want plural.Form
	}{
		{RU, "0", plural.Many}, {RU, "1", plural.One}, {RU, "2", plural.Few}, {RU, "4", plural.Few},
		{RU, "5", plural.Many}, {RU, "11", plural.Many}, {RU, "12", plural.Many}, {RU, "14", plural.Many},
		{RU, "21", plural.One}, {RU, "22", plural.Few}, {RU, "101", plural.One}, {RU, "111", plural.Many},
		{RU, "1 001", plural.One}, {RU, "1.5", plural.Other}, {RU, "2,0", plural.Other}, {RU, "-3", plural.Few},
		{RU, "", plural.Other}, {RU, "{nb}", plural.Other}, {RU, "abc", plural.Other}, {RU, "1.", plural.Other},
		{KY, "1", plural.One}, {KY, "21", plural.Other}, {KY, "0", plural.Other}, {KY, "5", plural.Other},
	} {
		if got := PluralForm(tc.lang, tc.n); got != tc.want {
			t.Errorf("PluralForm(%s, %q) = %s, want %s", tc.lang, tc.n, FormName(got), FormName(tc.want))
		}
	}
}

// The ending after a number follows the last word said: 64 алтымыш төрт → 64кө.
func TestI18N1KyrgyzSuffix(t *testing.T) {
	for _, tc := range []struct {
		value    string
		dat, abl string
	}{
		{"0", "гө", "дөн"},       // нөл
		{"1", "ге", "ден"},       // бир
		{"2", "ге", "ден"},       // эки
		{"3", "кө", "төн"},       // үч
		{"4", "кө", "төн"},       // төрт
		{"5", "ке", "тен"},       // беш
		{"6", "га", "дан"},       // алты
		{"7", "ге", "ден"},       // жети
		{"8", "ге", "ден"},       // сегиз
		{"9", "га", "дан"},       // тогуз: after у the low vowel is а
		{"10", "го", "дон"},      // он
		{"11", "ге", "ден"},      // он бир
		{"20", "га", "дан"},      // жыйырма
		{"21", "ге", "ден"},      // жыйырма бир
		{"30", "га", "дан"},      // отуз
		{"40", "ка", "тан"},      // кырк
		{"42", "ге", "ден"},      // кырк эки
		{"50", "гө", "дөн"},      // элүү
		{"60", "ка", "тан"},      // алтымыш
		{"64", "кө", "төн"},      // алтымыш төрт
		{"70", "ке", "тен"},      // жетимиш
		{"80", "ге", "ден"},      // сексен
		{"90", "го", "дон"},      // токсон
		{"100", "гө", "дөн"},     // жүз
		{"101", "ге", "ден"},     // жүз бир
		{"128", "ге", "ден"},     // жүз жыйырма сегиз
		{"1000", "ге", "ден"},    // миң
		{"1440", "ка", "тан"},    // миң төрт жүз кырк
		{"100000", "ге", "ден"},  // жүз миң
		{"1000000", "го", "дон"}, // миллион
		{"9999999", "га", "дан"}, // … тогуз
		{"1 500", "гө", "дөн"},   // миң беш жүз
		{"0.25", "ке", "тен"},    // нөл бүтүн жүздөн жыйырма беш
		{"19:42", "ге", "ден"},   // он тогуз кырк эки
		{"19:00", "га", "дан"},   // саат он тогуз
		{"08:30", "га", "дан"},   // сегиз отуз
		{"15:04", "кө", "төн"},   // он беш нөл төрт
		{"02.01.2026 10:00", "го", "дон"},
		{"Бишкек", "ке", "тен"}, {"Ош", "ко", "тон"}, {"суу", "га", "дан"}, {"үй", "гө", "дөн"},
	} {
		if got := KyrgyzSuffix(tc.value, Dative); got != tc.dat {
			t.Errorf("dative of %q: %s, want %s", tc.value, got, tc.dat)
		}
		if got := KyrgyzSuffix(tc.value, Ablative); got != tc.abl {
			t.Errorf("ablative of %q: %s, want %s", tc.value, got, tc.abl)
		}
	}
	for _, tc := range []struct {
		value string
		c     Case
		want  string
	}{
		{"19:42", Locative, "де"}, {"5", Locative, "те"}, {"10", Locative, "до"}, {"100", Locative, "дө"},
		{"2", Genitive, "нин"}, {"5", Genitive, "тин"}, {"10", Genitive, "дун"}, {"100", Genitive, "дүн"}, {"6", Genitive, "нын"},
		{"2", Accusative, "ни"}, {"5", Accusative, "ти"}, {"9", Accusative, "ду"}, {"50", Accusative, "нү"},
	} {
		if got := KyrgyzSuffix(tc.value, tc.c); got != tc.want {
			t.Errorf("case %d of %q: %s, want %s", tc.c, tc.value, got, tc.want)
		}
	}
}

func fixture(ru, ky string) fstest.MapFS {
	return fstest.MapFS{
		"catalog/ru/a.json": {Data: []byte(ru)},
		"catalog/ky/a.json": {Data: []byte(ky)},
	}
}

func TestI18N1PluralMessages(t *testing.T) {
	c, err := Load(fixture(`{
		"left": {"plural": "n", "one": "Осталась {n} попытка.", "few": "Осталось {n} попытки.", "many": "Осталось {n} попыток.", "other": "Осталось {n} попытки."},
		"word": {"plural": "n", "one": "решение", "few": "решения", "many": "решений", "other": "решения"},
		"two": {"plural": "n", "one": {"plural": "m", "one": "{n} файл, {m} строка", "other": "{n} файл, {m} строк"},
		                        "other": {"plural": "m", "one": "{n} файлов, {m} строка", "other": "{n} файлов, {m} строк"}},
		"plain": "стр. {n} из {m}"}`, `{
		"left": "{n} аракет калды.",
		"range": "{min:abl} {max:dat} чейин",
		"time": "{t:abl} кийин"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang Lang
		key  string
		kv   []string
		want string
	}{
		{RU, "left", []string{"n", "1"}, "Осталась 1 попытка."},
		{RU, "left", []string{"n", "3"}, "Осталось 3 попытки."},
		{RU, "left", []string{"n", "11"}, "Осталось 11 попыток."},
		{RU, "left", []string{"n", "21"}, "Осталась 21 попытка."},
		{RU, "left", []string{"n", "1.5"}, "Осталось 1.5 попытки."},
		{RU, "left", nil, "Осталось {n} попытки."}, // no value: the other form, placeholder kept
		{RU, "word", []string{"n", "101"}, "решение"},
		{RU, "two", []string{"n", "1", "m", "21"}, "1 файл, 21 строка"},
		{RU, "two", []string{"n", "5", "m", "7"}, "5 файлов, 7 строк"},
		{RU, "plain", []string{"n", "1", "m", "{nb}"}, "стр. 1 из {nb}"}, // a value is not read as a template
		{KY, "left", []string{"n", "5"}, "5 аракет калды."},
		{KY, "range", []string{"min", "8", "max", "64"}, "8ден 64кө чейин"},
		{KY, "range", []string{"max", "64"}, "{min:abl} 64кө чейин"},
		{KY, "time", []string{"t", "19:42"}, "19:42ден кийин"},
		{KY, "word", []string{"n", "2"}, "решения"}, // missing in ky: Russian, with Russian rules
	} {
		if got := c.T(tc.lang, tc.key, tc.kv...); got != tc.want {
			t.Errorf("T(%s, %s, %v) = %q, want %q", tc.lang, tc.key, tc.kv, got, tc.want)
		}
	}
}

func TestI18N1LoadRejectsBadMessages(t *testing.T) {
	for _, bad := range []string{
		`{"k": {"one": "a", "other": "b"}}`,                   // no "plural"
		`{"k": {"plural": "n", "one": "a"}}`,                  // no "other"
		`{"k": {"plural": "n", "single": "a", "other": "b"}}`, // not a CLDR form
		`{"k": {"plural": "", "other": "b"}}`,
		`{"k": 5}`,
		`{"k": "{n:datv} чейин"}`, // unknown case modifier
	} {
		if _, err := Load(fixture(bad, `{}`)); err == nil {
			t.Errorf("Load accepted %s", bad)
		}
	}
}

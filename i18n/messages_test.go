package i18n

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/feature/plural"
)

// Every placeholder a message uses is one of these kinds, so the walk knows
// which take numbers. A new placeholder name fails the walk until it is listed.
var (
	numericParams = set("n", "m", "min", "max", "minutes", "days", "months", "retry_after", "line", "to")
	timeParams    = set("locked_until_local")
	textParams    = set("cell", "value", "expected", "number", "decision_number", "office", "reference", "code",
		"series", "table", "reason", "ground", "due", "unit", "chars")
)

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// The numbers every message with a number is rendered with: each plural form
// of Russian (1 one, 2 few, 5 many) and the numbers where a naive rule breaks.
var walkNumbers = []int{0, 1, 2, 5, 11, 21, 101}

// Words that may follow a bare number in Russian: they do not agree with it.
var ruFreeAfterNumber = set("из", "до", "по", "и", "или", "в", "во", "на", "с", "со", "включительно")

// Kyrgyz postpositions that need a case ending on the number before them.
var kyPostpositions = "чейин|дейре|баштап|тартып|кийин|мурун|бери"

var (
	placeholderRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)(?::([a-z]+))?\}`)
	ruWordAfterRE = regexp.MustCompile(`^\s+([А-Яа-яЁё]+)`)
	kyLiteralRE   = regexp.MustCompile(`(^|[^0-9:.,\-–])([0-9]+)([а-яөүңё]+)`)
	kyBareBefore  = regexp.MustCompile(`(\{[A-Za-z0-9_]+\}|[0-9])\s+(` + kyPostpositions + `)([^а-яөүңё]|$)`)
)

// checkCatalog walks every message of c in both languages and returns what is wrong.
func checkCatalog(c *Catalog) []string {
	var problems []string
	seen := map[string]bool{}
	bad := func(lang Lang, key, format string, args ...any) {
		p := fmt.Sprintf("%s %s: %s", lang, key, fmt.Sprintf(format, args...))
		if !seen[p] {
			seen[p] = true
			problems = append(problems, p)
		}
	}
	for _, lang := range Langs {
		needed := Forms(lang)
		for _, key := range c.Keys(lang) {
			m := c.msgs[lang][key]
			params := map[string]bool{}
			// The plural objects: every form the language has, and no other.
			var walkObjects func(m *message)
			walkObjects = func(m *message) {
				if m.forms == nil {
					return
				}
				params[m.param] = true
				if !numericParams[m.param] {
					bad(lang, key, "plural on %q, which is not a numeric parameter", m.param)
				}
				for _, f := range needed {
					if m.forms[f] == nil {
						bad(lang, key, "plural on %q has no %q form, which %s needs", m.param, FormName(f), lang)
					}
				}
				for f, sub := range m.forms {
					if !containsForm(needed, f) {
						bad(lang, key, "plural on %q has a %q form, which %s does not have", m.param, FormName(f), lang)
					}
					walkObjects(sub)
				}
			}
			walkObjects(m)
			m.leaves(func(text string, chosenBy []string) {
				for _, sm := range placeholderRE.FindAllStringSubmatchIndex(text, -1) {
					name, mod := text[sm[2]:sm[3]], ""
					if sm[4] >= 0 {
						mod = text[sm[4]:sm[5]]
					}
					params[name] = true
					after := text[sm[1]:]
					numeric := numericParams[name] || timeParams[name]
					switch {
					case !numeric && !textParams[name]:
						bad(lang, key, "placeholder {%s} is not classified: add it to numericParams, timeParams or textParams", name)
					case mod != "" && lang != KY:
						bad(lang, key, "{%s:%s}: case modifiers are Kyrgyz", name, mod)
					case mod != "" && !numeric:
						bad(lang, key, "{%s:%s}: a case ending is chosen for numbers and times only", name, mod)
					case lang == RU && numericParams[name] && !containsString(chosenBy, name):
						if w := ruWordAfterRE.FindStringSubmatch(after); w != nil && !ruFreeAfterNumber[strings.ToLower(w[1])] {
							bad(lang, key, "«{%s} %s»: a counted word after a number needs a plural message on %q", name, w[1], name)
						}
					case lang == KY && numeric && mod == "" && after != "" && startsWithLetter(after):
						bad(lang, key, "{%s}%s: write the case as {%s:dat}/{%s:abl}/…, its ending depends on the number", name, firstWord(after), name, name)
					}
				}
				if lang == KY {
					for _, m := range kyBareBefore.FindAllStringSubmatch(text, -1) {
						bad(lang, key, "«%s %s»: the number before a postposition needs a case ending", m[1], m[2])
					}
					for _, m := range kyLiteralRE.FindAllStringSubmatch(text, -1) {
						if !isCaseEnding(m[2], m[3]) {
							bad(lang, key, "«%s%s»: the ending after %s is one of %s", m[2], m[3], m[2], strings.Join(caseEndings(m[2]), ", "))
						}
					}
				}
			})
			// Render with every number: nothing may stay unfilled.
			var numeric []string
			for p := range params {
				if numericParams[p] || timeParams[p] {
					numeric = append(numeric, p)
				}
			}
			sort.Strings(numeric)
			for _, p := range numeric {
				for _, n := range walkNumbers {
					kv := []string{}
					for q := range params {
						switch {
						case q == p && timeParams[q]:
							kv = append(kv, q, fmt.Sprintf("%02d:%02d", n%24, n%60))
						case q == p:
							kv = append(kv, q, strconv.Itoa(n))
						case numericParams[q]:
							kv = append(kv, q, "5")
						case timeParams[q]:
							kv = append(kv, q, "19:42")
						default:
							kv = append(kv, q, "X")
						}
					}
					got := c.T(lang, key, kv...)
					if strings.ContainsAny(got, "{}") || strings.TrimSpace(got) == "" {
						bad(lang, key, "%s=%d renders as %q", p, n, got)
					}
				}
			}
		}
	}
	// Both languages take the same parameters, or one of them shows a gap.
	for _, key := range c.Keys(RU) {
		if !c.Has(KY, key) {
			continue
		}
		ru, ky := paramsOf(c.msgs[RU][key]), paramsOf(c.msgs[KY][key])
		if ru != ky {
			bad(KY, key, "parameters %s, Russian has %s", ky, ru)
		}
	}
	return problems
}

func paramsOf(m *message) string {
	ps := map[string]bool{}
	m.leaves(func(text string, _ []string) {
		for _, sm := range placeholderRE.FindAllStringSubmatch(text, -1) {
			ps[sm[1]] = true
		}
	})
	var out []string
	for p := range ps {
		out = append(out, p)
	}
	sort.Strings(out)
	return "[" + strings.Join(out, " ") + "]"
}

func containsForm(fs []plural.Form, f plural.Form) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func startsWithLetter(s string) bool {
	for _, r := range s {
		return r >= 'а' && r <= 'я' || strings.ContainsRune("ёөүң", r)
	}
	return false
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " .,;:)"); i >= 0 {
		return s[:i]
	}
	return s
}

func caseEndings(number string) []string {
	var out []string
	for _, c := range []Case{Dative, Ablative, Locative, Genitive, Accusative} {
		out = append(out, KyrgyzSuffix(number, c))
	}
	return out
}

// isCaseEnding reports whether ending is a case ending of number, or one followed by more
// (a possessive, a second suffix).
func isCaseEnding(number, ending string) bool {
	for _, e := range caseEndings(number) {
		if strings.HasPrefix(ending, e) {
			return true
		}
	}
	return false
}

// I18N-1, issue 14 point 5: every message in both languages, rendered with the
// numbers 0, 1, 2, 5, 11, 21, 101.
func TestI18N1EveryMessageWithNumbers(t *testing.T) {
	for _, p := range checkCatalog(Default()) {
		t.Error(p)
	}
}

// The walk fails on the mistakes it is there to catch.
func TestI18N1WalkCatchesMistakes(t *testing.T) {
	c, err := Load(fixture(`{
		"attempts": "Осталось {n} попыток.",
		"chosen_by_other": {"plural": "m", "one": "{n} попыток, {m} минуту", "few": "{n} попыток, {m} минуты", "many": "{n} попыток, {m} минут", "other": "{n} попыток, {m} минуты"},
		"no_few": {"plural": "n", "one": "{n} минуту", "many": "{n} минут", "other": "{n} минуты"},
		"on_text": {"plural": "cell", "one": "a", "few": "a", "many": "a", "other": "a"},
		"unknown": "Через {hours} часов",
		"range": "От {min} до {max}",
		"suffix": "a", "literal": "a", "modifier_ru": "после {max:abl}"}`, `{
		"attempts": "{n} аракет калды.",
		"chosen_by_other": "{n} жолу, {m} мүнөт",
		"no_few": "{n} мүнөт",
		"on_text": {"plural": "cell", "one": "a", "few": "a", "other": "a"},
		"unknown": "{hours} сааттан кийин",
		"range": "{min} баштап {max} чейин",
		"suffix": "{max}ден ашпашы керек",
		"literal": "1ден 9999999 чейин, 64ке",
		"modifier_ru": "{max:abl} кийин"}`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(checkCatalog(c), "\n")
	for _, want := range []string{
		`ru attempts: «{n} попыток»: a counted word after a number needs a plural message on "n"`,
		`ru chosen_by_other: «{n} попыток»`,
		`ru no_few: plural on "n" has no "few" form, which ru needs`,
		`ru on_text: plural on "cell", which is not a numeric parameter`,
		`ky on_text: plural on "cell" has a "few" form, which ky does not have`,
		`ru unknown: placeholder {hours} is not classified`,
		`ky range: «{min} баштап»: the number before a postposition needs a case ending`,
		`ky suffix: {max}ден: write the case as {max:dat}`,
		`ky literal: «9 чейин»: the number before a postposition needs a case ending`,
		`ky literal: «64ке»: the ending after 64 is one of кө, төн, тө, түн, тү`,
		`ru modifier_ru: {max:abl}: case modifiers are Kyrgyz`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the walk did not report %q; it reported:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ru range") || strings.Contains(got, "ky attempts") {
		t.Errorf("the walk reported a correct message:\n%s", got)
	}
}

// One thing has one name in every catalog, web and PDF alike: the variant on
// the left is written as the one on the right.
var oneTerm = map[Lang][]struct{ variant, term string }{
	RU: {
		{`(?i)отчет`, "отчёт (the catalogs write ё)"},
		{`(?i)уточненн`, "уточнённый"},
		{`(^|[^а-яё])[Ее]ще($|[^а-яё])`, "ещё"},
		{`(?i)тип отчёта`, "вид отчёта (cell 001)"},
		{`(^|[^а-яё])[Пп]ол[еяю] \d`, "ячейка N, as the Guide numbers the boxes of a form"},
		{`время бишкекское`, "время Бишкека"},
		{`Своевременность`, "Соблюдение срока"},
	},
	KY: {
		{`СТ ИНН`, "СТнын ИНН"},
		{`\d-талаа`, "N-уяча, as the web form numbers its boxes"},
		{`документтик`, "документалдык"},
		{`(?i)ликвидациялык`, "жоюу (the report's type)"},
		{`(?i)кирүү текшерүү`, "кириш көзөмөлү (input control)"},
		{`ӨКМ алдындагы`, "КР Өкмөтүнө караштуу"},
		{`(?i)арыз ээсинин`, "арыз берүүчүнүн"},
		{`Чечимдин датасы`, "Чечимдин күнү"},
		{`(?i)цифра`, "сан"},
		{`(?i)өз убагында`, "мөөнөтүндө"},
	},
}

func TestI18N1OneTermForOneThing(t *testing.T) {
	c := Default()
	for lang, pairs := range oneTerm {
		for _, p := range pairs {
			re := regexp.MustCompile(p.variant)
			for _, key := range c.Keys(lang) {
				c.msgs[lang][key].leaves(func(text string, _ []string) {
					if m := re.FindString(text); m != "" {
						t.Errorf("%s %s: «%s» — write %s", lang, key, m, p.term)
					}
				})
			}
		}
	}
}

// What real messages say with each of the walk's numbers, in both languages.
func TestI18N1ExpectedRenders(t *testing.T) {
	c := Default()
	forms := func(format string, words ...string) []string {
		out := make([]string, len(words))
		for i, w := range words {
			out[i] = fmt.Sprintf(format, walkNumbers[i], w)
		}
		return out
	}
	for _, tc := range []struct {
		lang  Lang
		key   string
		param string
		kv    []string
		shown bool     // the page prints the number itself, before the message
		want  []string // for 0, 1, 2, 5, 11, 21, 101
	}{
		{RU, "web.board.today.decisions", "n", nil, true,
			forms("%d %s", "решений принято", "решение принято", "решения принято", "решений принято", "решений принято", "решение принято", "решение принято")},
		{RU, "web.board.access", "minutes", nil, false,
			forms("Доступ: решение в течение %d %s после приёма", "минут", "минуты", "минут", "минут", "минут", "минуты", "минуты")},
		{RU, "web.board.annulments", "days", nil, false,
			forms("Аннулирование: в течение %d %s", "календарных дней", "календарного дня", "календарных дней", "календарных дней", "календарных дней", "календарного дня", "календарного дня")},
		{RU, "web.vat.board.lead", "days", nil, false,
			forms("Срок решения — %d %s после подачи заявления.", "календарных дней", "календарный день", "календарных дня", "календарных дней", "календарных дней", "календарный день", "календарный день")},
		{RU, "web.login.attempts_left", "n", nil, false,
			forms("До блокировки %[2]s.", "осталось 0 попыток", "осталась 1 попытка", "осталось 2 попытки", "осталось 5 попыток", "осталось 11 попыток", "осталась 21 попытка", "осталась 101 попытка")},
		{RU, "web.notice.sessions_ended", "n", nil, false,
			[]string{"Завершено 0 других сеансов.", "Завершён 1 другой сеанс.", "Завершено 2 других сеанса.", "Завершено 5 других сеансов.", "Завершено 11 других сеансов.", "Завершён 21 другой сеанс.", "Завершён 101 другой сеанс."}},
		{RU, "filing.errors.title", "n", nil, false,
			forms("Входной контроль: %d %s", "ошибок", "ошибка", "ошибки", "ошибок", "ошибок", "ошибка", "ошибка")},
		{RU, "error.rate_limited", "retry_after", nil, false,
			forms("Слишком много запросов. Повторите через %d %s.", "секунд", "секунду", "секунды", "секунд", "секунд", "секунду", "секунду")},
		{RU, "password.rule.min_length", "n", nil, false,
			forms("Пароль должен быть не менее %d %s", "символов", "символа", "символов", "символов", "символов", "символа", "символа")},
		{RU, "form.rule.too_few_rows", "min", nil, false,
			forms("В таблице должно быть не менее %d %s.", "строк", "строки", "строк", "строк", "строк", "строки", "строки")},
		{RU, "web.password.must", "months", nil, false,
			forms("Вы были неактивны более %d %s. Прежде чем продолжить работу, необходимо сменить пароль: введите текущий пароль, новый пароль, подтвердите его и задайте кодовое слово.", "месяцев", "месяца", "месяцев", "месяцев", "месяцев", "месяца", "месяца")},
		{RU, "web.login.lock_rule", "minutes", []string{"n", "3"}, false,
			forms("После 3-й неверной попытки ввода пароля подряд вход блокируется на %d %s; по истечении этого времени блокировка снимается автоматически.", "минут", "минуту", "минуты", "минут", "минут", "минуту", "минуту")},
		{RU, "web.unit.times", "n", nil, true, forms("%d %s", "раз", "раза", "раз", "раз", "раз", "раза", "раза")},
		{KY, "web.vat.apply.quantity.hint", "max", nil, false,
			forms("Бүтүн сан, 1ден %d%s чейин.", "гө", "ге", "ге", "ке", "ге", "ге", "ге")},
		{KY, "web.policy.range", "max", []string{"min", "8", "unit", "белги"}, false,
			forms("8ден %d%s чейин белги.", "гө", "ге", "ге", "ке", "ге", "ге", "ге")},
		{KY, "web.login.attempts_left", "n", nil, false, forms("Бөгөттөлгөнгө чейин %d %s калды.", "аракет", "аракет", "аракет", "аракет", "аракет", "аракет", "аракет")},
		{KY, "web.board.access", "minutes", nil, false,
			forms("Жеткиликтүүлүк: кабыл алынгандан кийин %d %s ичинде чечим", "мүнөттүн", "мүнөттүн", "мүнөттүн", "мүнөттүн", "мүнөттүн", "мүнөттүн", "мүнөттүн")},
		{KY, "filing.errors.title", "n", nil, false, forms("Кириш көзөмөлү: %d %s", "ката", "ката", "ката", "ката", "ката", "ката", "ката")},
	} {
		for i, n := range walkNumbers {
			kv := append([]string{tc.param, strconv.Itoa(n)}, tc.kv...)
			got := c.T(tc.lang, tc.key, kv...)
			if tc.shown {
				got = fmt.Sprintf("%d %s", n, got)
			}
			if got != tc.want[i] {
				t.Errorf("%s %s with %s=%d:\n got %q\nwant %q", tc.lang, tc.key, tc.param, n, got, tc.want[i])
			}
		}
	}
	// The examples of issue 14: a range, and a time.
	for _, tc := range []struct {
		lang     Lang
		key      string
		kv       []string
		contains string
	}{
		{KY, "web.policy.range", []string{"min", "8", "max", "64", "unit", "белги"}, "8ден 64кө чейин белги."},
		{KY, "web.policy.range", []string{"min", "1", "max", "1440", "unit", "мүнөт"}, "1ден 1440ка чейин мүнөт."},
		{KY, "error.account_locked", []string{"locked_until_local", "19:42"}, "19:42ден кийин"},
		{KY, "error.account_locked", []string{"locked_until_local", "19:00"}, "19:00дан кийин"},
		{KY, "error.account_locked", []string{"locked_until_local", "15:04"}, "15:04төн кийин"},
		{KY, "error.invalid_number", nil, "1ден 9999999га чейин"},
		{RU, "web.policy.range", []string{"min", "1", "max", "21", "unit", c.T(RU, "web.unit.minutes", "n", "21")}, "От 1 до 21 минуты."},
		{RU, "web.policy.range", []string{"min", "1", "max", "1440", "unit", c.T(RU, "web.unit.minutes", "n", "1440")}, "От 1 до 1440 минут."},
	} {
		if got := c.T(tc.lang, tc.key, tc.kv...); !strings.Contains(got, tc.contains) {
			t.Errorf("%s %s %v = %q, want it to say %q", tc.lang, tc.key, tc.kv, got, tc.contains)
		}
	}
}

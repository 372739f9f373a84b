package form

import (
	"fmt"
	"strconv"
	"time"

	"kabinet"
)

// Period is a report's period: a month, a quarter or a calendar year.
type Period struct {
	Kind PeriodKind
	Year int
	N    int // month 1…12, quarter 1…4; 0 for a year
}

// ParsePeriod reads a period of the given kind: "2026-03" (month), "2026-Q1"
// (quarter), "2026" (year). Years 2000…9999.
func ParsePeriod(kind PeriodKind, s string) (Period, error) {
	p, err := ParseAnyPeriod(s)
	if err != nil {
		return Period{}, err
	}
	if p.Kind != kind {
		return Period{}, fmt.Errorf("period %q: want a %s", s, kind)
	}
	return p, nil
}

// ParseAnyPeriod reads a period of any kind, telling the kind by its shape.
func ParseAnyPeriod(s string) (Period, error) {
	bad := fmt.Errorf("period %q: want YYYY-MM, YYYY-Qn or YYYY", s)
	if len(s) < 4 || !digits(s[:4]) {
		return Period{}, bad
	}
	y, _ := strconv.Atoi(s[:4])
	if y < 2000 {
		return Period{}, bad
	}
	switch {
	case len(s) == 4:
		return Period{Year, y, 0}, nil
	case len(s) == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4':
		return Period{Quarter, y, int(s[6] - '0')}, nil
	case len(s) == 7 && s[4] == '-' && digits(s[5:]):
		m, _ := strconv.Atoi(s[5:])
		if m >= 1 && m <= 12 {
			return Period{Month, y, m}, nil
		}
	}
	return Period{}, bad
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// String formats the period as on the wire.
func (p Period) String() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// months returns the period's first and last month.
func (p Period) months() (first, last time.Month) {
	switch p.Kind {
	case Month:
		return time.Month(p.N), time.Month(p.N)
	case Quarter:
		return time.Month(3*p.N - 2), time.Month(3 * p.N)
	}
	return time.January, time.December
}

// First is the period's first day (cell 201).
func (p Period) First() kabinet.Date {
	m, _ := p.months()
	return kabinet.Date{Year: p.Year, Month: m, Day: 1}
}

// Last is the period's last day (cell 202).
func (p Period) Last() kabinet.Date {
	_, m := p.months()
	return kabinet.Date{Year: p.Year, Month: m, Day: daysIn(p.Year, m)}
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// index orders periods of one kind.
func (p Period) index() int {
	switch p.Kind {
	case Month:
		return p.Year*12 + p.N - 1
	case Quarter:
		return p.Year*4 + p.N - 1
	}
	return p.Year
}

func fromIndex(kind PeriodKind, i int) Period {
	switch kind {
	case Month:
		return Period{Month, i / 12, i%12 + 1}
	case Quarter:
		return Period{Quarter, i / 4, i%4 + 1}
	}
	return Period{Year, i, 0}
}

// Before reports whether p comes before q (both of one kind).
func (p Period) Before(q Period) bool { return p.index() < q.index() }

// Prev is the period before p.
func (p Period) Prev() Period { return fromIndex(p.Kind, p.index()-1) }

// Next is the period after p.
func (p Period) Next() Period { return fromIndex(p.Kind, p.index()+1) }

// FirstOfYear reports whether p is the first period of its calendar year.
func (p Period) FirstOfYear() bool { return p.N <= 1 }

// Ended reports whether the period is over at now: its last day has ended in Bishkek.
func (p Period) Ended(now time.Time) bool {
	return kabinet.Late(kabinet.EndOfDay(p.Last()), now)
}

// Date is the due date of the period under the rule: day Day of the month MonthOffset
// months after the period's last month, or that month's last day when shorter.
func (r DueRule) Date(p Period) kabinet.Date {
	_, last := p.months()
	t := time.Date(p.Year, last+time.Month(r.MonthOffset), 1, 12, 0, 0, 0, time.UTC)
	day := min(r.Day, daysIn(t.Year(), t.Month()))
	return kabinet.Date{Year: t.Year(), Month: t.Month(), Day: day}
}

// DueDate is the period's due date under the form's due rule (FIL-8).
func (d *Definition) DueDate(p Period) kabinet.Date { return d.Due.Date(p) }

// Deadline is the last instant a report for p is on time: the end of the due date,
// Bishkek time.
func (d *Definition) Deadline(p Period) time.Time { return kabinet.EndOfDay(d.DueDate(p)) }

// Late reports whether a report for p received at `received` is late (FIL-8): after
// the end of the due date in Bishkek.
func (d *Definition) Late(p Period, received time.Time) bool {
	return kabinet.Late(d.Deadline(p), received)
}

// Covers reports whether the version applies to period p.
func (d *Definition) Covers(p Period) bool {
	if p.Kind != d.PeriodKind {
		return false
	}
	from, _ := ParsePeriod(d.PeriodKind, d.ValidFrom)
	if p.Before(from) {
		return false
	}
	if d.ValidTo != "" {
		to, _ := ParsePeriod(d.PeriodKind, d.ValidTo)
		if to.Before(p) {
			return false
		}
	}
	return true
}

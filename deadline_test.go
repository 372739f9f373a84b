package kabinet_test

import (
	"testing"
	"time"

	"kabinet"
)

func bishkek(y int, m time.Month, d, hh, mm, ss, ms int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, ms*int(time.Millisecond), kabinet.Bishkek)
}

func TestCalendarDaysDue(t *testing.T) {
	cases := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"ANN-2 Reg §20 the day of receipt does not count", bishkek(2026, 11, 22, 9, 0, 0, 0), 2, bishkek(2026, 11, 24, 23, 59, 59, 999)},
		{"ANN-2 received a millisecond after midnight", bishkek(2026, 11, 22, 0, 0, 0, 1), 2, bishkek(2026, 11, 24, 23, 59, 59, 999)},
		{"ANN-2 received a millisecond before midnight", bishkek(2026, 11, 22, 23, 59, 59, 999), 2, bishkek(2026, 11, 24, 23, 59, 59, 999)},
		{"ANN-2 Bishkek's date, not UTC's: 19:00 UTC is the next day in Bishkek", time.Date(2026, 11, 21, 19, 0, 0, 0, time.UTC), 2, bishkek(2026, 11, 24, 23, 59, 59, 999)},
		{"ANN-2 UTC 17:59 is still the same day in Bishkek", time.Date(2026, 11, 21, 17, 59, 0, 0, time.UTC), 2, bishkek(2026, 11, 23, 23, 59, 59, 999)},
		{"ANN-2 over a 30-day month end", bishkek(2026, 11, 29, 12, 0, 0, 0), 2, bishkek(2026, 12, 1, 23, 59, 59, 999)},
		{"ANN-2 over a 31-day month end", bishkek(2026, 1, 30, 12, 0, 0, 0), 2, bishkek(2026, 2, 1, 23, 59, 59, 999)},
		{"ANN-2 over February in a common year", bishkek(2027, 2, 27, 12, 0, 0, 0), 2, bishkek(2027, 3, 1, 23, 59, 59, 999)},
		{"ANN-2 over February in a leap year", bishkek(2028, 2, 28, 12, 0, 0, 0), 2, bishkek(2028, 3, 1, 23, 59, 59, 999)},
		{"ANN-2 over 31 December", bishkek(2026, 12, 31, 10, 0, 0, 0), 2, bishkek(2027, 1, 2, 23, 59, 59, 999)},
		{"ANN-2 received on 30 December", bishkek(2026, 12, 30, 10, 0, 0, 0), 2, bishkek(2027, 1, 1, 23, 59, 59, 999)},
		{"VAT-2 one calendar day", bishkek(2026, 12, 31, 23, 0, 0, 0), 1, bishkek(2027, 1, 1, 23, 59, 59, 999)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := kabinet.CalendarDaysDue(c.from, c.n)
			if !got.Equal(c.want) || got.Location() != time.UTC {
				t.Errorf("CalendarDaysDue(%v, %d) = %v, want %v in UTC", c.from, c.n, got, c.want.UTC())
			}
		})
	}
}

func TestEndOfDayAndDates(t *testing.T) {
	d := kabinet.Date{Year: 2026, Month: time.December, Day: 31}
	if got := kabinet.EndOfDay(d); !got.Equal(time.Date(2026, 12, 31, 17, 59, 59, 999e6, time.UTC)) {
		t.Errorf("EndOfDay(31.12.2026) = %v", got)
	}
	if got := d.AddDays(1); got != (kabinet.Date{Year: 2027, Month: time.January, Day: 1}) {
		t.Errorf("31.12.2026 + 1 = %v", got)
	}
	if got := (kabinet.Date{Year: 2028, Month: time.March, Day: 1}).AddDays(-1); got.Day != 29 {
		t.Errorf("1.3.2028 - 1 = %v", got)
	}
	if d.String() != "31.12.2026" || d.ISO() != "2026-12-31" {
		t.Errorf("formats: %s %s", d, d.ISO())
	}
	// The end of a day survives storage in milliseconds.
	end := kabinet.EndOfDay(d)
	if back := time.UnixMilli(end.UnixMilli()).UTC(); !back.Equal(end) || kabinet.DateOf(back) != d {
		t.Errorf("round trip: %v", back)
	}
	if kabinet.DateOf(end.Add(time.Millisecond)) != d.AddDays(1) {
		t.Error("a millisecond after the end of a day is the next day")
	}
}

func TestDecisionAndAnnulmentDue(t *testing.T) {
	pol := kabinet.DefaultPolicy()
	received := bishkek(2026, 12, 31, 23, 50, 0, 0)
	if got := kabinet.DecisionDue(received, pol); !got.Equal(bishkek(2027, 1, 1, 0, 10, 0, 0)) || got.Location() != time.UTC {
		t.Errorf("ACC-9 Reg §14 20 minutes across midnight and the year: %v", got)
	}
	if got := kabinet.AnnulmentDue(received, pol); !got.Equal(bishkek(2027, 1, 2, 23, 59, 59, 999)) {
		t.Errorf("ANN-2 Reg §20: %v", got)
	}
	pol.AnnulmentDays, pol.DecisionDeadline = 3, time.Hour
	if got := kabinet.AnnulmentDue(received, pol); !got.Equal(bishkek(2027, 1, 3, 23, 59, 59, 999)) {
		t.Errorf("PWD-6 a configured annulment deadline: %v", got)
	}
	if got := kabinet.DecisionDue(received, pol); !got.Equal(received.Add(time.Hour)) {
		t.Errorf("PWD-6 a configured decision deadline: %v", got)
	}
}

func TestLateAndDueToday(t *testing.T) {
	due := bishkek(2026, 11, 24, 23, 59, 59, 999)
	cases := []struct {
		name        string
		now         time.Time
		late, today bool
	}{
		{"two days before", bishkek(2026, 11, 22, 12, 0, 0, 0), false, false},
		{"the day before, a millisecond to midnight", bishkek(2026, 11, 23, 23, 59, 59, 999), false, false},
		{"the due day's first millisecond", bishkek(2026, 11, 24, 0, 0, 0, 0), false, true},
		{"the deadline's own instant is on time", due, false, true},
		{"a millisecond later is late", due.Add(time.Millisecond), true, false},
		{"the due day in UTC terms still counts in Bishkek", time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC), false, true},
	}
	for _, c := range cases {
		t.Run("ANN-2 "+c.name, func(t *testing.T) {
			if got := kabinet.Late(due, c.now); got != c.late {
				t.Errorf("Late = %v, want %v", got, c.late)
			}
			if got := kabinet.DueToday(due, c.now); got != c.today {
				t.Errorf("DueToday = %v, want %v", got, c.today)
			}
		})
	}
}

package kabinet

import "time"

// Deadlines of the law. Every deadline is an instant: the last moment at which the
// act is still on time. Calendar-day deadlines end with their day in Bishkek time;
// an act at or before the deadline is on time, one after it is late (Late).
//
// The shape is shared: a deadline that runs a number of calendar days from an act
// (annulment, a VAT application) uses CalendarDaysDue; one that falls on a calendar
// date (a report's due date) uses EndOfDay.

// Date is a calendar date in Bishkek time, without a time of day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in Bishkek time.
func DateOf(t time.Time) Date {
	b := t.In(Bishkek)
	return Date{b.Year(), b.Month(), b.Day()}
}

// AddDays returns the date n calendar days after d (before it when n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, Bishkek))
}

// String formats d as ДД.ММ.ГГГГ, as dates are printed on the forms.
func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Bishkek).Format("02.01.2006")
}

// ISO formats d as YYYY-MM-DD.
func (d Date) ISO() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Bishkek).Format("2006-01-02")
}

// EndOfDay is the deadline of a calendar date: the last millisecond of d in Bishkek
// time, in UTC. Storage keeps milliseconds, so this instant survives a round trip.
func EndOfDay(d Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, Bishkek).Add(-time.Millisecond).UTC()
}

// CalendarDaysDue is the deadline of an act due "within n calendar days" of from:
// the end of the n-th calendar day after from's day, in Bishkek time. The day of
// the act itself does not count (Reg §20: «в течение двух календарных дней»).
func CalendarDaysDue(from time.Time, n int) time.Time {
	return EndOfDay(DateOf(from).AddDays(n))
}

// Late reports whether an act at `at` missed the deadline due.
func Late(due, at time.Time) bool { return at.After(due) }

// DecisionDue is when the decision on a received access application is due:
// Reg §14, within 20 minutes (the policy's DecisionDeadline) of handing it in.
func DecisionDue(received time.Time, pol Policy) time.Time {
	return received.Add(pol.DecisionDeadline).UTC()
}

// AnnulmentDue is when the annulment of a received annulment application is due:
// Reg §20, within two calendar days (the policy's AnnulmentDays) of receipt.
func AnnulmentDue(received time.Time, pol Policy) time.Time {
	return CalendarDaysDue(received, pol.AnnulmentDays)
}

// DueToday reports whether a deadline not yet passed falls on now's calendar day in
// Bishkek time: the board flags such items "срок сегодня" (ANN-2, VAT-2).
func DueToday(due, now time.Time) bool {
	return !Late(due, now) && DateOf(due) == DateOf(now)
}

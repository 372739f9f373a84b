package kabinet_test

import (
	"testing"
	"time"

	"kabinet"
)

func TestSessionExpired(t *testing.T) {
	pol := kabinet.DefaultPolicy()
	created := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	end := kabinet.SessionEnd(created, pol)
	if !end.Equal(created.Add(12 * time.Hour)) {
		t.Fatalf("SEC-4 absolute end %v", end)
	}
	cases := []struct {
		name          string
		lastSeen, now time.Time
		expired       bool
	}{
		{"SEC-4 fresh", created, created, false},
		{"SEC-4 idle 29:59", created, created.Add(30*time.Minute - time.Second), false},
		{"SEC-4 idle 30 minutes ends it", created, created.Add(30 * time.Minute), true},
		{"SEC-4 activity restarts the idle clock", created.Add(11 * time.Hour), created.Add(11*time.Hour + 29*time.Minute), false},
		{"SEC-4 active, a millisecond before 12 hours", created.Add(11*time.Hour + 50*time.Minute), end.Add(-time.Millisecond), false},
		{"SEC-4 active, at 12 hours it ends", created.Add(11*time.Hour + 50*time.Minute), end, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := kabinet.SessionExpired(end, c.lastSeen, c.now, pol); got != c.expired {
				t.Errorf("expired = %v, want %v", got, c.expired)
			}
		})
	}
	pol.SessionIdle = 5 * time.Minute
	if !kabinet.SessionExpired(end, created, created.Add(5*time.Minute), pol) {
		t.Error("PWD-6 SEC-4 a configured idle timeout is not applied")
	}
}

func TestMustChangePassword(t *testing.T) {
	pol := kabinet.DefaultPolicy()
	last := time.Date(2026, 5, 10, 3, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		last time.Time
		now  time.Time
		want bool
	}{
		{"PWD-4 six months less a day", last, last.AddDate(0, 6, -1), false},
		{"PWD-4 exactly six months is not more than six", last, last.AddDate(0, 6, 0), false},
		{"PWD-4 six months and a millisecond", last, last.AddDate(0, 6, 0).Add(time.Millisecond), true},
		{"PWD-4 six months and a day", last, last.AddDate(0, 6, 1), true},
		{"PWD-4 from 31 August: 28 February is not yet more than six months", time.Date(2026, 8, 31, 3, 0, 0, 0, time.UTC), time.Date(2027, 2, 28, 3, 0, 0, 0, time.UTC), false},
		{"PWD-4 the zone of the times given does not matter", last.In(kabinet.Bishkek), last.AddDate(0, 6, 1).In(kabinet.Bishkek), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := kabinet.MustChangePassword(c.last, c.now, pol); got != c.want {
				t.Errorf("MustChangePassword = %v, want %v", got, c.want)
			}
		})
	}
	pol.InactivityMonths = 1
	if !kabinet.MustChangePassword(last, last.AddDate(0, 1, 1), pol) {
		t.Error("PWD-6 a configured inactivity period is not applied")
	}
}

package kabinet_test

import (
	"testing"
	"time"

	"kabinet"
)

func TestReserveAttempt(t *testing.T) {
	pol := kabinet.DefaultPolicy()
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	lockEnd := now.Add(20 * time.Minute)
	cases := []struct {
		name      string
		stored    kabinet.Attempts
		wantN     int
		wantLock  time.Time
		mayCheck  bool
		locks     bool
		left      int
		outcome   string
		errorCode string
	}{
		{"PWD-3 first attempt on a fresh login", kabinet.Attempts{}, 1, time.Time{}, true, false, 2, "failure", "invalid_credentials"},
		{"PWD-3 second attempt", kabinet.Attempts{Failures: 1}, 2, time.Time{}, true, false, 1, "failure", "invalid_credentials"},
		{"PWD-3 Guide 3 the third wrong password locks for 20 minutes", kabinet.Attempts{Failures: 2}, 3, lockEnd, true, true, 0, "lock", "account_locked"},
		{"PWD-3 while locked: counted, unchecked, the lock kept", kabinet.Attempts{Failures: 3, LockedUntil: now.Add(time.Minute)}, 4, now.Add(time.Minute), false, true, 0, "locked", "account_locked"},
		{"PWD-3 a millisecond before the end still locked", kabinet.Attempts{Failures: 5, LockedUntil: now.Add(time.Millisecond)}, 6, now.Add(time.Millisecond), false, true, 0, "locked", "account_locked"},
		{"PWD-3 the lock ends at its instant: the count starts again", kabinet.Attempts{Failures: 3, LockedUntil: now}, 1, time.Time{}, true, false, 2, "failure", "invalid_credentials"},
		{"PWD-3 a long-ended lock: the count starts again", kabinet.Attempts{Failures: 9, LockedUntil: now.Add(-time.Hour)}, 1, time.Time{}, true, false, 2, "failure", "invalid_credentials"},
		{"PWD-3 fail closed: a count past the maximum without a lock locks", kabinet.Attempts{Failures: 3}, 4, lockEnd, false, true, 0, "locked", "account_locked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, next := kabinet.ReserveAttempt(c.stored, pol, now)
			if r.N != c.wantN || !r.LockedUntil.Equal(c.wantLock) || r.SetLock != (c.wantLock.Equal(lockEnd)) {
				t.Fatalf("reservation %+v, want N=%d locked until %v", r, c.wantN, c.wantLock)
			}
			if next.Failures != r.N || !next.LockedUntil.Equal(r.LockedUntil) {
				t.Errorf("stored %+v does not match the reservation %+v", next, r)
			}
			if r.MayCheck(pol) != c.mayCheck || r.Locks(pol) != c.locks || r.AttemptsLeft(pol) != c.left || r.FailureOutcome(pol) != c.outcome {
				t.Errorf("may check %v, locks %v, left %d, outcome %q; want %v %v %d %q",
					r.MayCheck(pol), r.Locks(pol), r.AttemptsLeft(pol), r.FailureOutcome(pol), c.mayCheck, c.locks, c.left, c.outcome)
			}
			e := r.FailureError(pol)
			if e.Code != c.errorCode {
				t.Errorf("failure answer %v, want %s", e, c.errorCode)
			}
			if c.errorCode == "account_locked" && e.Details["locked_until"] != c.wantLock.Format(time.RFC3339) {
				t.Errorf("locked_until %v, want %v", e.Details["locked_until"], c.wantLock)
			}
			if c.errorCode == "invalid_credentials" && e.Details["attempts_left"] != c.left {
				t.Errorf("attempts_left %v, want %d", e.Details["attempts_left"], c.left)
			}
		})
	}
}

// A sequence played through the rule: the story PWD-3 tells.
func TestSignInLockSequence(t *testing.T) {
	pol := kabinet.DefaultPolicy()
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	var a kabinet.Attempts
	try := func(right bool) string {
		r, next := kabinet.ReserveAttempt(a, pol, now)
		a = next
		switch {
		case !r.MayCheck(pol):
			return "locked"
		case right:
			a = kabinet.AttemptsAfterSuccess()
			return "ok"
		}
		return r.FailureError(pol).Code
	}
	steps := []struct {
		advance time.Duration
		right   bool
		want    string
	}{
		{0, false, "invalid_credentials"},
		{0, false, "invalid_credentials"},
		{0, true, "ok"}, // PWD-3 a success resets the count
		{0, false, "invalid_credentials"},
		{0, false, "invalid_credentials"},
		{0, false, "account_locked"},
		{19*time.Minute + 59*time.Second, true, "locked"}, // even the right password
		{time.Second, false, "invalid_credentials"},       // unlocked by itself; the count restarts
		{0, false, "invalid_credentials"},
		{0, true, "ok"},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if got := try(s.right); got != s.want {
			t.Fatalf("PWD-3 step %d: %s, want %s (state %+v)", i+1, got, s.want, a)
		}
	}
}

func TestGiveBack(t *testing.T) {
	pol := kabinet.DefaultPolicy()
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	t.Run("PWD-3 a busy attempt counts toward no lock", func(t *testing.T) {
		r, a := kabinet.ReserveAttempt(kabinet.Attempts{Failures: 1}, pol, now)
		if got := kabinet.GiveBack(a, r); got != (kabinet.Attempts{Failures: 1}) {
			t.Errorf("given back: %+v", got)
		}
	})
	t.Run("PWD-3 the lock a busy attempt set goes with it", func(t *testing.T) {
		r, a := kabinet.ReserveAttempt(kabinet.Attempts{Failures: 2}, pol, now)
		if !r.SetLock {
			t.Fatal("the third attempt should set the lock")
		}
		if got := kabinet.GiveBack(a, r); got != (kabinet.Attempts{Failures: 2}) {
			t.Errorf("given back: %+v", got)
		}
	})
	t.Run("PWD-3 a lock set since stays", func(t *testing.T) {
		r, _ := kabinet.ReserveAttempt(kabinet.Attempts{Failures: 2}, pol, now)
		later := kabinet.Attempts{Failures: 1, LockedUntil: now.Add(time.Hour)}
		if got := kabinet.GiveBack(later, r); got != (kabinet.Attempts{LockedUntil: now.Add(time.Hour)}) {
			t.Errorf("given back: %+v", got)
		}
	})
	t.Run("PWD-3 an attempt under an older lock leaves that lock", func(t *testing.T) {
		r, a := kabinet.ReserveAttempt(kabinet.Attempts{Failures: 2, LockedUntil: now.Add(time.Minute)}, pol, now)
		if r.SetLock {
			t.Fatal("an attempt under a lock it did not set claims it")
		}
		if got := kabinet.GiveBack(a, r); got != (kabinet.Attempts{Failures: 2, LockedUntil: now.Add(time.Minute)}) {
			t.Errorf("given back: %+v", got)
		}
	})
	t.Run("PWD-3 never below zero", func(t *testing.T) {
		if got := kabinet.GiveBack(kabinet.Attempts{}, kabinet.Reservation{N: 1}); got.Failures != 0 {
			t.Errorf("given back: %+v", got)
		}
	})
}

func TestLockedError(t *testing.T) {
	until := time.Date(2026, 11, 22, 3, 20, 0, 0, time.UTC)
	e := kabinet.LockedError(until)
	if e.Kind != kabinet.KindLocked || e.Details["locked_until"] != "2026-11-22T03:20:00Z" || e.Details["locked_until_local"] != "09:20" {
		t.Errorf("PWD-3 the lock's answer: %+v", e)
	}
}

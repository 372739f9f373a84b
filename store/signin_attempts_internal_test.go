package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
)

// The reservation is the one rule written in SQL as well as in Go (PWD-3): this plays one
// sequence of attempts — failures, a success, waiting out the lock on a manual clock,
// busy attempts given back — through the SQL statements and through kabinet's rule, and
// requires the same reservation and the same stored attempts at every step.
func TestReservationMatchesRule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clock := kabinet.NewManualClock(time.Date(2026, 11, 22, 9, 0, 0, 0, kabinet.Bishkek))
		db, err := Open(ctx, url, Options{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		const key = "t:np00000001"
		stored := func(tx *Tx) kabinet.Attempts {
			var a kabinet.Attempts
			var until int64
			err := tx.QueryRowContext(ctx, "SELECT failures, locked_until FROM login_attempts WHERE login_key = $1", key).Scan(&a.Failures, &until)
			if err != nil && err != errNoRows {
				a.Failures = -1 // unreadable: matches no rule's state
			}
			a.LockedUntil = lockTime(until)
			return a
		}
		type step struct {
			name    string
			advance time.Duration
			op      string // "fail", "success", "busy"
			pol     kabinet.Policy
		}
		def := kabinet.DefaultPolicy()
		one := def
		one.MaxFailures, one.LockDuration = 1, 5*time.Minute
		steps := []step{
			{"first failure", 0, "fail", def},
			{"second failure", time.Second, "fail", def},
			{"a success resets", time.Second, "success", def},
			{"failure 1", 0, "fail", def},
			{"failure 2", 0, "fail", def},
			{"failure 3 locks", time.Minute, "fail", def},
			{"locked: counted unchecked", time.Minute, "fail", def},
			{"locked: the right password too", 10 * time.Minute, "fail", def},
			{"just before the end", 8*time.Minute + 59*time.Second + 999*time.Millisecond, "fail", def},
			{"the lock ends: the count restarts", time.Millisecond, "fail", def},
			{"busy: given back", 0, "busy", def},
			{"failure 2 after the lock", 0, "fail", def},
			{"busy third attempt: its lock given back", 0, "busy", def},
			{"failure 3 locks again", 0, "fail", def},
			{"waited out", 21 * time.Minute, "success", def},
			{"a policy of one failure locks at once", 0, "fail", one},
			{"locked under it", time.Minute, "fail", one},
			{"its lock ends", 4 * time.Minute, "busy", one},
			{"after the give-back", 0, "fail", one},
		}
		var rule kabinet.Attempts
		for i, s := range steps {
			clock.Advance(s.advance)
			// Mismatches are returned, not reported with t.Fatal: the transaction must end.
			err := db.inTx(ctx, func(tx *Tx) error {
				if got := stored(tx); got != rule {
					return fmt.Errorf("stored %+v before it, the rule %+v", got, rule)
				}
				sqlR, err := tx.reserve(ctx, key, s.pol)
				if err != nil {
					return err
				}
				goR, next := kabinet.ReserveAttempt(rule, s.pol, tx.now)
				if sqlR != goR {
					return fmt.Errorf("SQL reserved %+v, the rule %+v", sqlR, goR)
				}
				rule = next
				if got := stored(tx); got != rule {
					return fmt.Errorf("SQL stored %+v, the rule %+v", got, rule)
				}
				switch {
				case s.op == "success" && goR.MayCheck(s.pol):
					rule = kabinet.AttemptsAfterSuccess()
					err = tx.resetAttempts(ctx, key)
				case s.op == "busy" && goR.MayCheck(s.pol):
					rule = kabinet.GiveBack(rule, goR)
					err = tx.giveBack(ctx, key, goR)
				}
				if err != nil {
					return err
				}
				if got := stored(tx); got != rule {
					return fmt.Errorf("after %s: SQL stored %+v, the rule %+v", s.op, got, rule)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("PWD-3 step %d %s: %v", i+1, s.name, err)
			}
		}
	})
}

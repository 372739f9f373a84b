package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// TestDatabaseDeadlines: issue 12 point 9. A database call honours its context's
// deadline, and on PostgreSQL each connection carries statement_timeout and
// lock_timeout (Options.StatementTimeout), so even a call without a deadline cannot
// wait on the server past the budget. A write stuck behind another's lock ends as 503
// `unavailable` well before the engines' own waits (SQLite's busy_timeout is 10 s).
func TestDatabaseDeadlines(t *testing.T) {
	t.Parallel() // it mostly waits for deadlines to pass: beside the package's other tests, not after them
	const budget = 300 * time.Millisecond
	dbtest.Each(t, func(t *testing.T, url string) {
		open(t, url) // migrated
		db, err := store.Open(context.Background(), url, store.Options{Clock: kabinet.NewManualClock(t0), StatementTimeout: budget})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		bg := context.Background()
		within := func(what string, start time.Time, err error) {
			t.Helper()
			took := time.Since(start)
			if kabinet.ErrorCode(store.Fault(err)) != "unavailable" {
				t.Errorf("%s: %v, want unavailable", what, err)
			}
			if took < budget-20*time.Millisecond || took > budget+5*time.Second {
				t.Errorf("%s ended after %v; the budget is %v", what, took, budget)
			}
		}

		// Another connection takes the lock every rate-limit count needs.
		other, err := sql.Open(map[bool]string{true: "pgx", false: "sqlite"}[db.Engine() == "postgres"],
			map[bool]string{true: url, false: "file:" + strings.TrimPrefix(url, "sqlite:")}[db.Engine() == "postgres"])
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		conn, err := other.Conn(bg)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		lock := "BEGIN IMMEDIATE"
		if db.Engine() == "postgres" {
			lock = "BEGIN; LOCK TABLE rate_limits IN ACCESS EXCLUSIVE MODE"
		}
		if _, err := conn.ExecContext(bg, lock); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(bg, "ROLLBACK")

		if db.Engine() == "sqlite" {
			// Two writers with a deadline: one waits in SQLite's busy handler, which
			// no context interrupts (bounded by busy_timeout, 10 s); the other waits
			// for this instance's writer and gives up at its deadline.
			took := make(chan time.Duration, 2)
			errs := make(chan error, 2)
			for range 2 {
				go func() {
					ctx, cancel := context.WithTimeout(bg, budget)
					defer cancel()
					start := time.Now()
					errs <- db.Limit(ctx, "deadline-test", 10, time.Minute)
					took <- time.Since(start)
				}()
			}
			first, err := <-took, <-errs
			within("a writer queued behind another, with a deadline", time.Now().Add(-first), err)
			if second := <-took; second > 10*time.Second+5*time.Second {
				t.Errorf("the writer in the busy handler waited %v; busy_timeout is 10 s", second)
			}
			if err := <-errs; kabinet.ErrorCode(store.Fault(err)) != "unavailable" {
				t.Errorf("the writer in the busy handler: %v, want unavailable", err)
			}
			return
		}
		ctx, cancel := context.WithTimeout(bg, budget)
		start := time.Now()
		err = db.Limit(ctx, "deadline-test", 10, time.Minute)
		cancel()
		within("a write behind a lock, with a deadline", start, err)
		for _, k := range []string{"statement_timeout", "lock_timeout"} {
			var v string
			if err := db.SQL().QueryRowContext(bg, "SHOW "+k).Scan(&v); err != nil || v != "300ms" {
				t.Errorf("%s = %q, %v; want 300ms", k, v, err)
			}
		}
		start = time.Now()
		err = db.Limit(bg, "deadline-test", 10, time.Minute)
		within("a write behind a lock, without a deadline", start, err)
		start = time.Now()
		_, err = db.SQL().ExecContext(bg, "SELECT pg_sleep(5)")
		within("a slow statement, without a deadline", start, err)
	})
}

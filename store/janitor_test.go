package store_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// TestJanitor: issue 12 point 8. With the clock stopped, rows on each side of every
// retention's edge are written; one run removes exactly those past it, batch by batch,
// two instances pruning at once agree, a second run removes nothing, and what is kept
// forever (the audit log) is untouched.
func TestJanitor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		now := clock.Now()
		at := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		pol := kabinet.DefaultPolicy() // lock 20 min → attempts kept an hour; idle 30 min

		// PWD-3's counts: key, failures, locked_until, updated_at, kept.
		attempts := []struct {
			key            string
			failures       int
			locked, update int64
			kept           bool
		}{
			{"t:lock-ended-long-ago", 3, at(-100 * time.Minute), at(-2 * time.Hour), false},
			{"t:locked-now", 3, at(10 * time.Minute), at(-10 * time.Minute), true},
			{"t:locked-now-quiet", 5, at(time.Minute), at(-3 * time.Hour), true}, // a lock in force is never lost
			{"t:run-recent", 2, 0, at(-59 * time.Minute), true},
			{"t:run-idle-an-hour", 2, 0, at(-time.Hour - time.Millisecond), false},
			{"s:lock-ended-recent", 3, at(-time.Minute), at(-21 * time.Minute), true},
			{"t:reset-old", 0, 0, at(-3 * time.Hour), false},
		}
		for _, a := range attempts {
			exec("INSERT INTO login_attempts (login_key, failures, locked_until, updated_at) VALUES ($1, $2, $3, $4)",
				a.key, a.failures, a.locked, a.update)
		}
		// SEC-4's sessions: token, last seen, absolute end.
		sessions := []struct {
			token         string
			seen, expires time.Duration
		}{
			{"live", -5 * time.Minute, 11 * time.Hour},
			{"idle-exactly", -30 * time.Minute, 11 * time.Hour},
			{"idle-almost", -30*time.Minute + time.Second, 11 * time.Hour},
			{"absolute-now", -time.Minute, 0},
			{"absolute-soon", -time.Minute, time.Millisecond},
			{"idle-long-ago", -40 * time.Hour, -28 * time.Hour},
		}
		for i, s := range sessions {
			exec(`INSERT INTO sessions (token_hash, principal, subject_id, created_at, last_seen_at, expires_at, must_change)
				VALUES ($1, 'taxpayer', $2, $3, $4, $5, $6)`, s.token, i+1, at(s.expires-12*time.Hour), at(s.seen), at(s.expires), false)
		}
		// Rate-limit windows, by start.
		exec("INSERT INTO rate_limits (key, window_start, count) VALUES ('old', $1, 5), ('recent', $2, 5), ('hour', $3, 5)",
			at(-2*time.Hour-time.Millisecond), at(-119*time.Minute), at(-time.Hour))
		// CAB-1's sign-in history: of an unknown login, and of an account.
		signIns := []struct {
			login   string
			account any
			age     time.Duration
			kept    bool
		}{
			{"unknown-31d", nil, -31 * 24 * time.Hour, false},
			{"unknown-29d", nil, -29 * 24 * time.Hour, true},
			{"account-31d", 7, -31 * 24 * time.Hour, true},
			{"account-366d", 7, -366 * 24 * time.Hour, false},
		}
		for _, s := range signIns {
			exec("INSERT INTO sign_ins (login, account_id, at, address, outcome) VALUES ($1, $2, $3, '', 'failure')", s.login, s.account, at(s.age))
		}
		audit := rowCount(t, db, "SELECT COUNT(*) FROM audit_log")

		// Two instances prune at once, in batches of two rows.
		other, err := store.Open(ctx, url, store.Options{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		r := store.DefaultRetention()
		r.Batch = 2
		var wg sync.WaitGroup
		got := make([]store.Pruned, 2)
		for i, d := range []*store.DB{db, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := d.Prune(ctx, r)
				if err != nil {
					t.Errorf("prune: %v", err)
				}
				got[i] = p
			}()
		}
		wg.Wait()
		total := store.Pruned{
			LoginAttempts: got[0].LoginAttempts + got[1].LoginAttempts,
			Sessions:      got[0].Sessions + got[1].Sessions,
			RateLimits:    got[0].RateLimits + got[1].RateLimits,
			SignIns:       got[0].SignIns + got[1].SignIns,
		}
		if want := (store.Pruned{LoginAttempts: 3, Sessions: 3, RateLimits: 1, SignIns: 2}); total != want {
			t.Errorf("pruned %+v, want %+v", total, want)
		}

		var wantAttempts []string
		for _, a := range attempts {
			if a.kept {
				wantAttempts = append(wantAttempts, a.key)
			}
		}
		sameRows(t, "login_attempts", column(t, db, "SELECT login_key FROM login_attempts"), wantAttempts)
		var wantSessions []string
		for _, s := range sessions {
			// The janitor removes exactly what the rule calls expired.
			if !kabinet.SessionExpired(now.Add(s.expires), now.Add(s.seen), now, pol) {
				wantSessions = append(wantSessions, s.token)
			}
		}
		sameRows(t, "sessions", column(t, db, "SELECT token_hash FROM sessions"), wantSessions)
		if len(wantSessions) != 3 {
			t.Errorf("the rule keeps %v; the test meant live, idle-almost and absolute-soon", wantSessions)
		}
		sameRows(t, "rate_limits", column(t, db, "SELECT key FROM rate_limits"), []string{"hour", "recent"})
		var wantSignIns []string
		for _, s := range signIns {
			if s.kept {
				wantSignIns = append(wantSignIns, s.login)
			}
		}
		sameRows(t, "sign_ins", column(t, db, "SELECT login FROM sign_ins"), wantSignIns)
		if n := rowCount(t, db, "SELECT COUNT(*) FROM audit_log"); n != audit {
			t.Errorf("audit log %d rows, was %d: kept forever", n, audit)
		}

		// Idempotent: nothing more to do until time passes.
		if p, err := db.Prune(ctx, r); err != nil || p != (store.Pruned{}) {
			t.Errorf("second run: %+v, %v; want nothing", p, err)
		}
		// Time passes: the lock ends, then its hour goes by; the live session idles out.
		clock.Advance(2 * time.Hour)
		p, err := db.Prune(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		sameRows(t, "login_attempts later", column(t, db, "SELECT login_key FROM login_attempts"), nil)
		sameRows(t, "sessions later", column(t, db, "SELECT token_hash FROM sessions"), nil)
		if p.LoginAttempts != 4 || p.Sessions != 3 {
			t.Errorf("later: %+v", p)
		}
	})
}

func rowCount(t *testing.T, db *store.DB, q string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func column(t *testing.T, db *store.DB, q string) []string {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(got)
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: kept %v, want %v", what, got, want)
	}
}

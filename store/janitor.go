package store

import (
	"context"
	"fmt"
	"time"

	"kabinet"
)

// The janitor removes rows that no rule will read again, so tables written for every
// request from outside (a sign-in attempt against any login, a look-up, a session)
// stay bounded. What is kept forever is the record of the service's acts: applications,
// decisions, filings, VAT ranges, notifications, the audit log; drafts until filed.
//
// Several instances may run it at once. Each prune is one short transaction deleting
// at most Retention.Batch rows, repeated until nothing is left; it deletes only rows
// that are, in their newest version, already equivalent to no row at all, and the
// condition is written twice — in the batch's sub-select and on the DELETE itself —
// so that on PostgreSQL a row changed meanwhile by a sign-in is re-checked under its
// row lock and kept. Two janitors therefore at worst repeat each other's work.

// Retention says how long the janitor keeps what the policy does not decide.
type Retention struct {
	// RateLimits: a rate-limit window is swept this long after it started; at least
	// the longest window in use (an hour), so a swept window is one that has ended.
	RateLimits time.Duration
	// SignInsUnknown: sign-ins of logins that name no account (CAB-1 never shows them;
	// the audit log keeps them).
	SignInsUnknown time.Duration
	// SignIns: an account's sign-in history (CAB-1 shows the latest ten).
	SignIns time.Duration
	// Batch is the most rows one transaction deletes.
	Batch int
}

// DefaultRetention is the retention `kabinet serve` uses.
func DefaultRetention() Retention {
	return Retention{RateLimits: 2 * time.Hour, SignInsUnknown: 30 * 24 * time.Hour, SignIns: 365 * 24 * time.Hour, Batch: 1000}
}

// AttemptsRetention is how long after its last attempt a login's count of failures
// is kept when no lock is in force: the longer of the lock and an hour (the
// per-address throttle's window). A row whose lock has ended is already worth nothing
// (the next attempt starts the count again, PWD-3); forgetting an unfinished run of
// failures after this idle time never lets more guesses through than the lock itself
// does (MaxFailures per LockDuration).
func AttemptsRetention(pol kabinet.Policy) time.Duration {
	return max(pol.LockDuration, time.Hour)
}

// Pruned counts the rows one run removed, per table.
type Pruned struct {
	LoginAttempts int64
	Sessions      int64
	RateLimits    int64
	SignIns       int64
}

// Prune removes what has expired at the store's clock: login attempts without a lock
// in force idle past AttemptsRetention, sessions past their idle or absolute end
// (kabinet.SessionExpired), rate-limit windows past r.RateLimits, and sign-in history
// past r.SignInsUnknown / r.SignIns. It is idempotent.
func (db *DB) Prune(ctx context.Context, r Retention) (Pruned, error) {
	var p Pruned
	if r.Batch <= 0 {
		r.Batch = DefaultRetention().Batch
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return p, err
	}
	now := db.clock.Now()
	steps := []struct {
		n          *int64
		table, key string
		cond       string
		args       []any
	}{
		{&p.LoginAttempts, "login_attempts", "login_key", "locked_until <= $1 AND updated_at < $2",
			[]any{ms(now), ms(now.Add(-AttemptsRetention(pol)))}},
		// kabinet.SessionExpired: the end reached, or idle for SessionIdle; either instant is too late.
		{&p.Sessions, "sessions", "id", "(expires_at <= $1 OR last_seen_at <= $2)",
			[]any{ms(now), ms(now.Add(-pol.SessionIdle))}},
		{&p.RateLimits, "rate_limits", "key", "window_start < $1",
			[]any{ms(now.Add(-max(r.RateLimits, time.Hour)))}},
		{&p.SignIns, "sign_ins", "id", "((account_id IS NULL AND at < $1) OR at < $2)",
			[]any{ms(now.Add(-r.SignInsUnknown)), ms(now.Add(-r.SignIns))}},
	}
	for _, s := range steps {
		n, err := db.pruneTable(ctx, s.table, s.key, s.cond, s.args, r.Batch)
		*s.n += n
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// pruneTable deletes the rows of table matching cond, batch rows per transaction.
func (db *DB) pruneTable(ctx context.Context, table, key, cond string, args []any, batch int) (int64, error) {
	q := fmt.Sprintf("DELETE FROM %[1]s WHERE %[2]s IN (SELECT %[2]s FROM %[1]s WHERE %[3]s LIMIT %[4]d) AND %[3]s",
		table, key, cond, batch)
	var total int64
	for {
		var n int64
		err := db.inTx(ctx, func(tx *Tx) error {
			res, err := tx.ExecContext(ctx, q, args...)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		total += n
		if err != nil {
			return total, db.unavailable("prune "+table, err)
		}
		if n < int64(batch) {
			return total, nil
		}
	}
}

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kabinet"
	"kabinet/password"
)

// Sign-in attempts and locks (PWD-3). The rule is kabinet.ReserveAttempt and its
// companions; this file stores its outcome. An attempt is reserved in one SQL statement
// before its password is checked — the one place the rule is written in SQL too, since
// only a single statement counts exactly under concurrent attempts on several
// instances. TestReservationMatchesRule plays one sequence through both.

func taxpayerKey(login string) string { return "t:" + login }
func staffKey(login string) string    { return "s:" + login }

// lockMS stores a lock's end: milliseconds, 0 for none.
func lockMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

// lockTime reads a stored lock's end.
func lockTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

// reserve counts an attempt against key as kabinet.ReserveAttempt does, atomically:
// concurrent attempts, on any instance, each get their own number, so a burst of wrong
// attempts checks at most MaxFailures passwords. The CASEs follow the rule's cases:
// locked (counted, the lock kept), the lock ended (the count restarts at one), else
// counted, and locked when the count reaches the maximum.
func (tx *Tx) reserve(ctx context.Context, key string, pol kabinet.Policy) (kabinet.Reservation, error) {
	var r kabinet.Reservation
	var until int64
	lockEnd := ms(tx.now.Add(pol.LockDuration))
	err := tx.QueryRowContext(ctx, `INSERT INTO login_attempts (login_key, failures, locked_until, updated_at)
		VALUES ($1, 1, CASE WHEN 1 >= CAST($3 AS INTEGER) THEN CAST($4 AS BIGINT) ELSE 0 END, CAST($2 AS BIGINT))
		ON CONFLICT (login_key) DO UPDATE SET
			failures = CASE WHEN login_attempts.locked_until > 0 AND login_attempts.locked_until <= $2 THEN 1
			                ELSE login_attempts.failures + 1 END,
			locked_until = CASE WHEN login_attempts.locked_until > $2 THEN login_attempts.locked_until
			                    WHEN (CASE WHEN login_attempts.locked_until > 0 THEN 1 ELSE login_attempts.failures + 1 END) >= CAST($3 AS INTEGER) THEN CAST($4 AS BIGINT)
			                    ELSE 0 END,
			updated_at = $2
		RETURNING failures, locked_until`, key, ms(tx.now), pol.MaxFailures, lockEnd).Scan(&r.N, &until)
	if err != nil {
		return r, fmt.Errorf("store: reserve sign-in attempt: %w", err)
	}
	// A lock that ends LockDuration from now was set by this statement: one found in
	// force was set earlier (or, at the same millisecond, by an attempt numbered before
	// this one, which then may not check a password and is never given back).
	r.LockedUntil, r.SetLock = lockTime(until), until != 0 && until == lockEnd
	return r, nil
}

// giveBack is kabinet.GiveBack, atomically (relative to concurrent attempts): one attempt less, and the lock gone if r
// set it and no later attempt has set another.
func (tx *Tx) giveBack(ctx context.Context, key string, r kabinet.Reservation) error {
	setLock := 0
	if r.SetLock {
		setLock = 1
	}
	_, err := tx.ExecContext(ctx, `UPDATE login_attempts SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
		locked_until = CASE WHEN CAST($2 AS INTEGER) = 1 AND locked_until = CAST($3 AS BIGINT) THEN 0 ELSE locked_until END
		WHERE login_key = $1`, key, setLock, lockMS(r.LockedUntil))
	if err != nil {
		return fmt.Errorf("store: give back sign-in attempt: %w", err)
	}
	return nil
}

// resetAttempts stores kabinet.AttemptsAfterSuccess: a right password clears the count.
func (tx *Tx) resetAttempts(ctx context.Context, key string) error {
	a := kabinet.AttemptsAfterSuccess()
	if _, err := tx.ExecContext(ctx, "UPDATE login_attempts SET failures = $2, locked_until = $3 WHERE login_key = $1",
		key, a.Failures, lockMS(a.LockedUntil)); err != nil {
		return fmt.Errorf("store: reset sign-in attempts: %w", err)
	}
	return nil
}

// clearAttempts forgets a login's attempts and lock (an officer's unlock, a restoration).
func (tx *Tx) clearAttempts(ctx context.Context, key string) (bool, error) {
	res, err := tx.ExecContext(ctx, "DELETE FROM login_attempts WHERE login_key = $1", key)
	if err != nil {
		return false, fmt.Errorf("store: clear sign-in attempts: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// reserveAttempt reserves an attempt against key before any password is checked. If
// the attempt cannot be written the check is refused (PWD-3: fail closed). before, when
// given, runs first in the same transaction (the per-address throttle).
func (db *DB) reserveAttempt(ctx context.Context, key string, pol kabinet.Policy, before func(tx *Tx) error) (kabinet.Reservation, error) {
	var r kabinet.Reservation
	err := db.inTx(ctx, func(tx *Tx) error {
		if before != nil {
			if err := before(tx); err != nil {
				return err
			}
		}
		var err error
		r, err = tx.reserve(ctx, key, pol)
		return err
	})
	if err != nil {
		if kabinet.ErrorKind(err) == kabinet.KindTooMany {
			return r, err
		}
		return r, kabinet.Errorf(kabinet.KindUnavailable, "unavailable", "the attempt could not be recorded, so it is refused (%v)", err)
	}
	return r, nil
}

// unchecked handles a password check that failed to run: one that found no hashing
// slot (password.ErrBusy) is given back, since a busy service must count toward
// nobody's lock. It returns err.
func (db *DB) unchecked(ctx context.Context, key string, r kabinet.Reservation, err error) error {
	if errors.Is(err, password.ErrBusy) {
		ctx, cancel := detached(ctx)
		defer cancel()
		if gerr := db.inTx(ctx, func(tx *Tx) error { return tx.giveBack(ctx, key, r) }); gerr != nil {
			// The attempt stays counted: a busy service then counts toward a lock,
			// which ends by itself (PWD-3); the operator must hear of it.
			db.logFault(ctx, "give back a sign-in attempt", gerr)
		}
	}
	return err
}

// checkPlace is where a counted password check was made (CAB-1): the sign-in form, the
// change-password screen, or an act confirmed with the password (a report, a VAT
// application, an annulment on the public page). Each counts toward the same lock
// (PWD-3, Guide 3: every wrong password counts), but the sign-in history says which
// it was, so a wrong current password on the change-password screen is not shown as a
// failed sign-in. The place prefixes the rule's outcome (kabinet.Reservation.FailureOutcome):
// "failure" at the sign-in form, "password_failure" on the change-password screen.
type checkPlace string

const (
	atSignIn         checkPlace = ""
	atPasswordChange checkPlace = "password_"
	atConfirmation   checkPlace = "confirm_"
)

// auditPlace names the place in a refused attempt's audit entry; the action stays
// auth.failure, auth.lock or auth.locked wherever the password was typed (SEC-1).
func (p checkPlace) auditPlace() string {
	switch p {
	case atPasswordChange:
		return "password_change"
	case atConfirmation:
		return "confirmation"
	}
	return ""
}

// refuse is the one failure path of every counted password check (PWD-3): an attempt
// refused unchecked by the lock, or a wrong password. The count was reserved already;
// refuse records the attempt, made at place, and returns the rule's answer.
func (db *DB) refuse(ctx context.Context, who Actor, principal, login string, id int64, r kabinet.Reservation, pol kabinet.Policy, place checkPlace) *kabinet.Error {
	db.recordFailure(ctx, who, principal, login, id, r.FailureOutcome(pol), place)
	return r.FailureError(pol)
}

// recordFailure writes a refused attempt to the sign-in history and the audit log,
// and tells the subject of a lock (CAB-1, SEC-1). outcome is the rule's
// (kabinet.Reservation.FailureOutcome) or "annulled"; place says where the password
// was typed. It runs detached from the client: one who hangs up during the password
// check still leaves its trace. Its own failure refuses nothing more (the attempt was
// counted before the password was checked), and is logged.
func (db *DB) recordFailure(ctx context.Context, who Actor, principal, login string, id int64, outcome string, place checkPlace) {
	ctx, cancel := detached(ctx)
	defer cancel()
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.signInRow(ctx, principal, login, id, who.Address, string(place)+outcome); err != nil {
			return err
		}
		if outcome == "lock" && principal == principalTaxpayer && id != 0 {
			var inn string
			switch err := tx.QueryRowContext(ctx, "SELECT inn FROM accounts WHERE id = $1", id).Scan(&inn); {
			case err == nil:
				if err := tx.notify(ctx, inn, "lock", map[string]any{"at": tx.now}); err != nil {
					return err
				}
			case !errors.Is(err, errNoRows):
				return fmt.Errorf("store: account of a lock: %w", err)
			}
		}
		var details map[string]any
		if at := place.auditPlace(); at != "" {
			details = map[string]any{"at": at}
		}
		return tx.audit(ctx, who, "auth."+outcome, principal+":"+login, details)
	})
	if err != nil {
		db.logFault(ctx, "record a refused sign-in (auth."+outcome+")", err)
	}
}

// signInRow adds an attempt to a taxpayer's sign-in history (CAB-1). An attempt
// refused by the lock is recorded without the account being looked up first (id 0:
// the answer says nothing of whether the login exists, PWD-3); the row still finds
// the account by its login, in the same statement whether or not there is one, so
// the taxpayer sees in the history every attempt the lock refused, the right password
// typed during a lock included.
func (tx *Tx) signInRow(ctx context.Context, principal, login string, id int64, addr, outcome string) error {
	if principal != principalTaxpayer {
		return nil
	}
	var acct any
	if id != 0 {
		acct = id
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sign_ins (login, account_id, at, address, outcome)
		VALUES ($1, COALESCE(CAST($2 AS BIGINT), (SELECT id FROM accounts WHERE login = $1)), $3, $4, $5)`,
		login, acct, ms(tx.now), addr, outcome)
	return err
}

// verifyCounted checks a taxpayer's password that confirms an act outside the
// sign-in form (filing a report, a VAT application, an annulment on the public page)
// under the same rules as a sign-in (PWD-3); see verifyCountedAt.
func (db *DB) verifyCounted(ctx context.Context, who Actor, acct kabinet.Account, pw string, pol kabinet.Policy) error {
	return db.verifyCountedAt(ctx, who, acct, pw, pol, atConfirmation)
}

// verifyCountedAt checks a taxpayer's password typed at place under the same rules as
// a sign-in (PWD-3): reserved first, a locked account refused unchecked, a wrong
// password counted toward the lock, a busy check given back, a right one resetting the
// count. The history records the attempt as made at place (CAB-1).
func (db *DB) verifyCountedAt(ctx context.Context, who Actor, acct kabinet.Account, pw string, pol kabinet.Policy, place checkPlace) error {
	key := taxpayerKey(acct.Login)
	r, err := db.reserveAttempt(ctx, key, pol, nil)
	if err != nil {
		return err
	}
	if !r.MayCheck(pol) {
		return db.refuse(ctx, who, principalTaxpayer, acct.Login, acct.ID, r, pol, place)
	}
	ok, _, err := db.hasher.Verify(ctx, pw, acct.PasswordHash)
	if err != nil {
		return db.unchecked(ctx, key, r, err)
	}
	if !ok {
		if e := db.refuse(ctx, who, principalTaxpayer, acct.Login, acct.ID, r, pol, place); e.Code != "invalid_credentials" {
			return e
		}
		// Without attempts_left: from the public annulment page, an ИНН without access
		// answers the same.
		return kabinet.InvalidCredentials()
	}
	return db.inTx(ctx, func(tx *Tx) error { return tx.resetAttempts(ctx, key) })
}

package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"kabinet"
	"kabinet/ident"
	"kabinet/password"
)

// Credentials are what a sign-in form submits.
type Credentials struct {
	Login    string
	Password string
	OTP      string // staff second factor, when enrolled
}

// SignInResult is a successful sign-in.
type SignInResult struct {
	Token          string // the session token for the cookie; only its hash is stored
	MustChange     bool   // PWD-4: the session reaches only the change-password screen
	Login          string
	SubjectID      int64
	Principal      string
	LastActivityAt time.Time
}

// reservation is one sign-in attempt reserved against a login before its password is
// checked (PWD-3).
type reservation struct {
	n           int   // this attempt's number in the current run of failures
	lockedUntil int64 // ms; 0 when not locked
}

// reserve counts an attempt against key atomically, as though it will fail, and locks
// the key when the count reaches the policy's maximum. Concurrent attempts, on any
// instance, each get their own number: only numbers up to the maximum may check a
// password, so a burst of wrong attempts checks at most MaxFailures passwords. When a
// lock has ended the count starts again from one.
func (tx *Tx) reserve(ctx context.Context, key string, pol kabinet.Policy) (reservation, error) {
	var r reservation
	now := ms(tx.now)
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
		RETURNING failures, locked_until`, key, now, pol.MaxFailures, lockEnd).Scan(&r.n, &r.lockedUntil)
	if err != nil {
		return r, fmt.Errorf("store: reserve sign-in attempt: %w", err)
	}
	return r, nil
}

func lockedError(until int64) error {
	t := fromMS(until)
	return kabinet.Errorf(kabinet.KindLocked, "account_locked", "three wrong passwords in a row: the account is locked until %s",
		t.In(kabinet.Bishkek).Format("15:04 02.01.2006")).
		With("locked_until", t.Format(time.RFC3339)).
		With("locked_until_local", t.In(kabinet.Bishkek).Format("15:04"))
}

func invalidCredentials() error {
	return kabinet.Errorf(kabinet.KindUnauthorized, "invalid_credentials", "wrong login or password")
}

// subject is who signs in: a taxpayer's account or a staff member.
type subject struct {
	principal    string
	id           int64
	login        string
	inn          string
	hash         string
	active       bool
	lastActivity time.Time
	totpSecret   string
}

// SignIn signs a taxpayer in (PWD-3, PWD-4, SEC-4, CAB-1).
func (db *DB) SignIn(ctx context.Context, who Actor, c Credentials) (SignInResult, error) {
	login := ident.NormalizeLogin(c.Login)
	return db.signIn(ctx, who, principalTaxpayer, taxpayerKey(login), login, c, func() (subject, error) {
		a, err := db.AccountByLogin(ctx, login)
		if err != nil {
			return subject{}, err
		}
		return subject{principal: principalTaxpayer, id: a.ID, login: a.Login, inn: a.INN, hash: a.PasswordHash,
			active: a.Status == kabinet.AccountActive, lastActivity: a.LastActivityAt}, nil
	})
}

// SignInStaff signs a back-office user in: the same lockout rules (SEC-1), and the
// second factor when enrolled or required.
func (db *DB) SignInStaff(ctx context.Context, who Actor, c Credentials) (SignInResult, error) {
	login := strings.ToLower(strings.TrimSpace(c.Login))
	return db.signIn(ctx, who, principalStaff, staffKey(login), login, c, func() (subject, error) {
		s, err := db.StaffByLogin(ctx, login)
		if err != nil {
			return subject{}, err
		}
		var last int64
		if err := db.sql.QueryRowContext(ctx, "SELECT last_activity_at FROM staff WHERE id = $1", s.ID).Scan(&last); err != nil {
			return subject{}, err
		}
		return subject{principal: principalStaff, id: s.ID, login: s.Login, hash: s.PasswordHash, active: s.Active,
			lastActivity: fromMS(last), totpSecret: s.TOTPSecret}, nil
	})
}

// admit waits for a place among the sign-ins in progress (Options.SignIns).
func (db *DB) admit(ctx context.Context) (release func(), err error) {
	if db.signIns == nil {
		return func() {}, nil
	}
	select {
	case db.signIns <- struct{}{}:
		return func() { <-db.signIns }, nil
	default:
	}
	t := time.NewTimer(db.signInWait)
	defer t.Stop()
	select {
	case db.signIns <- struct{}{}:
		return func() { <-db.signIns }, nil
	case <-t.C:
		return nil, password.ErrBusy
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", password.ErrBusy, ctx.Err())
	}
}

// unreserve gives back an attempt that was reserved but whose password could not be
// checked (no hashing slot in time): a busy service must not count toward anyone's
// lock. If this attempt set the lock, the lock goes with it.
func (db *DB) unreserve(ctx context.Context, key string, r reservation, pol kabinet.Policy) {
	setLock := 0
	if r.n == pol.MaxFailures && r.lockedUntil > 0 {
		setLock = 1
	}
	db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE login_attempts SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
			locked_until = CASE WHEN CAST($2 AS INTEGER) = 1 AND locked_until = CAST($3 AS BIGINT) THEN 0 ELSE locked_until END
			WHERE login_key = $1`, key, setLock, r.lockedUntil)
		return err
	})
}

func (db *DB) signIn(ctx context.Context, who Actor, principal, key, login string, c Credentials, find func() (subject, error)) (SignInResult, error) {
	var res SignInResult
	release, err := db.admit(ctx)
	if err != nil {
		return res, err
	}
	// The place is given up once the password is checked: what follows writes the
	// outcome, at the pace the checks allow, and must not keep the next check waiting.
	var once sync.Once
	leave := func() { once.Do(release) }
	defer leave()
	if !plausibleLogin(c.Login) || !utf8.ValidString(c.Password) || utf8.RuneCountInString(c.Password) > 1024 {
		if err := db.hasher.VerifyDummy(ctx, c.Password); err != nil {
			return res, err
		}
		return res, invalidCredentials()
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return res, err
	}
	// Reserve the attempt before any password is checked; if it cannot be written, refuse.
	var r reservation
	err = db.inTx(ctx, func(tx *Tx) error {
		n, _, err := tx.count(ctx, "signin:"+who.Address, time.Hour)
		if err != nil {
			return err
		}
		if n > pol.AddressFailuresPerHour {
			return kabinet.Errorf(kabinet.KindTooMany, "rate_limited", "too many failed sign-ins from this address").With("retry_after", 600)
		}
		r, err = tx.reserve(ctx, key, pol)
		return err
	})
	if err != nil {
		if kabinet.ErrorKind(err) == kabinet.KindTooMany {
			return res, err
		}
		return res, kabinet.Errorf(kabinet.KindUnavailable, "unavailable", "sign-in refused: the attempt could not be recorded (%v)", err)
	}
	if r.n > pol.MaxFailures {
		db.recordFailure(ctx, who, principal, login, 0, "locked")
		return res, lockedError(r.lockedUntil)
	}
	s, ferr := find()
	if ferr != nil && kabinet.ErrorKind(ferr) != kabinet.KindNotFound {
		return res, ferr
	}
	ok := false
	if ferr == nil {
		ok, _, err = db.hasher.Verify(ctx, c.Password, s.hash)
	} else {
		// An unknown login costs the same time as a known one.
		err = db.hasher.VerifyDummy(ctx, c.Password)
	}
	if err != nil {
		if errors.Is(err, password.ErrBusy) {
			db.unreserve(context.WithoutCancel(ctx), key, r, pol)
		}
		return res, err
	}
	leave()
	if ok && s.totpSecret != "" && !validTOTP(s.totpSecret, c.OTP, db.clock.Now()) {
		ok = false
	}
	if !ok {
		outcome := "failure"
		if r.n >= pol.MaxFailures {
			outcome = "lock"
		}
		db.recordFailure(ctx, who, principal, login, s.id, outcome)
		if r.n >= pol.MaxFailures {
			return res, lockedError(r.lockedUntil)
		}
		return res, invalidCredentials().(*kabinet.Error).With("attempts_left", pol.MaxFailures-r.n)
	}
	if !s.active {
		db.recordFailure(ctx, who, principal, login, s.id, "annulled")
		return res, kabinet.Errorf(kabinet.KindForbidden, "account_annulled", "access to the cabinet was annulled; apply for access again to restore it")
	}
	tok, err := ident.NewToken(db.rand)
	if err != nil {
		return res, err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		res = SignInResult{Token: tok, Login: s.login, SubjectID: s.id, Principal: principal, LastActivityAt: s.lastActivity}
		// PWD-4: more than N months without activity: change the password first.
		res.MustChange = principal == principalTaxpayer && tx.now.After(s.lastActivity.AddDate(0, pol.InactivityMonths, 0))
		if _, err := tx.ExecContext(ctx, "UPDATE login_attempts SET failures = 0, locked_until = 0 WHERE login_key = $1", key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE rate_limits SET count = count - 1 WHERE key = $1 AND count > 0", "signin:"+who.Address); err != nil {
			return err
		}
		if err := tx.createSession(ctx, principal, s.id, tok, res.MustChange, who.Address, pol); err != nil {
			return err
		}
		if !res.MustChange {
			if err := tx.touchActivity(ctx, principal, s.id); err != nil {
				return err
			}
		}
		if err := tx.signInRow(ctx, principal, login, s.id, who.Address, "success"); err != nil {
			return err
		}
		return tx.audit(ctx, who.as(principal, s.login), "auth.signin", subjectName(principal, s.login, s.inn), map[string]any{"must_change": res.MustChange})
	})
	return res, err
}

func subjectName(principal, login, inn string) string {
	if principal == principalTaxpayer && inn != "" {
		return inn
	}
	return principal + ":" + login
}

// as names the actor by the principal and login, keeping the address.
func (a Actor) as(principal, login string) Actor {
	return Actor{Name: principal + ":" + login, Address: a.Address}
}

// recordFailure writes a failed attempt to the sign-in history and the audit log.
// The count itself was already reserved.
func (db *DB) recordFailure(ctx context.Context, who Actor, principal, login string, id int64, outcome string) {
	db.inTx(ctx, func(tx *Tx) error {
		if err := tx.signInRow(ctx, principal, login, id, who.Address, outcome); err != nil {
			return err
		}
		if outcome == "lock" && principal == principalTaxpayer && id != 0 {
			var inn string
			if err := tx.QueryRowContext(ctx, "SELECT inn FROM accounts WHERE id = $1", id).Scan(&inn); err == nil {
				if err := tx.notify(ctx, inn, "lock", map[string]any{"at": tx.now}); err != nil {
					return err
				}
			}
		}
		return tx.audit(ctx, who, "auth."+outcome, principal+":"+login, nil)
	})
}

func (tx *Tx) signInRow(ctx context.Context, principal, login string, id int64, addr, outcome string) error {
	if principal != principalTaxpayer {
		return nil
	}
	var acct any
	if id != 0 {
		acct = id
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO sign_ins (login, account_id, at, address, outcome) VALUES ($1, $2, $3, $4, $5)",
		login, acct, ms(tx.now), addr, outcome)
	return err
}

func (tx *Tx) touchActivity(ctx context.Context, principal string, id int64) error {
	table := "accounts"
	if principal == principalStaff {
		table = "staff"
	}
	_, err := tx.ExecContext(ctx, "UPDATE "+table+" SET last_activity_at = $1 WHERE id = $2", ms(tx.now), id)
	return err
}

func (tx *Tx) createSession(ctx context.Context, principal string, id int64, token string, mustChange bool, addr string, pol kabinet.Policy) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, principal, subject_id, created_at, last_seen_at, expires_at, must_change, client_address)
		VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`, ident.TokenHash(token), principal, id, ms(tx.now), ms(tx.now.Add(pol.SessionAbsolute)), mustChange, addr)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session is a signed-in session.
type Session struct {
	ID         int64
	Principal  string
	SubjectID  int64
	MustChange bool
	CreatedAt  time.Time
	LastSeenAt time.Time
}

func noSession() error {
	return kabinet.Errorf(kabinet.KindUnauthorized, "not_signed_in", "sign in first")
}

// touchEvery is how stale last_seen_at may get before a request writes it again: the
// idle timeout is checked to this precision, and most requests write nothing.
const touchEvery = time.Minute

// SessionByToken returns the live session of a token (SEC-4): the absolute and idle
// timeouts are enforced here, on every instance, and an expired session is deleted.
func (db *DB) SessionByToken(ctx context.Context, token string) (Session, error) {
	var s Session
	if token == "" || len(token) > 100 {
		return s, noSession()
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return s, err
	}
	h := ident.TokenHash(token)
	var created, seen, expires int64
	err = db.sql.QueryRowContext(ctx, `SELECT id, principal, subject_id, must_change, created_at, last_seen_at, expires_at
		FROM sessions WHERE token_hash = $1`, h).Scan(&s.ID, &s.Principal, &s.SubjectID, &s.MustChange, &created, &seen, &expires)
	if errors.Is(err, errNoRows) {
		return s, noSession()
	}
	if err != nil {
		return s, fmt.Errorf("store: session: %w", err)
	}
	now := db.clock.Now()
	s.CreatedAt, s.LastSeenAt = fromMS(created), fromMS(seen)
	if !now.Before(fromMS(expires)) || !now.Before(s.LastSeenAt.Add(pol.SessionIdle)) {
		db.sql.ExecContext(ctx, "DELETE FROM sessions WHERE id = $1", s.ID)
		return Session{}, kabinet.Errorf(kabinet.KindUnauthorized, "session_expired", "the session has expired; sign in again")
	}
	if now.Sub(s.LastSeenAt) >= touchEvery {
		err := db.inTx(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", ms(tx.now), s.ID); err != nil {
				return err
			}
			if s.MustChange {
				return nil
			}
			return tx.touchActivity(ctx, s.Principal, s.SubjectID)
		})
		if err != nil {
			return s, err
		}
	}
	return s, nil
}

// SignOut ends a session server-side (SEC-4).
func (db *DB) SignOut(ctx context.Context, who Actor, token string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var principal string
		var id int64
		err := tx.QueryRowContext(ctx, "DELETE FROM sessions WHERE token_hash = $1 RETURNING principal, subject_id", ident.TokenHash(token)).Scan(&principal, &id)
		if errors.Is(err, errNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.audit(ctx, who, "auth.signout", fmt.Sprintf("%s:%d", principal, id), nil)
	})
}

// EndOtherSessions ends every session of the subject but the current one.
func (db *DB) EndOtherSessions(ctx context.Context, who Actor, s Session) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE principal = $1 AND subject_id = $2 AND id <> $3", s.Principal, s.SubjectID, s.ID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return tx.audit(ctx, who, "auth.end_other_sessions", fmt.Sprintf("%s:%d", s.Principal, s.SubjectID), map[string]any{"ended": n})
	})
	return n, err
}

// PasswordChange is the change-password screen (Guide 2; PWD-4, PWD-5).
type PasswordChange struct {
	Current  string
	New      string
	Confirm  string
	CodeWord string
}

// ChangePassword changes a taxpayer's password: the current one must be right (a wrong
// one counts toward the lock), the new one must meet the policy and differ from the
// current one, and a code word is set. Every session ends; a new one is returned.
func (db *DB) ChangePassword(ctx context.Context, who Actor, s Session, ch PasswordChange) (string, error) {
	if s.Principal != principalTaxpayer {
		return "", kabinet.Errorf(kabinet.KindForbidden, "forbidden", "only a taxpayer's password is changed here")
	}
	var acct kabinet.Account
	var err error
	if acct, err = scanAccount(db.sql.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = $1", s.SubjectID)); err != nil {
		return "", fmt.Errorf("store: account: %w", err)
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return "", err
	}
	// The current password is checked like a sign-in: reserved first, counted, locked.
	if err := db.verifyCounted(ctx, who, acct, ch.Current, pol); err != nil {
		if kabinet.ErrorCode(err) == "invalid_credentials" {
			return "", kabinet.Errorf(kabinet.KindUnprocessable, "wrong_current_password", "the current password is wrong")
		}
		return "", err
	}
	if failed := password.PolicyFrom(pol).Check(ch.New, password.Context{INN: acct.INN, Login: acct.Login}); len(failed) > 0 {
		return "", kabinet.Errorf(kabinet.KindUnprocessable, "weak_password", "the new password fails: %s", strings.Join(failed, ", ")).With("rules", failed)
	}
	if password.Normalize(ch.New) != password.Normalize(ch.Confirm) {
		return "", kabinet.Errorf(kabinet.KindUnprocessable, "password_mismatch", "the new password and its confirmation differ")
	}
	if password.Normalize(ch.New) == password.Normalize(ch.Current) {
		return "", kabinet.Errorf(kabinet.KindUnprocessable, "same_password", "the new password must differ from the current one")
	}
	cw, err := kabinet.CleanText("code_word", ch.CodeWord, 64)
	if err != nil {
		return "", err
	}
	if utf8.RuneCountInString(cw) < 3 {
		return "", kabinet.Errorf(kabinet.KindUnprocessable, "invalid_code_word", "the code word needs at least 3 characters")
	}
	newHash, err := db.hasher.Hash(ctx, ch.New)
	if err != nil {
		return "", err
	}
	cwHash, err := db.hasher.Hash(ctx, strings.ToLower(cw))
	if err != nil {
		return "", err
	}
	tok, err := ident.NewToken(db.rand)
	if err != nil {
		return "", err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $1, code_word_hash = $2, password_changed_at = $3,
			last_activity_at = $3 WHERE id = $4`, newHash, cwHash, ms(tx.now), acct.ID); err != nil {
			return err
		}
		if err := tx.endSessions(ctx, principalTaxpayer, acct.ID); err != nil {
			return err
		}
		if err := tx.createSession(ctx, principalTaxpayer, acct.ID, tok, false, who.Address, pol); err != nil {
			return err
		}
		if err := tx.notify(ctx, acct.INN, "password_changed", map[string]any{"at": tx.now}); err != nil {
			return err
		}
		return tx.audit(ctx, who, "auth.password_change", acct.INN, map[string]any{"forced": s.MustChange})
	})
	return tok, err
}

// verifyCounted checks a taxpayer's password outside the sign-in form (changing the
// password, annulling from the public page) under the same rules as a sign-in (PWD-3):
// the attempt is reserved first, a wrong password counts toward the lock, and a
// locked account is refused without checking.
func (db *DB) verifyCounted(ctx context.Context, who Actor, acct kabinet.Account, pw string, pol kabinet.Policy) error {
	key := taxpayerKey(acct.Login)
	var r reservation
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		r, err = tx.reserve(ctx, key, pol)
		return err
	})
	if err != nil {
		return kabinet.Errorf(kabinet.KindUnavailable, "unavailable", "the attempt could not be recorded")
	}
	if r.n > pol.MaxFailures {
		return lockedError(r.lockedUntil)
	}
	ok, _, err := db.hasher.Verify(ctx, pw, acct.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		outcome := "failure"
		if r.n >= pol.MaxFailures {
			outcome = "lock"
		}
		db.recordFailure(ctx, who, principalTaxpayer, acct.Login, acct.ID, outcome)
		if r.n >= pol.MaxFailures {
			return lockedError(r.lockedUntil)
		}
		return invalidCredentials()
	}
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE login_attempts SET failures = 0, locked_until = 0 WHERE login_key = $1", key)
		return err
	})
}

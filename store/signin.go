package store

import (
	"context"
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
		return res, kabinet.InvalidCredentials()
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return res, err
	}
	// Reserve the attempt before any password is checked; if it cannot be written, refuse.
	throttle := func(tx *Tx) error {
		n, start, err := tx.count(ctx, "signin:"+who.Address, time.Hour)
		if err != nil {
			return err
		}
		if n > pol.AddressFailuresPerHour {
			return rateLimited(tx.now, start, time.Hour) // retry_after: until the address's window frees
		}
		return nil
	}
	r, err := db.reserveAttempt(ctx, key, pol, throttle)
	if err != nil {
		return res, err
	}
	if !r.MayCheck(pol) {
		// The account is not looked up: the lock says nothing of whether it exists. The
		// history row finds it by the login all the same (signInRow), so the taxpayer
		// sees the refused attempt (CAB-1).
		return res, db.refuse(ctx, who, principal, login, 0, r, pol, atSignIn)
	}
	s, ferr := find()
	if ferr != nil && kabinet.ErrorKind(ferr) != kabinet.KindNotFound {
		return res, ferr
	}
	ok, rehash := false, false
	if ferr == nil {
		ok, rehash, err = db.hasher.Verify(ctx, c.Password, s.hash)
	} else {
		// An unknown login costs the same time as a known one.
		err = db.hasher.VerifyDummy(ctx, c.Password)
	}
	if err != nil {
		return res, db.unchecked(ctx, key, r, err)
	}
	leave()
	// The password is checked: its outcome is written whether or not the client is
	// still there, so a hang-up neither hides a failure (SEC-1) nor leaves a right
	// password counted as a failure (PWD-3).
	ctx, cancel := detached(ctx)
	defer cancel()
	if ok && s.totpSecret != "" {
		// A code is accepted once: one of the last accepted step or earlier is a replay.
		step, valid := totpStep(s.totpSecret, c.OTP, db.clock.Now())
		if ok = valid; valid {
			if ok, err = db.useTOTPStep(ctx, s.id, step); err != nil {
				return res, err // fail closed
			}
		}
	}
	if !ok {
		return res, db.refuse(ctx, who, principal, login, s.id, r, pol, atSignIn)
	}
	if !s.active {
		db.recordFailure(ctx, who, principal, login, s.id, "annulled", atSignIn)
		return res, kabinet.Errorf(kabinet.KindForbidden, "account_annulled", "access to the cabinet was annulled; apply for access again to restore it")
	}
	// PWD-2: a hash made under lower parameters is upgraded now that the password is known.
	upgraded := ""
	if rehash {
		if upgraded, err = db.hasher.Hash(ctx, c.Password); err != nil {
			// The sign-in stands; the upgrade waits for the next one.
			db.logFault(ctx, "upgrade a password hash (PWD-2)", err)
			upgraded = ""
		}
	}
	tok, err := ident.NewToken(db.rand)
	if err != nil {
		return res, err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		res = SignInResult{Token: tok, Login: s.login, SubjectID: s.id, Principal: principal, LastActivityAt: s.lastActivity}
		res.MustChange = principal == principalTaxpayer && kabinet.MustChangePassword(s.lastActivity, tx.now, pol)
		if err := tx.resetAttempts(ctx, key); err != nil {
			return err
		}
		// A success takes back the address's failure it was counted as (PWD-3 throttle).
		if _, err := tx.ExecContext(ctx, "UPDATE rate_limits SET count = count - 1 WHERE key = $1 AND count > 0", "signin:"+who.Address); err != nil {
			return err
		}
		if err := tx.createSession(ctx, principal, s.id, tok, res.MustChange, who.Address, pol); err != nil {
			return err
		}
		if upgraded != "" {
			if err := tx.upgradeHash(ctx, principal, s.id, s.hash, upgraded); err != nil {
				return err
			}
		}
		if !res.MustChange {
			if err := tx.touchActivity(ctx, principal, s.id); err != nil {
				return err
			}
		}
		if err := tx.signInRow(ctx, principal, login, s.id, who.Address, "success"); err != nil {
			return err
		}
		return tx.audit(ctx, who.as(principal, s.login), "auth.signin", subjectName(principal, s.login, s.inn), map[string]any{"must_change": res.MustChange, "hash_upgraded": upgraded != ""})
	})
	return res, err
}

// upgradeHash replaces a subject's password hash with one of the hasher's current
// parameters (PWD-2), unless the password changed since old was read.
func (tx *Tx) upgradeHash(ctx context.Context, principal string, id int64, old, upgraded string) error {
	table := "accounts"
	if principal == principalStaff {
		table = "staff"
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET password_hash = $1 WHERE id = $2 AND password_hash = $3", upgraded, id, old); err != nil {
		return fmt.Errorf("store: upgrade password hash: %w", err)
	}
	return nil
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

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kabinet"
	"kabinet/ident"
)

// Sessions (SEC-4) live only in the database, so a session ended on one instance is
// ended on every instance at once. When one expires is kabinet.SessionExpired.

// touchActivity records the subject's activity now (PWD-4 counts inactivity from it).
func (tx *Tx) touchActivity(ctx context.Context, principal string, id int64) error {
	table := "accounts"
	if principal == principalStaff {
		table = "staff"
	}
	_, err := tx.ExecContext(ctx, "UPDATE "+table+" SET last_activity_at = $1 WHERE id = $2", ms(tx.now), id)
	return err
}

// createSession stores a new session: only the token's hash, and its absolute end.
func (tx *Tx) createSession(ctx context.Context, principal string, id int64, token string, mustChange bool, addr string, pol kabinet.Policy) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, principal, subject_id, created_at, last_seen_at, expires_at, must_change, client_address)
		VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`, ident.TokenHash(token), principal, id, ms(tx.now), ms(kabinet.SessionEnd(tx.now, pol)), mustChange, addr)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// endSessions ends every session of a subject. Sessions live only in the database,
// so this ends them on every instance at once.
func (tx *Tx) endSessions(ctx context.Context, principal string, id int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE principal = $1 AND subject_id = $2", principal, id); err != nil {
		return fmt.Errorf("store: end sessions: %w", err)
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
	s, _, err := db.sessionByToken(ctx, token, false)
	return s, err
}

// StaffSessionByToken is SessionByToken for the back office, with the staff member
// the session belongs to read in the same statement (every back-office request asks
// for both; one round trip fewer per request). A session of another principal, or of
// a staff account no longer there, is "not signed in" / "staff_not_found".
func (db *DB) StaffSessionByToken(ctx context.Context, token string) (Session, kabinet.Staff, error) {
	return db.sessionByToken(ctx, token, true)
}

func (db *DB) sessionByToken(ctx context.Context, token string, staff bool) (Session, kabinet.Staff, error) {
	var s Session
	var st kabinet.Staff
	if token == "" || len(token) > 100 {
		return s, st, noSession()
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return s, st, err
	}
	h := ident.TokenHash(token)
	var created, seen, expires int64
	q := `SELECT id, principal, subject_id, must_change, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1`
	dest := []any{&s.ID, &s.Principal, &s.SubjectID, &s.MustChange, &created, &seen, &expires}
	var staffID sql.NullInt64
	var office, login, name, role, hash, secret sql.NullString
	var required, active sql.NullBool
	var staffCreated sql.NullInt64
	if staff {
		q = `SELECT s.id, s.principal, s.subject_id, s.must_change, s.created_at, s.last_seen_at, s.expires_at,
			st.id, st.login, st.name, st.role, st.office_code, st.password_hash, st.totp_secret, st.totp_required, st.active, st.created_at
			FROM sessions s LEFT JOIN staff st ON s.principal = 'staff' AND st.id = s.subject_id WHERE s.token_hash = $1`
		dest = append(dest, &staffID, &login, &name, &role, &office, &hash, &secret, &required, &active, &staffCreated)
	}
	err = db.queryRowOften(ctx, q, h).Scan(dest...)
	if errors.Is(err, errNoRows) {
		return s, st, noSession()
	}
	if err != nil {
		return s, st, fmt.Errorf("store: session: %w", err)
	}
	if staff {
		if s.Principal != principalStaff {
			return Session{}, st, noSession()
		}
		if !staffID.Valid {
			return Session{}, st, kabinet.Errorf(kabinet.KindNotFound, "staff_not_found", "no staff account")
		}
		st = kabinet.Staff{ID: staffID.Int64, Login: login.String, Name: name.String, Role: kabinet.Role(role.String),
			OfficeCode: office.String, PasswordHash: hash.String, TOTPSecret: secret.String, TOTPRequired: required.Bool,
			Active: active.Bool, CreatedAt: fromMS(staffCreated.Int64)}
	}
	now := db.clock.Now()
	s.CreatedAt, s.LastSeenAt = fromMS(created), fromMS(seen)
	if kabinet.SessionExpired(fromMS(expires), s.LastSeenAt, now, pol) {
		// Refused whether or not the row goes: an expired session is refused each time
		// it is presented, and the janitor removes what is left.
		if _, err := db.sql.ExecContext(ctx, "DELETE FROM sessions WHERE id = $1", s.ID); err != nil && ctx.Err() == nil {
			db.logFault(ctx, "delete an expired session", err)
		}
		return Session{}, kabinet.Staff{}, kabinet.Errorf(kabinet.KindUnauthorized, "session_expired", "the session has expired; sign in again")
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
			return s, st, err
		}
	}
	return s, st, nil
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

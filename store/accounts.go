package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"kabinet"
	"kabinet/ident"
)

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: encode: %w", err)
	}
	return string(b), nil
}

// unusedCode draws values from gen until one is not yet in table.column.
func (tx *Tx) unusedCode(ctx context.Context, table, column string, gen func() (string, error)) (string, error) {
	for attempt := 0; attempt < 5; attempt++ {
		v, err := gen()
		if err != nil {
			return "", err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE "+column+" = $1", v).Scan(&n); err != nil {
			return "", fmt.Errorf("store: check %s: %w", table, err)
		}
		if n == 0 {
			return v, nil
		}
	}
	return "", fmt.Errorf("store: no unused value for %s.%s after 5 draws", table, column)
}

const accountColumns = "id, login, inn, password_hash, code_word_hash, status, created_at, last_activity_at, password_changed_at"

func scanAccount(row interface{ Scan(...any) error }) (kabinet.Account, error) {
	var a kabinet.Account
	var created, active, changed int64
	err := row.Scan(&a.ID, &a.Login, &a.INN, &a.PasswordHash, &a.CodeWordHash, &a.Status, &created, &active, &changed)
	a.CreatedAt, a.LastActivityAt, a.PasswordChangedAt = fromMS(created), fromMS(active), fromMS(changed)
	return a, err
}

func accountNotFound() error {
	return kabinet.Errorf(kabinet.KindNotFound, "account_not_found", "no account")
}

func (db *DB) accountByINN(ctx context.Context, q queryer, innValue string) (kabinet.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE inn = $1", innValue))
	if errors.Is(err, errNoRows) {
		return a, accountNotFound()
	}
	if err != nil {
		return a, fmt.Errorf("store: account: %w", err)
	}
	return a, nil
}

// AccountByINN returns the account of an ИНН.
func (db *DB) AccountByINN(ctx context.Context, innValue string) (kabinet.Account, error) {
	return db.accountByINN(ctx, db.sql, innValue)
}

// plausibleLogin reports whether a typed login can be looked up at all: valid UTF-8,
// no control characters (PostgreSQL refuses NUL in text, SQLite keeps it: SEC-3 wants
// one answer from both), at most 100 bytes. Anything else names no account.
func plausibleLogin(s string) bool {
	if len(s) > 100 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// AccountByLogin returns the account with a login.
func (db *DB) AccountByLogin(ctx context.Context, login string) (kabinet.Account, error) {
	if !plausibleLogin(login) {
		return kabinet.Account{}, accountNotFound()
	}
	l := ident.NormalizeLogin(login)
	a, err := scanAccount(db.sql.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE login = $1", l))
	if errors.Is(err, errNoRows) {
		return a, accountNotFound()
	}
	if err != nil {
		return a, fmt.Errorf("store: account: %w", err)
	}
	return a, nil
}

// grantAccess gives the subject of a granted access application their account (Reg §13,
// §16; ACC-7, RST-1, ANN-4): a new account with a generated login, or the existing one
// reactivated with the application's password, its lock cleared and its sessions ended.
// The login never changes once issued.
func (tx *Tx) grantAccess(ctx context.Context, a kabinet.Application) (string, error) {
	acct, err := tx.db.accountByINN(ctx, tx, a.INN)
	switch {
	case err == nil:
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $1, status = 'active', password_changed_at = $2,
			last_activity_at = $2 WHERE id = $3`, a.PasswordHash, ms(tx.now), acct.ID); err != nil {
			return "", fmt.Errorf("store: restore account: %w", err)
		}
		if _, err := tx.clearAttempts(ctx, taxpayerKey(acct.Login)); err != nil {
			return "", err
		}
		if err := tx.endSessions(ctx, principalTaxpayer, acct.ID); err != nil {
			return "", err
		}
		return acct.Login, nil
	case kabinet.ErrorCode(err) == "account_not_found":
		login, err := tx.unusedCode(ctx, "accounts", "login", func() (string, error) { return ident.NewLogin(tx.db.rand) })
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (login, inn, password_hash, code_word_hash, status, created_at,
			last_activity_at, password_changed_at) VALUES ($1, $2, $3, '', 'active', $4, $4, $4)`,
			login, a.INN, a.PasswordHash, ms(tx.now)); err != nil {
			return "", fmt.Errorf("store: create account: %w", err)
		}
		return login, nil
	default:
		return "", err
	}
}

// annulAccount annuls the subject's account and ends its sessions at once (ANN-4).
func (tx *Tx) annulAccount(ctx context.Context, innValue string) (string, error) {
	acct, err := tx.db.accountByINN(ctx, tx, innValue)
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET status = 'annulled' WHERE id = $1", acct.ID); err != nil {
		return "", fmt.Errorf("store: annul account: %w", err)
	}
	return acct.Login, tx.endSessions(ctx, principalTaxpayer, acct.ID)
}

// Principals of sessions.
const (
	principalTaxpayer = "taxpayer"
	principalStaff    = "staff"
)

// AccountByID returns an account by its id.
func (db *DB) AccountByID(ctx context.Context, id int64) (kabinet.Account, error) {
	a, err := scanAccount(db.sql.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = $1", id))
	if errors.Is(err, errNoRows) {
		return a, accountNotFound()
	}
	if err != nil {
		return a, fmt.Errorf("store: account: %w", err)
	}
	return a, nil
}

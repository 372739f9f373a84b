package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"kabinet"
	"kabinet/ident"
	"kabinet/password"
)

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
	// The current password is checked like a sign-in: reserved first, counted, locked
	// (PWD-3: three wrong passwords in a row, wherever typed); the history records it
	// as a wrong current password, not as a failed sign-in (CAB-1).
	if err := db.verifyCountedAt(ctx, who, acct, ch.Current, pol, atPasswordChange); err != nil {
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

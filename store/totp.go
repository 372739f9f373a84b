package store

import (
	"context"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"kabinet"
)

// totpStep checks a staff member's second factor (SEC-1): RFC 6238, 30-second steps,
// one step of clock skew either way. It returns the time step the code belongs to, so
// that a code is accepted once (useTOTPStep).
func totpStep(secret, code string, now time.Time) (step int64, ok bool) {
	for _, d := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		at := now.Add(d)
		valid, err := totp.ValidateCustom(code, secret, at, totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && valid {
			return at.Unix() / 30, true
		}
	}
	return 0, false
}

// validTOTP reports whether code is valid for secret now (any step within the skew).
func validTOTP(secret, code string, now time.Time) bool {
	_, ok := totpStep(secret, code, now)
	return ok
}

// useTOTPStep records step as staff member id's last accepted one, and reports false
// when a code of that step or a later one was accepted already: a replayed code. The
// conditional update is atomic, so two sign-ins with one code never both pass.
func (db *DB) useTOTPStep(ctx context.Context, id, step int64) (bool, error) {
	res, err := db.sql.ExecContext(ctx, "UPDATE staff SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1", step, id)
	if err != nil {
		return false, fmt.Errorf("store: totp step: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: totp step: %w", err)
	}
	return n == 1, nil
}

// NewTOTPSecret makes a secret for a staff member to enrol in an authenticator app;
// it takes effect only once ConfirmTOTP sees a valid code from it.
func (db *DB) NewTOTPSecret(login string) (secret, uri string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Kabinet", AccountName: login, Rand: db.rand})
	if err != nil {
		return "", "", fmt.Errorf("store: totp secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// ConfirmTOTP enrols the second factor after checking a code made from the secret.
func (db *DB) ConfirmTOTP(ctx context.Context, who Actor, staffID int64, secret, code string) error {
	step, ok := totpStep(secret, code, db.clock.Now())
	if !ok {
		return kabinet.Errorf(kabinet.KindUnprocessable, "invalid_otp", "the one-time code does not match")
	}
	return db.inTx(ctx, func(tx *Tx) error {
		// The code that confirmed enrolment is spent: it cannot also sign in.
		if _, err := tx.ExecContext(ctx, "UPDATE staff SET totp_secret = $1, totp_last_step = $2 WHERE id = $3", secret, step, staffID); err != nil {
			return err
		}
		return tx.audit(ctx, who, "staff.totp_enrol", fmt.Sprintf("staff:%d", staffID), nil)
	})
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"kabinet"
)

// validTOTP checks a staff member's second factor (SEC-1): RFC 6238, 30-second steps,
// one step of clock skew either way.
func validTOTP(secret, code string, now time.Time) bool {
	ok, err := totp.ValidateCustom(code, secret, now, totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
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
	if !validTOTP(secret, code, db.clock.Now()) {
		return kabinet.Errorf(kabinet.KindUnprocessable, "invalid_otp", "the one-time code does not match")
	}
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE staff SET totp_secret = $1 WHERE id = $2", secret, staffID); err != nil {
			return err
		}
		return tx.audit(ctx, who, "staff.totp_enrol", fmt.Sprintf("staff:%d", staffID), nil)
	})
}

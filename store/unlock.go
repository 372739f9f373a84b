package store

import (
	"context"
	"strings"

	"kabinet"
)

// Unlock lifts a taxpayer's sign-in lock before its 20 minutes are up (PWD-3), for an
// officer of the subject's office or a supervisor; audited.
func (db *DB) Unlock(ctx context.Context, s StaffActor, login string) error {
	acct, err := db.AccountByLogin(ctx, login)
	if err != nil {
		return err
	}
	tp, err := db.Taxpayer(ctx, acct.INN)
	if err != nil {
		return err
	}
	if err := kabinet.MayActOn(s.Staff, tp.OfficeCode); err != nil {
		return db.refusedOffice(ctx, s, "account.unlock", acct.INN, err) // audited (issue 12, point 6)
	}
	return db.inTx(ctx, func(tx *Tx) error {
		counted, err := tx.clearAttempts(ctx, taxpayerKey(acct.Login))
		if err != nil {
			return err
		}
		return tx.audit(ctx, s.actor(), "account.unlock", acct.INN, map[string]any{"login": acct.Login, "was_counted": counted})
	})
}

// SetTOTPRequired makes a staff member's second factor compulsory (SEC-1); only a
// supervisor may. Until they enrol, their session reaches only the enrolment page.
func (db *DB) SetTOTPRequired(ctx context.Context, s StaffActor, login string, required bool) error {
	if s.Role != kabinet.RoleSupervisor {
		return kabinet.Errorf(kabinet.KindForbidden, "supervisor_only", "only a supervisor may require a second factor")
	}
	if !plausibleLogin(login) {
		return kabinet.Errorf(kabinet.KindNotFound, "staff_not_found", "no staff account with this login")
	}
	login = strings.ToLower(strings.TrimSpace(login))
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE staff SET totp_required = $1 WHERE login = $2", required, login)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kabinet.Errorf(kabinet.KindNotFound, "staff_not_found", "no staff account with this login")
		}
		return tx.audit(ctx, s.actor(), "staff.totp_required", "staff:"+login, map[string]any{"required": required})
	})
}

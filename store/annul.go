package store

import (
	"context"
	"fmt"

	"kabinet"
	"kabinet/ident"
)

// AnnulForFraud annuls a subject's access at once on documentary evidence of false
// entrepreneurship or fictitious supplies (Reg §21; ANN-3, ANN-4): the registry's fraud
// mark is set with the document's reference, the account is annulled and its sessions
// end on every instance, every pending application of the subject is refused on the
// fraud ground, and a numbered decision records it. Officers of the subject's office
// and supervisors may do it (ACC-10).
func (db *DB) AnnulForFraud(ctx context.Context, s StaffActor, login, ground, reference string) (kabinet.Decision, error) {
	var d kabinet.Decision
	if kabinet.Ground(ground) != kabinet.GroundFraudEvidence {
		return d, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_ground", "an office annuls access on its own initiative only on fraud_evidence (Reg §21)")
	}
	ref, err := kabinet.CleanText("reference", reference, 200)
	if err != nil {
		return d, err
	}
	if ref == "" {
		return d, kabinet.Errorf(kabinet.KindUnprocessable, "reference_required", "name the document that evidences false entrepreneurship or fictitious supplies")
	}
	acct, err := db.AccountByLogin(ctx, login)
	if err != nil {
		return d, err
	}
	tp, err := db.Taxpayer(ctx, acct.INN)
	if err != nil {
		return d, err
	}
	if !s.CanActOn(tp.OfficeCode) {
		if aerr := db.inTx(ctx, func(tx *Tx) error {
			return tx.audit(ctx, s.actor(), "account.annul.refused", acct.INN, map[string]any{"reason": "wrong_office", "office": tp.OfficeCode})
		}); aerr != nil {
			return d, aerr
		}
		return d, kabinet.Errorf(kabinet.KindForbidden, "wrong_office", "the subject is registered in office %s", tp.OfficeCode).With("office", tp.OfficeCode)
	}
	if acct.Status == kabinet.AccountAnnulled {
		return d, kabinet.Errorf(kabinet.KindConflict, "already_annulled", "access is already annulled")
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE taxpayers SET fraud_reference = $1, updated_at = $2 WHERE inn = $3", ref, ms(tx.now), acct.INN); err != nil {
			return fmt.Errorf("store: fraud mark: %w", err)
		}
		if _, err := tx.annulAccount(ctx, acct.INN); err != nil {
			return err
		}
		// Pending applications of the subject are refused on the same ground (ANN-3).
		rows, err := tx.QueryContext(ctx, "SELECT "+applicationColumns+" FROM applications WHERE inn = $1 AND status IN ('formed', 'received') ORDER BY id", acct.INN)
		if err != nil {
			return err
		}
		var pending []kabinet.Application
		for rows.Next() {
			a, err := scanApplication(rows)
			if err != nil {
				rows.Close()
				return err
			}
			pending = append(pending, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var refused []string
		for _, a := range pending {
			rd, err := tx.issueDecision(ctx, s, a, kabinet.Refused, kabinet.GroundFraudEvidence, ref)
			if err != nil {
				return err
			}
			refused = append(refused, rd.Number)
		}
		// The annulment's own decision has no application: the office acts on its own initiative.
		var seq int64
		if err := tx.QueryRowContext(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'decision' RETURNING value").Scan(&seq); err != nil {
			return err
		}
		vc, err := ident.NewVerificationCode(db.rand)
		if err != nil {
			return err
		}
		d = kabinet.Decision{Number: ident.FormatDecisionNumber(tp.OfficeCode, tx.now.In(kabinet.Bishkek).Year(), seq),
			Kind: kabinet.KindAnnulment, Outcome: kabinet.Granted, Ground: kabinet.GroundFraudEvidence, Reference: ref,
			INN: acct.INN, Name: tp.Name, OfficeCode: tp.OfficeCode, Officer: officerName(s.Staff), DecidedAt: tx.now,
			Login: acct.Login, VerificationCode: vc, OnTime: true}
		if _, err := tx.ExecContext(ctx, `INSERT INTO decisions (number, application_id, kind, outcome, ground, reference, inn, name, office_code,
			officer, decided_at, login, verification_code, on_time) VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			d.Number, string(d.Kind), string(d.Outcome), string(d.Ground), d.Reference, d.INN, d.Name, d.OfficeCode, d.Officer,
			ms(d.DecidedAt), d.Login, d.VerificationCode, true); err != nil {
			return fmt.Errorf("store: annulment decision: %w", err)
		}
		if err := tx.notify(ctx, acct.INN, "annulled", map[string]any{"number": d.Number, "ground": d.Ground}); err != nil {
			return err
		}
		return tx.audit(ctx, s.actor(), "account.annul", acct.INN, map[string]any{
			"login": acct.Login, "ground": ground, "reference": ref, "number": d.Number, "refused_applications": refused})
	})
	if err != nil {
		return kabinet.Decision{}, err
	}
	return d, nil
}

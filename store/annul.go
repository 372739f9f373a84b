package store

import (
	"context"
	"fmt"

	"kabinet"
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
	if err := kabinet.MayActOn(s.Staff, tp.OfficeCode); err != nil {
		return d, db.refusedOffice(ctx, s, "account.annul", acct.INN, err)
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
		apps, err := tx.applicationsOf(ctx, acct.INN)
		if err != nil {
			return err
		}
		var refused []string
		for _, a := range apps {
			if !a.Status.Open() {
				continue
			}
			rd, err := tx.decideApplication(ctx, s, a, kabinet.Refused, kabinet.GroundFraudEvidence, ref, "")
			if err != nil {
				return err
			}
			refused = append(refused, rd.Number)
		}
		// The annulment's own decision answers no application: the office acts on its
		// own initiative, and it is on time by definition.
		if d, err = tx.newDecision(ctx, s, tp.OfficeCode); err != nil {
			return err
		}
		d.Kind, d.Outcome, d.Ground, d.Reference = kabinet.KindAnnulment, kabinet.Granted, kabinet.GroundFraudEvidence, ref
		d.INN, d.Name, d.Login, d.OnTime = acct.INN, tp.Name, acct.Login, true
		if err := tx.insertDecision(ctx, d); err != nil {
			return err
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

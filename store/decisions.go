package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kabinet"
	"kabinet/ident"
)

// Decisions (Reg §8–§16; ACC-6…ACC-8). Every decision — on an access or an annulment
// application, or an office's own annulment (annul.go) — is numbered by
// nextDecisionNumber and stored by insertDecision, so every one is verified alike.

// DecisionInput is the officer's decision.
type DecisionInput struct {
	Outcome kabinet.Outcome
	Ground  kabinet.Ground // refusals only: no_registration or fraud_evidence (Reg §9)
}

// Decide issues the decision on a received application (Reg §8–§16; ACC-6, ACC-7,
// RST-1, ANN-2). A grant of access creates the account with a generated login, or for
// a restoration replaces the password, clears the lock and ends the sessions, keeping
// the login. A grant of annulment annuls the account and ends its sessions (ANN-4).
func (db *DB) Decide(ctx context.Context, s StaffActor, code string, in DecisionInput) (kabinet.Decision, error) {
	var d kabinet.Decision
	c, ok := ident.NormalizeCode(code)
	if !ok {
		return d, notFoundApplication()
	}
	if err := kabinet.CheckOutcome(in.Outcome, in.Ground); err != nil {
		return d, err
	}
	var a kabinet.Application
	var refused error
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if a, err = tx.applicationByCode(ctx, c, true); err != nil {
			return err
		}
		if err := kabinet.MayDecide(a, s.Staff); err != nil {
			if kabinet.ErrorCode(err) == "wrong_office" {
				refused = err // audited outside this transaction, which writes nothing
				return nil
			}
			return err
		}
		tp, err := taxpayer(ctx, tx, a.INN)
		if err != nil && kabinet.ErrorCode(err) != "inn_not_found" {
			return err
		}
		if in.Outcome == kabinet.Granted {
			// ACC-6: the registry as it is now decides, not the snapshot.
			now := &tp
			if err != nil {
				now = nil
			}
			if err := kabinet.MayGrant(a.Kind, now); err != nil {
				return err
			}
		}
		login := ""
		if in.Outcome == kabinet.Granted {
			switch a.Kind {
			case kabinet.KindAccess:
				login, err = tx.grantAccess(ctx, a)
			case kabinet.KindAnnulment:
				login, err = tx.annulAccount(ctx, a.INN)
			}
			if err != nil {
				return err
			}
		}
		if d, err = tx.decideApplication(ctx, s, a, in.Outcome, in.Ground, tp.FraudReference, login); err != nil {
			return err
		}
		if err := tx.notify(ctx, a.INN, "decision", map[string]any{"number": d.Number, "kind": a.Kind, "outcome": d.Outcome, "ground": d.Ground}); err != nil {
			return err
		}
		return tx.audit(ctx, s.actor(), "application.decide", a.Code, map[string]any{
			"inn": a.INN, "kind": a.Kind, "outcome": d.Outcome, "ground": d.Ground, "number": d.Number, "on_time": d.OnTime})
	})
	if err != nil {
		return kabinet.Decision{}, err
	}
	if refused != nil {
		return kabinet.Decision{}, db.refusedOffice(ctx, s, "application.decide", a.Code, refused)
	}
	return d, nil
}

// decideApplication issues the decision on application a and closes it: numbered,
// stored, and the application's status, decision and history written. The reference
// is kept only for a decision on the fraud ground (Reg §9, §21).
func (tx *Tx) decideApplication(ctx context.Context, s StaffActor, a kabinet.Application, outcome kabinet.Outcome,
	ground kabinet.Ground, reference, login string) (kabinet.Decision, error) {
	if ground != kabinet.GroundFraudEvidence {
		reference = ""
	}
	d, err := tx.newDecision(ctx, s, a.OfficeCode)
	if err != nil {
		return d, err
	}
	d.ApplicationCode, d.Kind, d.Outcome, d.Ground, d.Reference = a.Code, a.Kind, outcome, ground, reference
	d.INN, d.Name, d.Login, d.OnTime = a.INN, a.Name, login, kabinet.DecidedOnTime(a, d.DecidedAt)
	if err := tx.insertDecision(ctx, d); err != nil {
		return d, err
	}
	status := outcome.Status()
	if _, err := tx.ExecContext(ctx, "UPDATE applications SET status = $1, decided_at = $2, decision_number = $3 WHERE id = $4",
		string(status), ms(d.DecidedAt), d.Number, a.ID); err != nil {
		return d, fmt.Errorf("store: close application: %w", err)
	}
	return d, tx.event(ctx, a.ID, status, "staff:"+s.Login)
}

// newDecision begins a decision of office by s now: its number (nextDecisionNumber),
// verification code, officer and date. The caller fills in what it decides and stores
// it with insertDecision in the same transaction.
func (tx *Tx) newDecision(ctx context.Context, s StaffActor, office string) (kabinet.Decision, error) {
	number, err := tx.nextDecisionNumber(ctx, office)
	if err != nil {
		return kabinet.Decision{}, err
	}
	vc, err := ident.NewVerificationCode(tx.db.rand)
	if err != nil {
		return kabinet.Decision{}, err
	}
	return kabinet.Decision{Number: number, OfficeCode: office, Officer: officerName(s.Staff), DecidedAt: tx.now,
		VerificationCode: vc}, nil
}

// nextDecisionNumber draws the next decision number of office (ACC-8): the office's
// code, the year in Bishkek, and the service-wide sequence. The counter's row lock
// keeps numbers unique across instances; a rolled-back transaction leaves a gap.
func (tx *Tx) nextDecisionNumber(ctx context.Context, office string) (string, error) {
	var seq int64
	if err := tx.QueryRowContext(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'decision' RETURNING value").Scan(&seq); err != nil {
		return "", fmt.Errorf("store: decision number: %w", err)
	}
	return ident.FormatDecisionNumber(office, kabinet.DateOf(tx.now).Year, seq), nil
}

const insertDecisionSQL = `INSERT INTO decisions (number, application_id, kind, outcome, ground, reference, inn, name,
	office_code, officer, decided_at, login, verification_code, on_time)
	VALUES ($1, (SELECT id FROM applications WHERE code = $2), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`

// insertDecision stores decision d. d.ApplicationCode names the application it answers
// (application codes are unique across the service); empty, the decision answers none
// (an office's annulment on its own initiative, Reg §21).
func (tx *Tx) insertDecision(ctx context.Context, d kabinet.Decision) error {
	if _, err := tx.execOften(ctx, insertDecisionSQL, d.Number, d.ApplicationCode, string(d.Kind), string(d.Outcome), string(d.Ground), d.Reference, d.INN, d.Name,
		d.OfficeCode, d.Officer, ms(d.DecidedAt), d.Login, d.VerificationCode, d.OnTime); err != nil {
		return fmt.Errorf("store: insert decision %s: %w", d.Number, err)
	}
	return nil
}

func officerName(s kabinet.Staff) string {
	if s.Name != "" {
		return s.Name
	}
	return s.Login
}

// Decision returns an access or annulment decision by number (for printing by staff or
// the subject). VAT decisions share the numbering but print and verify as VAT papers
// (VATDecision): asked for here they are not found, so no VAT paper passes as an access one.
func (db *DB) Decision(ctx context.Context, number string) (kabinet.Decision, error) {
	var d kabinet.Decision
	// A number no decision can have (NUL bytes, invalid UTF-8, which PostgreSQL refuses
	// in text) is simply not found, on both engines alike (SEC-3).
	if _, err := kabinet.CleanText("number", number, 64); err != nil {
		return d, kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no such decision")
	}
	var at int64
	err := db.sql.QueryRowContext(ctx, `SELECT d.number, COALESCE(a.code, ''), d.kind, d.outcome, d.ground, d.reference, d.inn, d.name,
		d.office_code, d.officer, d.decided_at, d.login, d.verification_code, d.on_time
		FROM decisions d LEFT JOIN applications a ON a.id = d.application_id WHERE d.number = $1 AND d.kind <> $2`,
		strings.TrimSpace(number), string(kabinet.KindVAT)).Scan(
		&d.Number, &d.ApplicationCode, &d.Kind, &d.Outcome, &d.Ground, &d.Reference, &d.INN, &d.Name, &d.OfficeCode, &d.Officer,
		&at, &d.Login, &d.VerificationCode, &d.OnTime)
	if errors.Is(err, errNoRows) {
		return d, kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no such decision")
	}
	if err != nil {
		return d, fmt.Errorf("store: decision: %w", err)
	}
	d.DecidedAt = fromMS(at)
	return d, nil
}

// VerifyDecision checks a paper decision by its number and verification code (ACC-8).
// A wrong code answers exactly like an unknown number.
func (db *DB) VerifyDecision(ctx context.Context, number, code string) (kabinet.Decision, error) {
	vc, ok := ident.NormalizeVerificationCode(code)
	d, err := db.Decision(ctx, number)
	if err != nil && kabinet.ErrorKind(err) != kabinet.KindNotFound {
		return kabinet.Decision{}, err // a database fault is no "not found" (503/500 upstream)
	}
	if err != nil || !ok || d.VerificationCode != vc {
		return kabinet.Decision{}, kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no decision with this number and verification code")
	}
	return d, nil
}

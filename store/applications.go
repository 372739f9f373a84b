package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kabinet"
	"kabinet/ident"
	"kabinet/inn"
	"kabinet/passport"
	"kabinet/password"
)

// ApplicationsPerHour is how many applications one client address may form per hour.
// Each costs a password hash; an office's public computer serving a queue of
// declarants stays well below it.
const ApplicationsPerHour = 60

// NewApplication is what the subject types into the form.
type NewApplication struct {
	Kind            kabinet.ApplicationKind
	INN             string // 102
	Passport        string // 106
	Password        string // access: the password the subject sets (Reg §16)
	PasswordConfirm string
	CurrentPassword string // annulment from the public page: proves it is the account's holder
	SignedIn        bool   // annulment from inside the cabinet: the session proved it already
	Lang            string
}

// CreateApplication stores an application with its generated code and field 300 (ACC-1…ACC-4).
// ИНН not in the registry or liquidated: nothing is stored (ACC-2). For access, the
// password must meet the policy (PWD-1) and only its hash is kept. A newer application
// of the same kind supersedes an older undecided one (RST-2).
func (db *DB) CreateApplication(ctx context.Context, who Actor, n NewApplication) (kabinet.Application, error) {
	var app kabinet.Application
	if n.Kind != kabinet.KindAccess && n.Kind != kabinet.KindAnnulment {
		return app, kabinet.Errorf(kabinet.KindInvalid, "invalid_kind", "kind must be access or annulment")
	}
	id, err := inn.Parse(n.INN)
	if err != nil {
		return app, err
	}
	tp, err := db.Taxpayer(ctx, id.Value)
	if err != nil {
		return app, err
	}
	if err := registrationFor(tp); err != nil {
		return app, err
	}
	pp, err := passport.Parse(n.Passport)
	if err != nil {
		return app, err
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return app, err
	}
	acct, err := db.accountByINN(ctx, db.sql, id.Value)
	hasAccount := err == nil
	if err != nil && kabinet.ErrorCode(err) != "account_not_found" {
		return app, err
	}
	var hash string
	switch n.Kind {
	case kabinet.KindAccess:
		login := ""
		if hasAccount {
			login = acct.Login
		}
		if failed := password.PolicyFrom(pol).Check(n.Password, password.Context{INN: id.Value, Login: login}); len(failed) > 0 {
			return app, kabinet.Errorf(kabinet.KindUnprocessable, "weak_password", "the password fails: %s", strings.Join(failed, ", ")).With("rules", failed)
		}
		if password.Normalize(n.Password) != password.Normalize(n.PasswordConfirm) {
			return app, kabinet.Errorf(kabinet.KindUnprocessable, "password_mismatch", "the password and its confirmation differ")
		}
		if hash, err = db.hasher.Hash(ctx, n.Password); err != nil {
			return app, err
		}
	case kabinet.KindAnnulment:
		if !hasAccount || acct.Status != kabinet.AccountActive {
			if n.SignedIn {
				return app, kabinet.Errorf(kabinet.KindConflict, "no_active_account", "there is no active access to annul")
			}
			// From the public page the answer must not tell an outsider whether the ИНН
			// has access: the same refusal, in the same time, as a wrong password.
			if err := db.hasher.VerifyDummy(ctx, n.CurrentPassword); err != nil {
				return app, err
			}
			return app, invalidCredentials()
		}
		if !n.SignedIn {
			if err := db.verifyCounted(ctx, who, acct, n.CurrentPassword, pol); err != nil {
				return app, err
			}
		}
	}
	lang := n.Lang
	if lang != "ky" {
		lang = "ru"
	}
	app = kabinet.Application{Kind: n.Kind, INN: tp.INN, Name: tp.Name, OfficeCode: tp.OfficeCode, Address: tp.Address,
		Passport: pp.String(), PassportFlag: !pp.Known, Signatory: tp.Signatory(), PasswordHash: hash, Lang: lang,
		Status: kabinet.StatusFormed}
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.limit(ctx, "apply:"+who.Address, ApplicationsPerHour, time.Hour); err != nil {
			return err
		}
		app.FilledAt = tx.now
		// RST-2: the newer application supersedes older undecided ones of the same kind.
		superseded, err := tx.supersede(ctx, app.INN, app.Kind)
		if err != nil {
			return err
		}
		// A collision among 2^60 codes is all but impossible; checking first keeps a
		// PostgreSQL transaction from being aborted by a unique violation.
		code, err := tx.unusedCode(ctx, "applications", "code", func() (string, error) { return ident.NewApplicationCode(db.rand) })
		if err != nil {
			return err
		}
		app.Code = code
		err = tx.QueryRowContext(ctx, `INSERT INTO applications (code, kind, inn, name, office_code, address, passport, passport_flag,
			signatory, filled_at, password_hash, lang, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			app.Code, string(app.Kind), app.INN, app.Name, app.OfficeCode, app.Address, app.Passport, app.PassportFlag,
			app.Signatory, ms(app.FilledAt), app.PasswordHash, app.Lang, string(app.Status)).Scan(&app.ID)
		if err != nil {
			return fmt.Errorf("store: insert application: %w", err)
		}
		if err := tx.event(ctx, app.ID, kabinet.StatusFormed, who.Name); err != nil {
			return err
		}
		app.History = []kabinet.StatusChange{{Status: kabinet.StatusFormed, At: tx.now, Actor: who.Name}}
		return tx.audit(ctx, who, "application.form", app.INN, map[string]any{
			"code": app.Code, "kind": app.Kind, "superseded": superseded, "passport_flagged": app.PassportFlag})
	})
	return app, err
}

// supersede marks older undecided applications of the same kind and ИНН superseded (RST-2).
func (tx *Tx) supersede(ctx context.Context, innValue string, kind kabinet.ApplicationKind) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `UPDATE applications SET status = 'superseded'
		WHERE inn = $1 AND kind = $2 AND status IN ('formed', 'received') RETURNING id, code`, innValue, string(kind))
	if err != nil {
		return nil, fmt.Errorf("store: supersede: %w", err)
	}
	var ids []int64
	var codes []string
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
		codes = append(codes, code)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := tx.event(ctx, id, kabinet.StatusSuperseded, "system"); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

func (tx *Tx) event(ctx context.Context, appID int64, status kabinet.ApplicationStatus, actor string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO application_events (application_id, status, at, actor) VALUES ($1, $2, $3, $4)",
		appID, string(status), ms(tx.now), actor)
	if err != nil {
		return fmt.Errorf("store: application event: %w", err)
	}
	return nil
}

const applicationColumns = `id, code, kind, inn, name, office_code, address, passport, passport_flag, signatory, filled_at,
	password_hash, lang, status, received_at, received_by, due_at, decided_at, decision_number`

func scanApplication(row interface{ Scan(...any) error }) (kabinet.Application, error) {
	var a kabinet.Application
	var filled int64
	var receivedAt, dueAt, decidedAt sql.NullInt64
	var receivedBy, number sql.NullString
	err := row.Scan(&a.ID, &a.Code, &a.Kind, &a.INN, &a.Name, &a.OfficeCode, &a.Address, &a.Passport, &a.PassportFlag,
		&a.Signatory, &filled, &a.PasswordHash, &a.Lang, &a.Status, &receivedAt, &receivedBy, &dueAt, &decidedAt, &number)
	if err != nil {
		return a, err
	}
	a.FilledAt = fromMS(filled)
	a.ReceivedAt, a.DueAt, a.DecidedAt = fromNullMS(receivedAt), fromNullMS(dueAt), fromNullMS(decidedAt)
	a.ReceivedBy, a.DecisionNumber = receivedBy.String, number.String
	return a, nil
}

func notFoundApplication() error {
	return kabinet.Errorf(kabinet.KindNotFound, "application_not_found", "no application with this code and ИНН")
}

// applicationByCode reads an application; forUpdate locks its row on PostgreSQL
// (SQLite's immediate transaction already holds the only write lock).
func (tx *Tx) applicationByCode(ctx context.Context, code string, forUpdate bool) (kabinet.Application, error) {
	q := "SELECT " + applicationColumns + " FROM applications WHERE code = $1"
	if forUpdate && tx.db.dialect == postgres {
		q += " FOR UPDATE"
	}
	a, err := scanApplication(tx.QueryRowContext(ctx, q, code))
	if errors.Is(err, errNoRows) {
		return a, notFoundApplication()
	}
	if err != nil {
		return a, fmt.Errorf("store: application: %w", err)
	}
	return a, nil
}

// Application returns an application by its code with its history.
func (db *DB) Application(ctx context.Context, code string) (kabinet.Application, error) {
	c, ok := ident.NormalizeCode(code)
	if !ok {
		return kabinet.Application{}, notFoundApplication()
	}
	a, err := scanApplication(db.sql.QueryRowContext(ctx, "SELECT "+applicationColumns+" FROM applications WHERE code = $1", c))
	if errors.Is(err, errNoRows) {
		return a, notFoundApplication()
	}
	if err != nil {
		return a, fmt.Errorf("store: application: %w", err)
	}
	a.History, err = db.history(ctx, a.ID)
	return a, err
}

func (db *DB) history(ctx context.Context, appID int64) ([]kabinet.StatusChange, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT status, at, actor FROM application_events WHERE application_id = $1 ORDER BY id", appID)
	if err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	defer rows.Close()
	var out []kabinet.StatusChange
	for rows.Next() {
		var c kabinet.StatusChange
		var at int64
		if err := rows.Scan(&c.Status, &at, &c.Actor); err != nil {
			return nil, err
		}
		c.At = fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ApplicationStatus tells the subject where their application stands: by code and
// ИНН together, so a code alone reveals nothing.
func (db *DB) ApplicationStatus(ctx context.Context, code, rawINN string) (kabinet.Application, error) {
	id, err := inn.Parse(rawINN)
	if err != nil {
		return kabinet.Application{}, err
	}
	a, err := db.Application(ctx, code)
	if err != nil {
		return a, err
	}
	if a.INN != id.Value {
		return kabinet.Application{}, notFoundApplication()
	}
	return a, nil
}

// StaffActor is a staff member acting, for the audit log and access control.
type StaffActor struct {
	kabinet.Staff
	Address string
}

func (s StaffActor) actor() Actor { return Actor{Name: "staff:" + s.Login, Address: s.Address} }

// wrongOffice records the refused attempt in the audit log and refuses (ACC-10).
func (db *DB) wrongOffice(ctx context.Context, s StaffActor, action string, a kabinet.Application) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, s.actor(), action+".refused", a.Code, map[string]any{"reason": "wrong_office", "office": a.OfficeCode})
	})
	if err != nil {
		return err
	}
	return kabinet.Errorf(kabinet.KindForbidden, "wrong_office", "the application belongs to office %s; only its officers or a supervisor may act on it", a.OfficeCode).
		With("office", a.OfficeCode)
}

// FindApplication is the officer's search by ИНН and generated code (Reg §6, ACC-5).
// It answers only for the officer's own office (ACC-10); the search is audited.
func (db *DB) FindApplication(ctx context.Context, s StaffActor, rawINN, code string) (kabinet.Application, error) {
	a, err := db.ApplicationStatus(ctx, code, rawINN)
	if err != nil {
		return a, err
	}
	if !s.CanActOn(a.OfficeCode) {
		return kabinet.Application{}, db.wrongOffice(ctx, s, "application.find", a)
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, s.actor(), "application.find", a.Code, map[string]any{"inn": a.INN})
	})
	return a, err
}

// ApplicationFor returns an application by code to a staff member of its office.
func (db *DB) ApplicationFor(ctx context.Context, s StaffActor, code string) (kabinet.Application, error) {
	a, err := db.Application(ctx, code)
	if err != nil {
		return a, err
	}
	if !s.CanActOn(a.OfficeCode) {
		return kabinet.Application{}, db.wrongOffice(ctx, s, "application.view", a)
	}
	return a, nil
}

// dueAfter is the deadline that starts at receipt: 20 minutes for access (Reg §14);
// for annulment the end of the second calendar day after the day of receipt, in
// Bishkek time (Reg §20: «в течение двух календарных дней»).
func dueAfter(kind kabinet.ApplicationKind, received time.Time, pol kabinet.Policy) time.Time {
	if kind == kabinet.KindAccess {
		return received.Add(pol.DecisionDeadline)
	}
	d := received.In(kabinet.Bishkek)
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, kabinet.Bishkek)
	return start.AddDate(0, 0, pol.AnnulmentDays+1).Add(-time.Millisecond).UTC()
}

// openStateError explains why an application cannot be acted on.
func openStateError(a kabinet.Application) error {
	switch a.Status {
	case kabinet.StatusSuperseded:
		return kabinet.Errorf(kabinet.KindConflict, "superseded", "a newer application replaced this one (RST-2)")
	case kabinet.StatusGranted, kabinet.StatusRefused:
		return kabinet.Errorf(kabinet.KindConflict, "already_decided", "the application is already decided: %s", a.DecisionNumber).
			With("decision_number", a.DecisionNumber)
	}
	return nil
}

// Receive records that the office received the application with its documents
// checked (Reg §6, §7; ACC-5). The deadline starts now (ACC-9, ANN-2).
func (db *DB) Receive(ctx context.Context, s StaffActor, code string, documentsChecked bool) (kabinet.Application, error) {
	c, ok := ident.NormalizeCode(code)
	if !ok {
		return kabinet.Application{}, notFoundApplication()
	}
	if !documentsChecked {
		return kabinet.Application{}, kabinet.Errorf(kabinet.KindUnprocessable, "documents_not_checked",
			"confirm that the application is complete and matches the attached documents (Reg §6)")
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return kabinet.Application{}, err
	}
	var a kabinet.Application
	var refused bool
	err = db.inTx(ctx, func(tx *Tx) error {
		var err error
		if a, err = tx.applicationByCode(ctx, c, true); err != nil {
			return err
		}
		if !s.CanActOn(a.OfficeCode) {
			refused = true
			return nil
		}
		if err := openStateError(a); err != nil {
			return err
		}
		if a.Status == kabinet.StatusReceived {
			return kabinet.Errorf(kabinet.KindConflict, "already_received", "the application was already received at %s", a.ReceivedAt.In(kabinet.Bishkek).Format("02.01.2006 15:04:05"))
		}
		now, due := tx.now, dueAfter(a.Kind, tx.now, pol)
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = 'received', received_at = $1, received_by = $2, due_at = $3 WHERE id = $4`,
			ms(now), s.Login, ms(due), a.ID); err != nil {
			return fmt.Errorf("store: receive: %w", err)
		}
		a.Status, a.ReceivedAt, a.ReceivedBy, a.DueAt = kabinet.StatusReceived, &now, s.Login, &due
		if err := tx.event(ctx, a.ID, kabinet.StatusReceived, "staff:"+s.Login); err != nil {
			return err
		}
		return tx.audit(ctx, s.actor(), "application.receive", a.Code, map[string]any{"inn": a.INN, "kind": a.Kind, "due_at": due})
	})
	if err != nil {
		return kabinet.Application{}, err
	}
	if refused {
		return kabinet.Application{}, db.wrongOffice(ctx, s, "application.receive", a)
	}
	a.History, err = db.history(ctx, a.ID)
	return a, err
}

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
	switch in.Outcome {
	case kabinet.Granted:
		if in.Ground != "" {
			return d, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_ground", "a grant has no ground")
		}
	case kabinet.Refused:
		if in.Ground != kabinet.GroundNoRegistration && in.Ground != kabinet.GroundFraudEvidence {
			return d, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_ground",
				"a refusal needs one of the two grounds of Reg §9: no_registration or fraud_evidence")
		}
	default:
		return d, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_outcome", "outcome must be granted or refused")
	}
	var a kabinet.Application
	var refused bool
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if a, err = tx.applicationByCode(ctx, c, true); err != nil {
			return err
		}
		if !s.CanActOn(a.OfficeCode) {
			refused = true
			return nil
		}
		if err := openStateError(a); err != nil {
			return err
		}
		if a.Status != kabinet.StatusReceived {
			return kabinet.Errorf(kabinet.KindConflict, "not_received", "record the application's receipt before deciding (Reg §6–§8)")
		}
		tp, err := taxpayer(ctx, tx, a.INN)
		if err != nil && kabinet.ErrorCode(err) != "inn_not_found" {
			return err
		}
		registered := err == nil && tp.Status == kabinet.RegistrationActive
		if in.Outcome == kabinet.Granted && a.Kind == kabinet.KindAccess {
			// ACC-6: the registry as it is now decides, not the snapshot.
			if !registered {
				return kabinet.Errorf(kabinet.KindConflict, "no_registration", "the subject has no active tax registration now; refuse on no_registration (Reg §9)")
			}
			if tp.HasFraudMark() {
				return kabinet.Errorf(kabinet.KindConflict, "fraud_evidence", "documentary evidence of false entrepreneurship or fictitious supplies bars access (Reg §9): %s", tp.FraudReference).
					With("reference", tp.FraudReference)
			}
		}
		d, err = tx.issueDecision(ctx, s, a, in.Outcome, in.Ground, tp.FraudReference)
		if err != nil {
			return err
		}
		if in.Outcome == kabinet.Granted {
			switch a.Kind {
			case kabinet.KindAccess:
				if d.Login, err = tx.grantAccess(ctx, a); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE decisions SET login = $1 WHERE number = $2", d.Login, d.Number); err != nil {
					return err
				}
			case kabinet.KindAnnulment:
				if d.Login, err = tx.annulAccount(ctx, a.INN); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE decisions SET login = $1 WHERE number = $2", d.Login, d.Number); err != nil {
					return err
				}
			}
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
	if refused {
		return kabinet.Decision{}, db.wrongOffice(ctx, s, "application.decide", a)
	}
	return d, nil
}

// issueDecision numbers and stores a decision and closes the application.
func (tx *Tx) issueDecision(ctx context.Context, s StaffActor, a kabinet.Application, outcome kabinet.Outcome, ground kabinet.Ground, reference string) (kabinet.Decision, error) {
	var seq int64
	if err := tx.QueryRowContext(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'decision' RETURNING value").Scan(&seq); err != nil {
		return kabinet.Decision{}, fmt.Errorf("store: decision number: %w", err)
	}
	vc, err := ident.NewVerificationCode(tx.db.rand)
	if err != nil {
		return kabinet.Decision{}, err
	}
	if ground != kabinet.GroundFraudEvidence {
		reference = ""
	}
	d := kabinet.Decision{
		Number: ident.FormatDecisionNumber(a.OfficeCode, tx.now.In(kabinet.Bishkek).Year(), seq), ApplicationCode: a.Code,
		Kind: a.Kind, Outcome: outcome, Ground: ground, Reference: reference, INN: a.INN, Name: a.Name, OfficeCode: a.OfficeCode,
		Officer: officerName(s.Staff), DecidedAt: tx.now, VerificationCode: vc, OnTime: a.DueAt == nil || !tx.now.After(*a.DueAt),
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO decisions (number, application_id, kind, outcome, ground, reference, inn, name, office_code,
		officer, decided_at, login, verification_code, on_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, $13)`,
		d.Number, a.ID, string(d.Kind), string(d.Outcome), string(d.Ground), d.Reference, d.INN, d.Name, d.OfficeCode,
		d.Officer, ms(d.DecidedAt), d.VerificationCode, d.OnTime); err != nil {
		return d, fmt.Errorf("store: insert decision: %w", err)
	}
	status := kabinet.StatusGranted
	if outcome == kabinet.Refused {
		status = kabinet.StatusRefused
	}
	if _, err := tx.ExecContext(ctx, "UPDATE applications SET status = $1, decided_at = $2, decision_number = $3 WHERE id = $4",
		string(status), ms(tx.now), d.Number, a.ID); err != nil {
		return d, fmt.Errorf("store: close application: %w", err)
	}
	return d, tx.event(ctx, a.ID, status, "staff:"+s.Login)
}

func officerName(s kabinet.Staff) string {
	if s.Name != "" {
		return s.Name
	}
	return s.Login
}

// Decision returns a decision by number (for printing by staff or the subject).
func (db *DB) Decision(ctx context.Context, number string) (kabinet.Decision, error) {
	var d kabinet.Decision
	var at int64
	err := db.sql.QueryRowContext(ctx, `SELECT d.number, COALESCE(a.code, ''), d.kind, d.outcome, d.ground, d.reference, d.inn, d.name,
		d.office_code, d.officer, d.decided_at, d.login, d.verification_code, d.on_time
		FROM decisions d LEFT JOIN applications a ON a.id = d.application_id WHERE d.number = $1`, strings.TrimSpace(number)).Scan(
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
	if err != nil || !ok || d.VerificationCode != vc {
		return kabinet.Decision{}, kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no decision with this number and verification code")
	}
	return d, nil
}

// notify adds a notification to the subject's cabinet (CAB-1).
func (tx *Tx) notify(ctx context.Context, innValue, kind string, params map[string]any) error {
	b, err := jsonString(params)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO notifications (inn, at, kind, params) VALUES ($1, $2, $3, $4)", innValue, ms(tx.now), kind, b)
	if err != nil {
		return fmt.Errorf("store: notify: %w", err)
	}
	return nil
}

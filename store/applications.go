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
	// AskFirst: an open application of the same kind, which RST-2 would supersede, is
	// superseded only when it is the one formed at Supersedes (the subject was told of
	// it and agreed); otherwise nothing is formed and the answer is 409 would_supersede
	// naming when the open one was formed, never its code. Without AskFirst an open
	// application is superseded silently, as the API always did.
	AskFirst   bool
	Supersedes time.Time
	// FormedToken, when not empty, is the token (NewFormedToken) the forming browser will
	// hold to find the application on the page that shows it (web/applied_show.go); only
	// its SHA-256 is stored, beside the application, in the transaction that forms it.
	FormedToken string
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
	if n.Kind == kabinet.KindAccess {
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
	}
	// The per-address limit is counted before any password is hashed or checked: a
	// client past it must not cost a hash (memory and a core for ~40 ms) per request.
	if err := db.Limit(ctx, "apply:"+who.Address, ApplicationsPerHour, time.Hour); err != nil {
		return app, err
	}
	var hash string
	switch n.Kind {
	case kabinet.KindAccess:
		// Asked before the hash, so that a question costs no hash; the transaction
		// below asks again on the facts it holds.
		if err := db.askFirst(ctx, n, id.Value); err != nil {
			return app, err
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
			return app, kabinet.InvalidCredentials()
		}
		if !n.SignedIn {
			if err := db.verifyCounted(ctx, who, acct, n.CurrentPassword, pol); err != nil {
				return app, err
			}
		}
		// Only now: an open annulment tells that the ИНН has access, which the public
		// page tells nobody but the account's holder.
		if err := db.askFirst(ctx, n, id.Value); err != nil {
			return app, err
		}
	}
	lang := n.Lang
	if lang != "ky" {
		lang = "ru"
	}
	app = kabinet.Application{Kind: n.Kind, INN: tp.INN, Name: tp.Name, OfficeCode: tp.OfficeCode, Address: tp.Address,
		Passport: pp.String(), PassportFlag: !pp.Known, Signatory: tp.Signatory(), PasswordHash: hash, Lang: lang,
		Status: kabinet.StatusFormed}
	form := func(tx *Tx) error {
		app.FilledAt = tx.now
		// RST-2: the newer application supersedes older undecided ones of the same kind.
		superseded, err := tx.supersede(ctx, app, n)
		if err != nil {
			return err
		}
		// A collision among 2^60 codes is all but impossible; checking first keeps a
		// PostgreSQL transaction from being aborted by a unique violation.
		code, err := tx.unusedApplicationCode(ctx)
		if err != nil {
			return err
		}
		app.Code = code
		var formedToken sql.NullString
		if n.FormedToken != "" {
			formedToken = sql.NullString{String: ident.TokenHash(n.FormedToken), Valid: true}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO applications (code, kind, inn, name, office_code, address, passport, passport_flag,
			signatory, filled_at, password_hash, lang, status, formed_token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			app.Code, string(app.Kind), app.INN, app.Name, app.OfficeCode, app.Address, app.Passport, app.PassportFlag,
			app.Signatory, ms(app.FilledAt), app.PasswordHash, app.Lang, string(app.Status), formedToken).Scan(&app.ID)
		if err != nil {
			return fmt.Errorf("store: insert application: %w", err)
		}
		if err := tx.event(ctx, app.ID, kabinet.StatusFormed, who.Name); err != nil {
			return err
		}
		app.History = []kabinet.StatusChange{{Status: kabinet.StatusFormed, At: tx.now, Actor: who.Name}}
		return tx.audit(ctx, who, "application.form", app.INN, map[string]any{
			"code": app.Code, "kind": app.Kind, "superseded": superseded, "passport_flagged": app.PassportFlag})
	}
	// RST-2 is held by the database (the unique index applications_one_open): on
	// PostgreSQL two applications formed at once may both find the same open one, or
	// none, and the second to insert violates the index. It is formed again, now seeing
	// the first, which it supersedes. SQLite's single writer never gets here.
	for attempt := 1; ; attempt++ {
		err = db.inTx(ctx, form)
		if err == nil || attempt >= formAttempts || !db.dialect.isUniqueViolation(err) || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt) * time.Millisecond)
	}
	return app, err
}

// formAttempts bounds how often an application is formed again after losing the race
// for its subject's one open application: each loss means another application of the
// subject was formed meanwhile, so it takes as many concurrent applications to exhaust.
const formAttempts = 16

// supersede marks superseded the applications that app, about to be stored, replaces
// (kabinet.Supersedes; RST-2), and returns their codes; with n.AskFirst, only the one
// the subject agreed to (unconfirmedSupersede).
func (tx *Tx) supersede(ctx context.Context, app kabinet.Application, n NewApplication) ([]string, error) {
	apps, err := tx.applicationsOf(ctx, app.INN)
	if err != nil {
		return nil, err
	}
	if err := unconfirmedSupersede(app, apps, n); err != nil {
		return nil, err
	}
	var codes []string
	for _, old := range apps {
		if !kabinet.Supersedes(app, old) {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE applications SET status = $1 WHERE id = $2", string(kabinet.StatusSuperseded), old.ID); err != nil {
			return nil, fmt.Errorf("store: supersede: %w", err)
		}
		if err := tx.event(ctx, old.ID, kabinet.StatusSuperseded, "system"); err != nil {
			return nil, err
		}
		codes = append(codes, old.Code)
	}
	return codes, nil
}

// askFirst answers would_supersede, before anything is hashed or stored, when n asks
// first and an open application of its kind would be superseded unconfirmed. It reads
// without locking: the transaction that forms the application asks again.
func (db *DB) askFirst(ctx context.Context, n NewApplication, innValue string) error {
	if !n.AskFirst {
		return nil
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT "+applicationColumns+" FROM applications WHERE inn = $1 AND kind = $2 ORDER BY id", innValue, string(n.Kind))
	if err != nil {
		return fmt.Errorf("store: open applications: %w", err)
	}
	defer rows.Close()
	var apps []kabinet.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return err
		}
		apps = append(apps, a)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return unconfirmedSupersede(kabinet.Application{Kind: n.Kind, INN: innValue}, apps, n)
}

// unconfirmedSupersede is the 409 would_supersede for an application app that would
// supersede (RST-2) an open one of apps the subject did not agree to replace: n asks
// first and the open one was not formed at n.Supersedes (compared to the millisecond,
// as stored). The answer names when the open one was formed and, if the office has
// received it, when — never its code, which would let whoever types an ИНН find it.
func unconfirmedSupersede(app kabinet.Application, apps []kabinet.Application, n NewApplication) error {
	if !n.AskFirst {
		return nil
	}
	for _, old := range apps {
		if !kabinet.Supersedes(app, old) || (!n.Supersedes.IsZero() && old.FilledAt.UnixMilli() == n.Supersedes.UnixMilli()) {
			continue
		}
		e := kabinet.Errorf(kabinet.KindConflict, "would_supersede",
			"an open %s application of this ИНН, formed at %s, would be superseded (RST-2): confirm with its formed_at",
			old.Kind, old.FilledAt.Format(time.RFC3339)).
			With("formed_at", old.FilledAt.UTC().Format(FormedAtLayout)).With("status", string(old.Status))
		if old.ReceivedAt != nil {
			e = e.With("received_at", old.ReceivedAt.UTC().Format(FormedAtLayout))
		}
		return e
	}
	return nil
}

// FormedAtLayout is how would_supersede names an instant: RFC 3339 to the millisecond,
// the precision a confirmation (NewApplication.Supersedes) is compared at.
const FormedAtLayout = "2006-01-02T15:04:05.000Z07:00"

// applicationsOf reads every application of an ИНН, oldest first, locking their rows on
// PostgreSQL: the caller changes some of them (SQLite's immediate transaction already
// holds the only write lock).
func (tx *Tx) applicationsOf(ctx context.Context, innValue string) ([]kabinet.Application, error) {
	q := "SELECT " + applicationColumns + " FROM applications WHERE inn = $1 ORDER BY id"
	if tx.db.dialect == postgres {
		q += " FOR UPDATE"
	}
	rows, err := tx.QueryContext(ctx, q, innValue)
	if err != nil {
		return nil, fmt.Errorf("store: applications of the subject: %w", err)
	}
	defer rows.Close()
	var out []kabinet.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
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

// refusedOffice records in the audit log an act refused because the subject belongs
// to another office (ACC-10), and returns the refusal.
func (db *DB) refusedOffice(ctx context.Context, s StaffActor, action, subject string, refusal error) error {
	e, _ := kabinet.AsError(refusal)
	err := db.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, s.actor(), action+".refused", subject, map[string]any{"reason": e.Code, "office": e.Details["office"]})
	})
	if err != nil {
		return err
	}
	return refusal
}

// FindApplication is the officer's search by ИНН and generated code (Reg §6, ACC-5).
// It answers only for the officer's own office (ACC-10); the search is audited.
func (db *DB) FindApplication(ctx context.Context, s StaffActor, rawINN, code string) (kabinet.Application, error) {
	a, err := db.ApplicationStatus(ctx, code, rawINN)
	if err != nil {
		return a, err
	}
	if err := kabinet.MayActOn(s.Staff, a.OfficeCode); err != nil {
		return kabinet.Application{}, db.refusedOffice(ctx, s, "application.find", a.Code, err)
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
	if err := kabinet.MayActOn(s.Staff, a.OfficeCode); err != nil {
		return kabinet.Application{}, db.refusedOffice(ctx, s, "application.view", a.Code, err)
	}
	return a, nil
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
	var refused error
	err = db.inTx(ctx, func(tx *Tx) error {
		var err error
		if a, err = tx.applicationByCode(ctx, c, true); err != nil {
			return err
		}
		if err := kabinet.MayReceive(a, s.Staff); err != nil {
			if kabinet.ErrorCode(err) == "wrong_office" {
				refused = err // audited outside this transaction, which writes nothing
				return nil
			}
			return err
		}
		a = kabinet.Received(a, s.Staff, tx.now, pol)
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = $1, received_at = $2, received_by = $3, due_at = $4 WHERE id = $5`,
			string(a.Status), ms(*a.ReceivedAt), a.ReceivedBy, ms(*a.DueAt), a.ID); err != nil {
			return fmt.Errorf("store: receive: %w", err)
		}
		if err := tx.event(ctx, a.ID, a.Status, "staff:"+s.Login); err != nil {
			return err
		}
		return tx.audit(ctx, s.actor(), "application.receive", a.Code, map[string]any{"inn": a.INN, "kind": a.Kind, "due_at": *a.DueAt})
	})
	if err != nil {
		return kabinet.Application{}, err
	}
	if refused != nil {
		return kabinet.Application{}, db.refusedOffice(ctx, s, "application.receive", a.Code, refused)
	}
	a.History, err = db.history(ctx, a.ID)
	return a, err
}

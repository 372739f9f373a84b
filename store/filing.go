package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"kabinet"
	"kabinet/ident"
)

// Filing tax reports (CAB-2; FIL-5 … FIL-8). The web layer resolves the form version
// in force (form.Catalog.InForce), runs the input control (form.Check) and hands the
// store a report that passed it: its canonical content, digest, form, period, type and
// due date. The store confirms the submission with the taxpayer's password, decides
// the type against the subject's earlier reports (kabinet.CheckFilingType) and writes
// the filing, its receipt and its audit entry in one transaction.

// MaxFilingContent bounds a report's canonical content (and a draft's input). STI-161
// with a few thousand employee rows stays well below it.
const MaxFilingContent = 8 << 20

// FilingSubmission is a report that passed the input control (FIL-4), as the web layer
// hands it to SubmitFiling.
type FilingSubmission struct {
	Form    string             // form code, "STI-107"
	Version int                // the version the content was checked against, 3 for STI-107_3
	Period  string             // YYYY-MM, YYYY-Qn or YYYY, as the form's period kind
	Type    kabinet.FilingType // field 001
	// AllowedTypes are the field-001 types the form version allows (form.Definition.Types).
	AllowedTypes []kabinet.FilingType
	// Due is the period's due date under the form's due rule (FIL-8).
	Due kabinet.Date
	// Content is the canonical content form.Check produced (JSON), stored as filed.
	Content []byte
	// Digest is the SHA-256 of Content, hex (FIL-6); SubmitFiling checks it matches.
	Digest string
	// IdempotencyKey is the client's Idempotency-Key header, or "" (FIL-6).
	IdempotencyKey string
}

// maxIdempotencyKey bounds an Idempotency-Key: a UUID is 36 characters.
const maxIdempotencyKey = 128

// validate checks what the web layer must have produced; a failure here is a fault of
// the caller, except a malformed Idempotency-Key, period or type, which the client sent.
func (s FilingSubmission) validate() error {
	if err := kabinet.ValidPeriod(s.Period); err != nil {
		return err
	}
	if !s.Type.Valid() {
		return kabinet.Errorf(kabinet.KindUnprocessable, "invalid_filing_type", "field 001 must be initial, correction or liquidation")
	}
	if len(s.IdempotencyKey) > maxIdempotencyKey {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_idempotency_key", "an Idempotency-Key has at most %d characters", maxIdempotencyKey)
	}
	for _, r := range s.IdempotencyKey {
		if r <= 0x20 || r >= 0x7f {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_idempotency_key", "an Idempotency-Key is printable ASCII without spaces")
		}
	}
	if len(s.Content) > MaxFilingContent {
		return kabinet.Errorf(kabinet.KindTooLarge, "too_large", "the report is larger than %d bytes", MaxFilingContent)
	}
	switch {
	case !validFormCode(s.Form):
		return fmt.Errorf("store: submit filing: form code %q", s.Form)
	case s.Version < 1:
		return fmt.Errorf("store: submit filing: form version %d", s.Version)
	case s.Due.Year == 0:
		return fmt.Errorf("store: submit filing: no due date")
	case !json.Valid(s.Content) || !utf8.Valid(s.Content):
		return fmt.Errorf("store: submit filing: the content is not JSON")
	}
	sum := sha256.Sum256(s.Content)
	if !strings.EqualFold(s.Digest, hex.EncodeToString(sum[:])) {
		return fmt.Errorf("store: submit filing: the digest is not the content's SHA-256")
	}
	return nil
}

// validFormCode accepts a form code as the catalogue writes it: "STI-107", letters,
// digits and hyphens, at most 32 characters.
func validFormCode(code string) bool {
	if code == "" || len(code) > 32 {
		return false
	}
	for _, r := range code {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// errFilingRaced is an attempt that met a concurrent submission at a unique index or
// at the version it meant to replace; the attempt is run again on the facts as they
// are now (FIL-5).
var errFilingRaced = errors.New("store: a concurrent submission changed the facts")

// filingAttempts bounds how often a submission is run again after a race.
const filingAttempts = 4

// SubmitFiling accepts a checked report from the signed-in taxpayer of session s
// (FIL-5 … FIL-8) and returns its receipt.
//
// Before calling, the web layer must: resolve the form version in force for the period
// (or the one the client named), run form.Check on the input and refuse with its
// errors (422 input_control) when any fails, and pass the canonical content, its
// SHA-256, the version's allowed types and the period's due date in sub.
//
// In order:
//   - the session must be a taxpayer's that need not change the password first (PWD-4);
//   - the password confirms the submission (FIL-6) through the same counted check as a
//     sign-in (PWD-3): a wrong one counts toward the lock and answers 401
//     invalid_credentials, or 423 account_locked with locked_until;
//   - an Idempotency-Key this subject used before answers with that filing's receipt and
//     replayed = true when the content's digest, form, period and type are the same, and
//     422 idempotency_key_reused otherwise; nothing is filed twice;
//   - kabinet.CheckFilingType decides the type on the facts read in the transaction:
//     422 invalid_filing_type / type_not_allowed, 409 form_closed / already_filed /
//     nothing_to_correct;
//   - the filing gets a service-wide registration number, a verification code, cell 901
//     and its lateness (kabinet.FilingLate); a correction marks the version it replaces
//     'replaced'; the draft for the form and period is deleted; the subject is notified
//     and the audit log gets filing.submit (no cell values).
//
// Two first reports for one subject, form and period submitted at once, on one instance
// or several, meet at a unique index: exactly one is accepted and the others answer 409
// already_filed, never 500.
func (db *DB) SubmitFiling(ctx context.Context, who Actor, s Session, password string, sub FilingSubmission) (kabinet.Receipt, bool, error) {
	if s.Principal != principalTaxpayer {
		return kabinet.Receipt{}, false, kabinet.Errorf(kabinet.KindForbidden, "forbidden", "only a taxpayer files reports")
	}
	if s.MustChange {
		pol, err := db.Policy(ctx)
		if err != nil {
			return kabinet.Receipt{}, false, err
		}
		return kabinet.Receipt{}, false, kabinet.PasswordChangeRequired(pol)
	}
	if err := sub.validate(); err != nil {
		return kabinet.Receipt{}, false, err
	}
	acct, err := db.AccountByID(ctx, s.SubjectID)
	if err != nil {
		return kabinet.Receipt{}, false, err
	}
	if acct.Status != kabinet.AccountActive {
		return kabinet.Receipt{}, false, kabinet.Errorf(kabinet.KindForbidden, "account_annulled", "access to the cabinet was annulled")
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return kabinet.Receipt{}, false, err
	}
	if err := db.verifyCounted(ctx, who, acct, password, pol); err != nil {
		return kabinet.Receipt{}, false, err
	}
	who = who.as(principalTaxpayer, acct.Login)
	var f kabinet.Filing
	var replayed bool
	for attempt := 1; ; attempt++ {
		err = db.inTx(ctx, func(tx *Tx) error {
			var err error
			f, replayed, err = tx.submitFiling(ctx, who, acct, sub)
			return err
		})
		if !errors.Is(err, errFilingRaced) {
			break
		}
		if attempt == filingAttempts {
			// Still racing after several fresh looks: answer as the rule would for a
			// period whose report keeps changing under us.
			if sub.Type.First() {
				return kabinet.Receipt{}, false, kabinet.Errorf(kabinet.KindConflict, "already_filed", "a report for %s is already accepted", sub.Period)
			}
			return kabinet.Receipt{}, false, kabinet.Errorf(kabinet.KindConflict, "filing_conflict", "the report for %s changed while this one was filed; try again", sub.Period)
		}
	}
	if err != nil {
		return kabinet.Receipt{}, false, err
	}
	return f.Receipt(), replayed, nil
}

// submitFiling is one attempt of SubmitFiling inside tx.
func (tx *Tx) submitFiling(ctx context.Context, who Actor, acct kabinet.Account, sub FilingSubmission) (kabinet.Filing, bool, error) {
	if sub.IdempotencyKey != "" {
		prev, err := tx.filingBy(ctx, "inn = $1 AND idempotency_key = $2", acct.INN, sub.IdempotencyKey)
		switch {
		case err == nil:
			if !strings.EqualFold(prev.Digest, sub.Digest) || prev.Form != sub.Form || prev.Period != sub.Period || prev.Type != sub.Type {
				return kabinet.Filing{}, false, kabinet.Errorf(kabinet.KindUnprocessable, "idempotency_key_reused",
					"this Idempotency-Key was used for another submission (%s)", prev.Number)
			}
			return prev, true, nil
		case kabinet.ErrorCode(err) != "filing_not_found":
			return kabinet.Filing{}, false, err
		}
	}
	tp, err := taxpayer(ctx, tx, acct.INN)
	if err != nil {
		return kabinet.Filing{}, false, err
	}
	facts, current, err := tx.filingFacts(ctx, acct.INN, sub.Form, sub.Period)
	if err != nil {
		return kabinet.Filing{}, false, err
	}
	if err := kabinet.CheckFilingType(sub.Type, sub.AllowedTypes, sub.Period, facts); err != nil {
		return kabinet.Filing{}, false, err
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'filing' RETURNING value").Scan(&seq); err != nil {
		return kabinet.Filing{}, false, fmt.Errorf("store: filing number: %w", err)
	}
	vc, err := ident.NewVerificationCode(tx.db.rand)
	if err != nil {
		return kabinet.Filing{}, false, err
	}
	f := kabinet.Filing{
		Number: kabinet.FormatFilingNumber(kabinet.DateOf(tx.now).Year, seq), INN: acct.INN, OfficeCode: tp.OfficeCode,
		Form: sub.Form, Version: sub.Version, Period: sub.Period, Type: sub.Type, Status: kabinet.FilingCurrent,
		ReceivedAt: tx.now, Due: sub.Due, Late: kabinet.FilingLate(sub.Due, tx.now), AcceptedOn: kabinet.AcceptedOn(tx.now),
		Digest: strings.ToLower(sub.Digest), VerificationCode: vc, Content: json.RawMessage(sub.Content), Login: acct.Login,
		IdempotencyKey: sub.IdempotencyKey,
	}
	if sub.Type == kabinet.FilingCorrection {
		// FIL-5: the correction replaces the accepted version whole; the old one stays.
		res, err := tx.ExecContext(ctx, "UPDATE filings SET status = 'replaced', replaced_by = $1 WHERE number = $2 AND status = 'current'",
			f.Number, current)
		if err != nil {
			return kabinet.Filing{}, false, fmt.Errorf("store: replace filing %s: %w", current, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return kabinet.Filing{}, false, errFilingRaced // another correction replaced it first
		}
		f.Replaces = current
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO filings (number, inn, office_code, form_code, form_version, period, type, status,
		received_at, due_date, late, accepted_on, digest, verification_code, content, login, idempotency_key, replaces)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		f.Number, f.INN, f.OfficeCode, f.Form, f.Version, f.Period, string(f.Type), string(f.Status), ms(f.ReceivedAt),
		f.Due.ISO(), f.Late, f.AcceptedOn.ISO(), f.Digest, f.VerificationCode, string(sub.Content), f.Login,
		nullString(f.IdempotencyKey), nullString(f.Replaces)); err != nil {
		if tx.db.dialect.isUniqueViolation(err) {
			// Another instance accepted a report for the period, or took this key, since
			// the facts were read: run again, and the rule answers on the new facts.
			return kabinet.Filing{}, false, errFilingRaced
		}
		return kabinet.Filing{}, false, fmt.Errorf("store: insert filing: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM filing_drafts WHERE inn = $1 AND form_code = $2 AND period = $3",
		f.INN, f.Form, f.Period); err != nil {
		return kabinet.Filing{}, false, fmt.Errorf("store: delete draft: %w", err)
	}
	if err := tx.notify(ctx, f.INN, "filing", map[string]any{"number": f.Number, "form": f.Form, "period": f.Period,
		"type": f.Type, "late": f.Late}); err != nil {
		return kabinet.Filing{}, false, err
	}
	details := map[string]any{"number": f.Number, "form": f.Form, "version": f.Version, "period": f.Period, "type": f.Type,
		"late": f.Late, "digest": f.Digest}
	if f.Replaces != "" {
		details["replaces"] = f.Replaces
	}
	if err := tx.audit(ctx, who, "filing.submit", f.INN, details); err != nil {
		return kabinet.Filing{}, false, err
	}
	return f, false, nil
}

// filingFacts reads what kabinet.CheckFilingType decides on: whether a current version
// of the form is accepted for the period (and its number), and the periods of the
// subject's liquidation reports of the form, any version (a correction of a
// liquidation report does not reopen the form).
func (tx *Tx) filingFacts(ctx context.Context, inn, form, period string) (kabinet.FilingFacts, string, error) {
	var facts kabinet.FilingFacts
	var current string
	err := tx.QueryRowContext(ctx, "SELECT number FROM filings WHERE inn = $1 AND form_code = $2 AND period = $3 AND status = 'current'",
		inn, form, period).Scan(&current)
	switch {
	case err == nil:
		facts.Accepted = true
	case !errors.Is(err, errNoRows):
		return facts, "", fmt.Errorf("store: accepted filing: %w", err)
	}
	facts.Liquidation, err = liquidationPeriods(ctx, tx, inn, form)
	return facts, current, err
}

// rowsQueryer runs a query that returns rows: *sql.DB or *Tx.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// liquidationPeriods lists the periods of a subject's liquidation reports of form.
func liquidationPeriods(ctx context.Context, q rowsQueryer, inn, form string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT DISTINCT period FROM filings WHERE inn = $1 AND form_code = $2 AND type = 'liquidation'", inn, form)
	if err != nil {
		return nil, fmt.Errorf("store: liquidation reports: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// filingColumns are a filing's columns in scanFiling's order, content last.
const filingColumns = `number, inn, office_code, form_code, form_version, period, type, status, received_at, due_date, late,
	accepted_on, digest, verification_code, login, COALESCE(idempotency_key, ''), COALESCE(replaces, ''), COALESCE(replaced_by, '')`

// scanFiling reads filingColumns, and the content when withContent (selected after them).
func scanFiling(row interface{ Scan(...any) error }, withContent bool) (kabinet.Filing, error) {
	var f kabinet.Filing
	var received int64
	var due, accepted, content string
	dest := []any{&f.Number, &f.INN, &f.OfficeCode, &f.Form, &f.Version, &f.Period, &f.Type, &f.Status, &received, &due, &f.Late,
		&accepted, &f.Digest, &f.VerificationCode, &f.Login, &f.IdempotencyKey, &f.Replaces, &f.ReplacedBy}
	if withContent {
		dest = append(dest, &content)
	}
	if err := row.Scan(dest...); err != nil {
		return f, err
	}
	f.ReceivedAt = fromMS(received)
	var err error
	if f.Due, err = parseISODate(due); err != nil {
		return f, err
	}
	if f.AcceptedOn, err = parseISODate(accepted); err != nil {
		return f, err
	}
	if withContent {
		f.Content = json.RawMessage(content)
	}
	return f, nil
}

// parseISODate reads a stored YYYY-MM-DD date.
func parseISODate(s string) (kabinet.Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return kabinet.Date{}, fmt.Errorf("store: stored date %q: %w", s, err)
	}
	return kabinet.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

func filingNotFound() error {
	return kabinet.Errorf(kabinet.KindNotFound, "filing_not_found", "no such filing")
}

// filingBy returns the one filing, with its content, that where selects.
func (tx *Tx) filingBy(ctx context.Context, where string, args ...any) (kabinet.Filing, error) {
	return filingBy(ctx, tx, where, args...)
}

func filingBy(ctx context.Context, q queryer, where string, args ...any) (kabinet.Filing, error) {
	f, err := scanFiling(q.QueryRowContext(ctx, "SELECT "+filingColumns+", content FROM filings WHERE "+where, args...), true)
	if errors.Is(err, errNoRows) {
		return f, filingNotFound()
	}
	if err != nil {
		return f, fmt.Errorf("store: filing: %w", err)
	}
	return f, nil
}

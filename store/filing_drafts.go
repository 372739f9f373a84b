package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"kabinet"
)

// Drafts (FIL-2): the typed input of a report not yet filed, kept per subject, form
// and period so that filling can be resumed on another device. A draft is the
// subject's own scratch pad, not an act: saving one is not audited (every autosave
// would otherwise queue at the audit log's single head). SubmitFiling deletes the
// draft of the form and period it accepts.

// FilingDraft is a saved draft.
type FilingDraft struct {
	INN       string          `json:"-"`
	Form      string          `json:"form"`
	Period    string          `json:"period"`
	Input     json.RawMessage `json:"input"` // the typed input as the page or the API sent it
	UpdatedAt time.Time       `json:"updated_at"`
}

// checkDraftKey validates a draft's form code and period.
func checkDraftKey(form, period string) error {
	if !validFormCode(form) {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_form", "no form %q", form)
	}
	return kabinet.ValidPeriod(period)
}

// SaveDraft keeps input (JSON) as the subject's draft of form for period, replacing
// the one saved before, and returns the time it was saved.
func (db *DB) SaveDraft(ctx context.Context, inn, form, period string, input []byte) (time.Time, error) {
	if err := checkDraftKey(form, period); err != nil {
		return time.Time{}, err
	}
	if len(input) > MaxFilingContent {
		return time.Time{}, kabinet.Errorf(kabinet.KindTooLarge, "too_large", "the draft is larger than %d bytes", MaxFilingContent)
	}
	if !json.Valid(input) {
		return time.Time{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "the draft is not JSON")
	}
	// JSON has no raw NUL; invalid UTF-8 it lets through, and PostgreSQL would refuse
	// what SQLite keeps (SEC-3: one answer from both engines).
	if !utf8.Valid(input) {
		return time.Time{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_text", "the draft is not valid UTF-8")
	}
	var at time.Time
	err := db.inTx(ctx, func(tx *Tx) error {
		at = tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO filing_drafts (inn, form_code, period, input, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (inn, form_code, period) DO UPDATE SET input = excluded.input, updated_at = excluded.updated_at`,
			inn, form, period, string(input), ms(tx.now))
		if err != nil {
			return fmt.Errorf("store: save draft: %w", err)
		}
		return nil
	})
	return at, err
}

// Draft returns the subject's draft of form for period, or draft_not_found (404).
func (db *DB) Draft(ctx context.Context, inn, form, period string) (FilingDraft, error) {
	d := FilingDraft{INN: inn, Form: form, Period: period}
	var input string
	var at int64
	err := db.sql.QueryRowContext(ctx, "SELECT input, updated_at FROM filing_drafts WHERE inn = $1 AND form_code = $2 AND period = $3",
		inn, form, period).Scan(&input, &at)
	if errors.Is(err, errNoRows) {
		return d, kabinet.Errorf(kabinet.KindNotFound, "draft_not_found", "no draft of %s for %s", form, period)
	}
	if err != nil {
		return d, fmt.Errorf("store: draft: %w", err)
	}
	d.Input, d.UpdatedAt = json.RawMessage(input), fromMS(at)
	return d, nil
}

// Drafts lists the subject's drafts, most recently saved first, without their input.
func (db *DB) Drafts(ctx context.Context, inn string) ([]FilingDraft, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT form_code, period, updated_at FROM filing_drafts WHERE inn = $1 ORDER BY updated_at DESC, form_code, period", inn)
	if err != nil {
		return nil, fmt.Errorf("store: drafts: %w", err)
	}
	defer rows.Close()
	var out []FilingDraft
	for rows.Next() {
		d := FilingDraft{INN: inn}
		var at int64
		if err := rows.Scan(&d.Form, &d.Period, &at); err != nil {
			return nil, err
		}
		d.UpdatedAt = fromMS(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeleteDraft removes the subject's draft of form for period; a missing one is no error.
func (db *DB) DeleteDraft(ctx context.Context, inn, form, period string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM filing_drafts WHERE inn = $1 AND form_code = $2 AND period = $3", inn, form, period)
		if err != nil {
			return fmt.Errorf("store: delete draft: %w", err)
		}
		return nil
	})
}

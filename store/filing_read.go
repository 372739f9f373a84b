package store

import (
	"context"
	"fmt"

	"kabinet"
	"kabinet/ident"
)

// Reading filings: the subject's own (FIL-7, FIL-8), the public verification of a
// receipt (FIL-7), and the accepted reports other reports build on (STI-107's 209,
// header cells offered from the last filing, FIL-2).

// Filings returns every filing of the subject inn, every version, newest first,
// without their content (Filing has it).
func (db *DB) Filings(ctx context.Context, inn string) ([]kabinet.Filing, error) {
	return db.filingList(ctx, "filings of the subject", "SELECT "+filingColumns+" FROM filings WHERE inn = $1 ORDER BY received_at DESC, id DESC", inn)
}

// filingList reads the filings query selects (filingColumns, without content); what
// names the list in errors.
func (db *DB) filingList(ctx context.Context, what, query string, args ...any) ([]kabinet.Filing, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.unavailable(what, err)
	}
	defer rows.Close()
	var out []kabinet.Filing
	for rows.Next() {
		f, err := scanFiling(rows, false)
		if err != nil {
			return nil, db.unavailable(what, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, db.unavailable(what, err)
	}
	return out, nil
}

// Filing returns one of the subject's own filings by its registration number, with its
// content, as filed. Another subject's number answers filing_not_found (404), exactly
// like a number that does not exist.
func (db *DB) Filing(ctx context.Context, inn, number string) (kabinet.Filing, error) {
	return filingBy(ctx, db.sql, "number = $1 AND inn = $2", kabinet.NormalizeFilingNumber(number), inn)
}

// VerifyFiling is the public check of a paper receipt (FIL-7): the registration number
// with its verification code gives the receipt — what the paper shows and the digest,
// never a cell value. A wrong code answers exactly like an unknown number
// (filing_not_found, 404); a fault of the database is an error, not a 404, so a
// genuine receipt is never called unknown because the database was down.
func (db *DB) VerifyFiling(ctx context.Context, number, code string) (kabinet.Receipt, error) {
	vc, ok := ident.NormalizeVerificationCode(code)
	if !ok {
		return kabinet.Receipt{}, filingNotFound()
	}
	f, err := scanFiling(db.sql.QueryRowContext(ctx, "SELECT "+filingColumns+" FROM filings WHERE number = $1",
		kabinet.NormalizeFilingNumber(number)), false)
	switch {
	case err == errNoRows:
		return kabinet.Receipt{}, filingNotFound()
	case err != nil:
		return kabinet.Receipt{}, fmt.Errorf("store: verify filing: %w", err)
	case f.VerificationCode != vc:
		return kabinet.Receipt{}, filingNotFound()
	}
	return f.Receipt(), nil
}

// AcceptedFiling returns the current accepted version, with its content, of the
// subject's report of form for period, or filing_not_found. STI-107's cell 209 is
// filled from the previous quarter's (SPEC "Filing details").
func (db *DB) AcceptedFiling(ctx context.Context, inn, form, period string) (kabinet.Filing, error) {
	return filingBy(ctx, db.sql, "inn = $1 AND form_code = $2 AND period = $3 AND status = 'current'", inn, form, period)
}

// LastFiling returns the subject's most recently received filing of form (of any
// form when form is ""), with its content, or filing_not_found. Header cells the
// registry does not hold (105 phone, STI-161's 107 and 117–121) are offered again
// from it (FIL-2).
func (db *DB) LastFiling(ctx context.Context, inn, form string) (kabinet.Filing, error) {
	if form == "" {
		return filingBy(ctx, db.sql, "inn = $1 ORDER BY received_at DESC, id DESC LIMIT 1", inn)
	}
	return filingBy(ctx, db.sql, "inn = $1 AND form_code = $2 ORDER BY received_at DESC, id DESC LIMIT 1", inn, form)
}

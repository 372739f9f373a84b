package store

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"kabinet"
)

// The real list of the tax service's territorial offices (field 104), copied from
// shared/data/offices.csv; see store/seed/README.md for its sources.
//
//go:embed seed/offices.csv
var officesCSV []byte

var officeCode = regexp.MustCompile(`^[0-9]{3}$`)

// LineError is one rejected line of an imported file.
type LineError struct {
	Line   int    // 1-based line number in the file (the header is line 1 of a CSV)
	Reason string // what is wrong, in English, naming the field
}

func (e LineError) String() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// ImportReport summarises an import.
type ImportReport struct {
	Read     int // data lines read
	Loaded   int // inserted or updated
	Rejected int // bad lines, each reported through OnBad
}

func seedOffices(ctx context.Context, tx *Tx) (ImportReport, error) {
	return importOffices(ctx, tx, bytes.NewReader(officesCSV), func(e LineError) {})
}

// ImportOffices loads an offices file (code,name_ru,name_ky), inserting or updating by
// code. Bad lines are reported through onBad and skipped; the rest load in one transaction.
func (db *DB) ImportOffices(ctx context.Context, who Actor, r io.Reader, onBad func(LineError)) (ImportReport, error) {
	var rep ImportReport
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if rep, err = importOffices(ctx, tx, r, onBad); err != nil {
			return err
		}
		return tx.audit(ctx, who, "offices.import", "", map[string]any{"loaded": rep.Loaded, "rejected": rep.Rejected})
	})
	return rep, err
}

func importOffices(ctx context.Context, tx *Tx, r io.Reader, onBad func(LineError)) (ImportReport, error) {
	var rep ImportReport
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return rep, kabinet.Errorf(kabinet.KindInvalid, "invalid_file", "offices file: cannot read the header: %v", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if strings.Join(header, ",") != "code,name_ru,name_ky" {
		return rep, kabinet.Errorf(kabinet.KindInvalid, "invalid_file", "offices file: the header must be code,name_ru,name_ky, found %q", strings.Join(header, ","))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.Read++
				rep.Rejected++
				onBad(LineError{Line: pe.StartLine, Reason: "malformed CSV: " + pe.Err.Error()})
				continue
			}
			return rep, err
		}
		rep.Read++
		o, reason := parseOffice(rec)
		if reason != "" {
			rep.Rejected++
			onBad(LineError{Line: line, Reason: reason})
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO offices (code, name_ru, name_ky) VALUES ($1, $2, $3)
			ON CONFLICT (code) DO UPDATE SET name_ru = excluded.name_ru, name_ky = excluded.name_ky`,
			o.Code, o.NameRU, o.NameKY); err != nil {
			return rep, fmt.Errorf("store: import office %s: %w", o.Code, err)
		}
		rep.Loaded++
	}
	return rep, nil
}

func parseOffice(rec []string) (kabinet.Office, string) {
	if len(rec) != 3 {
		return kabinet.Office{}, fmt.Sprintf("expected 3 fields (code,name_ru,name_ky), found %d", len(rec))
	}
	var o kabinet.Office
	o.Code = strings.TrimSpace(rec[0])
	if !officeCode.MatchString(o.Code) {
		return o, fmt.Sprintf("code: %q is not a 3-digit office code", rec[0])
	}
	var err error
	if o.NameRU, err = kabinet.CleanText("name_ru", rec[1], 200); err != nil || o.NameRU == "" {
		return o, "name_ru: " + reasonOf(err, "empty")
	}
	if o.NameKY, err = kabinet.CleanText("name_ky", rec[2], 200); err != nil || o.NameKY == "" {
		return o, "name_ky: " + reasonOf(err, "empty")
	}
	return o, ""
}

func reasonOf(err error, otherwise string) string {
	if e, ok := kabinet.AsError(err); ok {
		return e.Message
	}
	return otherwise
}

// Offices returns every office ordered by code.
func (db *DB) Offices(ctx context.Context) ([]kabinet.Office, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT code, name_ru, name_ky FROM offices ORDER BY code")
	if err != nil {
		return nil, fmt.Errorf("store: list offices: %w", err)
	}
	defer rows.Close()
	var out []kabinet.Office
	for rows.Next() {
		var o kabinet.Office
		if err := rows.Scan(&o.Code, &o.NameRU, &o.NameKY); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Office returns one office, or a not_found error.
func (db *DB) Office(ctx context.Context, code string) (kabinet.Office, error) {
	return office(ctx, db.sql, code)
}

func office(ctx context.Context, q queryer, code string) (kabinet.Office, error) {
	o := kabinet.Office{Code: code}
	err := q.QueryRowContext(ctx, "SELECT name_ru, name_ky FROM offices WHERE code = $1", code).Scan(&o.NameRU, &o.NameKY)
	if errors.Is(err, errNoRows) {
		return o, kabinet.Errorf(kabinet.KindNotFound, "office_not_found", "no office with code %q", code)
	}
	return o, err
}

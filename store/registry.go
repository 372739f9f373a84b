package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"kabinet"
	"kabinet/inn"
)

// registryColumns are the registry file's keys (SPEC "Registry file"). The first
// registryRequired are required; the two after them are optional (VAT-1, FIL-8), and a
// file without them loads as before.
var registryColumns = []string{"inn", "kind", "name", "head_position", "head_name", "office_code", "address", "status", "fraud_reference",
	"vat_registered_on", "reports"}

const registryRequired = 9

// importBatch rows go in one multi-row upsert and one transaction: large enough to
// amortise a commit (measured: 500 → 2,000 rows took a 100k-row SQLite import from
// 3.2 s to 2.0 s), small enough to hold SQLite's writer lock for tens of milliseconds,
// and 24,000 parameters, under both engines' limits (32,766 and 65,535).
const importBatch = 2000

// RegistryFormat is the format of a registry file.
type RegistryFormat string

const (
	FormatCSV   RegistryFormat = "csv"
	FormatJSONL RegistryFormat = "jsonl"
)

// DetectFormat picks the format by file name, then by the first byte of content.
func DetectFormat(name string, head []byte) RegistryFormat {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".jsonl"), strings.HasSuffix(lower, ".ndjson"), strings.HasSuffix(lower, ".json"):
		return FormatJSONL
	case strings.HasSuffix(lower, ".csv"):
		return FormatCSV
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return FormatJSONL
	}
	return FormatCSV
}

// ImportRegistry streams a registry file, inserting or updating taxpayers by ИНН.
// Every bad line is reported through onBad with its number and reason and skipped;
// the rest load in batches, each batch in one transaction with its audit entry.
// Memory stays flat whatever the file's size. On PostgreSQL an import that changed a
// good share of the registry ends with ANALYZE (analyze.go).
func (db *DB) ImportRegistry(ctx context.Context, who Actor, source string, format RegistryFormat, r io.Reader, onBad func(LineError)) (ImportReport, error) {
	return db.ImportRegistryProgress(ctx, who, source, format, r, onBad, nil)
}

// ImportRegistryProgress is ImportRegistry that also calls onProgress, when it is not
// nil, after each batch is committed, with the counts so far (every line up to the
// batch's last one read; loaded counts the lines now in the database). The back
// office's import job reports its progress through it; the rules and the report are
// ImportRegistry's own.
func (db *DB) ImportRegistryProgress(ctx context.Context, who Actor, source string, format RegistryFormat, r io.Reader,
	onBad func(LineError), onProgress func(ImportReport)) (ImportReport, error) {
	offices, err := db.officeSet(ctx)
	if err != nil {
		return ImportReport{}, err
	}
	imp := &registryImport{db: db, who: who, source: source, offices: offices, onBad: onBad, onProgress: onProgress, index: map[string]int{},
		absent: map[string]optionalColumns{}}
	switch format {
	case FormatJSONL:
		err = imp.readJSONL(ctx, r)
	default:
		err = imp.readCSV(ctx, r)
	}
	if err == nil {
		err = imp.flush(ctx)
	}
	if err == nil {
		// The rows are in; stale statistics only slow the reads down, so a failure
		// here is logged, not the import's (analyze.go; on SQLite the log checkpoint).
		if aerr := db.finishImport(ctx, imp.rep.Loaded); aerr != nil {
			db.logFault(ctx, "finish the registry import (ANALYZE, or the SQLite checkpoint)", aerr)
		}
	}
	return imp.rep, err
}

type registryImport struct {
	db      *DB
	who     Actor
	source  string
	offices map[string]bool
	onBad   func(LineError)
	// onProgress, when not nil, hears the counts after each committed batch.
	onProgress func(ImportReport)
	rep        ImportReport
	batch      []kabinet.Taxpayer
	index      map[string]int             // ИНН → position in batch: a later line for the same ИНН wins
	absent     map[string]optionalColumns // ИНН → the optional columns its line lacks: kept as stored
	first      int                        // first line of the batch
	last       int
}

func (imp *registryImport) bad(line int, reason string) {
	imp.rep.Rejected++
	imp.onBad(LineError{Line: line, Reason: reason})
}

func (imp *registryImport) add(ctx context.Context, line int, t kabinet.Taxpayer) error {
	if i, ok := imp.index[t.INN]; ok {
		imp.batch[i] = t
	} else {
		if len(imp.batch) == 0 {
			imp.first = line
		}
		imp.index[t.INN] = len(imp.batch)
		imp.batch = append(imp.batch, t)
	}
	imp.last = line
	imp.rep.Loaded++
	if len(imp.batch) >= importBatch {
		return imp.flush(ctx)
	}
	return nil
}

func (imp *registryImport) readCSV(ctx context.Context, r io.Reader) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_file", "registry file: cannot read the header: %v", err)
	}
	cols := make([]int, len(registryColumns)) // column index of each key
	for i := range cols {
		cols[i] = -1
	}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		found := false
		for k, name := range registryColumns {
			if h == name {
				if cols[k] >= 0 {
					return kabinet.Errorf(kabinet.KindInvalid, "invalid_file", "registry file: column %q appears twice in the header", h)
				}
				cols[k], found = i, true
			}
		}
		if !found {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_file", "registry file: unknown column %q in the header (expected %s)", h, strings.Join(registryColumns, ","))
		}
	}
	for k, c := range cols {
		if c < 0 && k < registryRequired {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_file", "registry file: the header lacks column %q (expected %s)", registryColumns[k], strings.Join(registryColumns, ","))
		}
	}
	vals := make([]string, len(registryColumns))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		imp.rep.Read++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				imp.bad(pe.StartLine, "malformed CSV: "+pe.Err.Error())
				continue
			}
			return fmt.Errorf("store: read registry file: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			imp.bad(line, fmt.Sprintf("expected %d fields, found %d", len(header), len(rec)))
			continue
		}
		for k, c := range cols {
			vals[k] = ""
			if c >= 0 {
				vals[k] = rec[c]
			}
		}
		t, reason := imp.parse(vals)
		if reason != "" {
			imp.bad(line, reason)
			continue
		}
		imp.absent[t.INN] = absentColumns(cols[registryRequired] < 0, cols[registryRequired+1] < 0)
		if err := imp.add(ctx, line, t); err != nil {
			return err
		}
	}
}

func (imp *registryImport) readJSONL(ctx context.Context, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	vals := make([]string, len(registryColumns))
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(b) == 0 {
			continue
		}
		imp.rep.Read++
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&obj); err != nil || dec.More() {
			imp.bad(line, "malformed JSON: the line must be one JSON object")
			continue
		}
		reason := ""
		for k, name := range registryColumns {
			vals[k] = ""
			switch v := obj[name].(type) {
			case nil:
			case string:
				vals[k] = v
			default:
				reason = fmt.Sprintf("%s: must be a string", name)
			}
		}
		for key := range obj {
			if !contains(registryColumns, key) && reason == "" {
				reason = fmt.Sprintf("unknown key %q", key)
			}
		}
		if reason != "" {
			imp.bad(line, reason)
			continue
		}
		t, reason := imp.parse(vals)
		if reason != "" {
			imp.bad(line, reason)
			continue
		}
		_, hasVAT := obj[registryColumns[registryRequired]]
		_, hasReports := obj[registryColumns[registryRequired+1]]
		imp.absent[t.INN] = absentColumns(!hasVAT, !hasReports)
		if err := imp.add(ctx, line, t); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_file", "registry file: line %d is longer than 1 MiB", line+1)
		}
		return fmt.Errorf("store: read registry file: %w", err)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parse validates one record's values, in registryColumns order, and returns the
// reason it is rejected, naming the field.
func (imp *registryImport) parse(v []string) (kabinet.Taxpayer, string) {
	var t kabinet.Taxpayer
	id, err := inn.Parse(v[0])
	if err != nil {
		return t, "inn: " + reasonOf(err, "invalid")
	}
	t.INN = id.Value
	t.Kind = kabinet.TaxpayerKind(strings.TrimSpace(v[1]))
	switch t.Kind {
	case kabinet.Individual, kabinet.Entrepreneur:
		if id.Kind != inn.Individual {
			return t, fmt.Sprintf("kind: %s, but the ИНН %s is a legal entity's (first digit 0)", t.Kind, t.INN)
		}
	case kabinet.Legal:
		if id.Kind != inn.Legal {
			return t, fmt.Sprintf("kind: legal, but the ИНН %s is an individual's (first digit 1 or 2)", t.INN)
		}
	default:
		return t, fmt.Sprintf("kind: %q is not individual, entrepreneur or legal", v[1])
	}
	fields := []struct {
		name string
		dst  *string
		src  string
		max  int
	}{
		{"name", &t.Name, v[2], 300},
		{"head_position", &t.HeadPosition, v[3], 200},
		{"head_name", &t.HeadName, v[4], 200},
		{"address", &t.Address, v[6], 500},
		{"fraud_reference", &t.FraudReference, v[8], 200},
	}
	for _, f := range fields {
		s, err := kabinet.CleanText(f.name, f.src, f.max)
		if err != nil {
			return t, f.name + ": " + reasonOf(err, "invalid")
		}
		*f.dst = s
	}
	if t.Name == "" {
		return t, "name: empty"
	}
	if t.Kind == kabinet.Legal && (t.HeadPosition == "" || t.HeadName == "") {
		return t, "head_position, head_name: a legal entity needs its head's position and name (field 297)"
	}
	t.OfficeCode = strings.TrimSpace(v[5])
	if !imp.offices[t.OfficeCode] {
		return t, fmt.Sprintf("office_code: %q is not a known tax office", v[5])
	}
	t.Status = kabinet.RegistrationStatus(strings.TrimSpace(v[7]))
	if t.Status != kabinet.RegistrationActive && t.Status != kabinet.RegistrationLiquidated {
		return t, fmt.Sprintf("status: %q is not active or liquidated", v[7])
	}
	var reason string
	if t.VATRegisteredOn, reason = parseVATRegisteredOn(v[9]); reason != "" {
		return t, reason
	}
	if t.Reports, reason = parseReports(v[10]); reason != "" {
		return t, reason
	}
	return t, ""
}

// flush writes the batch with one multi-row upsert.
func (imp *registryImport) flush(ctx context.Context) error {
	if len(imp.batch) == 0 {
		return nil
	}
	// Inserting in key order touches each B-tree page once per batch instead of at random.
	slices.SortFunc(imp.batch, func(a, b kabinet.Taxpayer) int { return strings.Compare(a.INN, b.INN) })
	// Rows whose lines lack an optional column keep its stored value: one statement per
	// combination of the columns present (one for a CSV file, whose header decides).
	var groups [4][]kabinet.Taxpayer
	for _, t := range imp.batch {
		groups[imp.absent[t.INN]] = append(groups[imp.absent[t.INN]], t)
	}
	err := imp.db.inTx(ctx, func(tx *Tx) error {
		for absent, rows := range groups {
			if len(rows) == 0 {
				continue
			}
			if err := tx.upsertTaxpayers(ctx, rows, optionalColumns(absent)); err != nil {
				return fmt.Errorf("store: import registry lines %d–%d: %w", imp.first, imp.last, err)
			}
		}
		return tx.audit(ctx, imp.who, "registry.import", "", map[string]any{
			"source": imp.source, "first_line": imp.first, "last_line": imp.last, "rows": len(imp.batch)})
	})
	imp.batch = imp.batch[:0]
	clear(imp.index)
	clear(imp.absent)
	if err == nil && imp.onProgress != nil {
		imp.onProgress(imp.rep)
	}
	return err
}

// upsertTaxpayers writes rows in tx: on PostgreSQL one multi-row upsert, on SQLite one
// single-row upsert prepared once and run for each row. SQLite parses a statement
// every time it is given one, and a 2,000-row statement of 24,000 parameters cost more
// to parse than its rows to write: the importer ran at 0.46 of the bare insert of the
// same rows, itself one prepared statement (issue 13).
func (tx *Tx) upsertTaxpayers(ctx context.Context, rows []kabinet.Taxpayer, absent optionalColumns) error {
	if tx.db.dialect != sqlite {
		q, args := upsertTaxpayersStatement(tx.db.dialect, rows, tx.now, absent)
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	q, _ := upsertTaxpayersStatement(tx.db.dialect, rows[:1], tx.now, absent)
	st, err := tx.stmtOften(ctx, q)
	if err != nil {
		return err
	}
	args := make([]any, 0, 12)
	for _, t := range rows {
		if _, err := st.ExecContext(ctx, taxpayerArgs(args[:0], t, tx.now)...); err != nil {
			return err
		}
	}
	return nil
}

// taxpayerArgs appends t's columns, as upsertTaxpayersStatement orders them, to args.
func taxpayerArgs(args []any, t kabinet.Taxpayer, now time.Time) []any {
	return append(args, t.INN, string(t.Kind), t.Name, t.HeadPosition, t.HeadName, t.OfficeCode, t.Address, string(t.Status), t.FraudReference,
		vatRegisteredOnValue(t.VATRegisteredOn), strings.Join(t.Reports, " "), ms(now))
}

// upsertTaxpayersStatement is one multi-row upsert of rows; the optional columns in
// absent are written for new rows (as their defaults) and left as stored for existing
// ones.
func upsertTaxpayersStatement(d dialect, rows []kabinet.Taxpayer, now time.Time, absent optionalColumns) (string, []any) {
	var q strings.Builder
	q.WriteString(`INSERT INTO taxpayers (inn, kind, name, head_position, head_name, office_code, address, status, fraud_reference,
		vat_registered_on, reports, updated_at) VALUES `)
	args := make([]any, 0, len(rows)*12)
	for i, t := range rows {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for k := 1; k <= 12; k++ {
			if k > 1 {
				q.WriteByte(',')
			}
			q.WriteString(d.param(i*12 + k))
		}
		q.WriteByte(')')
		args = taxpayerArgs(args, t, now)
	}
	q.WriteString(` ON CONFLICT (inn) DO UPDATE SET kind = excluded.kind, name = excluded.name,
		head_position = excluded.head_position, head_name = excluded.head_name, office_code = excluded.office_code,
		address = excluded.address, status = excluded.status, fraud_reference = excluded.fraud_reference,`)
	if absent&absentVAT == 0 {
		q.WriteString(" vat_registered_on = excluded.vat_registered_on,")
	}
	if absent&absentReports == 0 {
		q.WriteString(" reports = excluded.reports,")
	}
	q.WriteString(" updated_at = excluded.updated_at")
	return q.String(), args
}

func (db *DB) officeSet(ctx context.Context) (map[string]bool, error) {
	offices, err := db.Offices(ctx)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(offices))
	for _, o := range offices {
		set[o.Code] = true
	}
	return set, nil
}

// Taxpayer returns the registry record of an ИНН, or inn_not_found.
func (db *DB) Taxpayer(ctx context.Context, innValue string) (kabinet.Taxpayer, error) {
	return taxpayer(ctx, db.sql, innValue)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func taxpayer(ctx context.Context, q queryer, innValue string) (kabinet.Taxpayer, error) {
	t, err := scanTaxpayer(q.QueryRowContext(ctx, "SELECT "+taxpayerColumns+" FROM taxpayers WHERE inn = $1", innValue))
	if errors.Is(err, errNoRows) {
		return kabinet.Taxpayer{INN: innValue}, kabinet.Errorf(kabinet.KindNotFound, "inn_not_found", "the ИНН is not in the registry")
	}
	return t, err
}

// taxpayerColumns are what scanTaxpayer reads.
const taxpayerColumns = `inn, kind, name, head_position, head_name, office_code, address, status, fraud_reference,
	vat_registered_on, reports, updated_at`

func scanTaxpayer(row interface{ Scan(...any) error }) (kabinet.Taxpayer, error) {
	var t kabinet.Taxpayer
	var updated int64
	var vatOn sql.NullString
	var reports string
	err := row.Scan(&t.INN, &t.Kind, &t.Name, &t.HeadPosition, &t.HeadName, &t.OfficeCode,
		&t.Address, &t.Status, &t.FraudReference, &vatOn, &reports, &updated)
	if errors.Is(err, errNoRows) {
		return t, err
	}
	if err != nil {
		return t, fmt.Errorf("store: taxpayer: %w", err)
	}
	t.UpdatedAt = fromMS(updated)
	t.VATRegisteredOn, t.Reports = storedVATRegisteredOn(vatOn), storedReports(reports)
	return t, nil
}

// FormFields is what the public form shows after a look-up (ACC-1, SEC-2): no more.
type FormFields struct {
	INN          string `json:"inn"`            // 102
	Kind         string `json:"kind"`           // individual, entrepreneur, legal
	Name         string `json:"name"`           // 103
	OfficeCode   string `json:"office_code"`    // 104
	OfficeNameRU string `json:"office_name_ru"` // 104
	OfficeNameKY string `json:"office_name_ky"` // 104
	Address      string `json:"address"`
	Signatory    string `json:"signatory"` // 297
}

// registrationFor checks a registry record allows an application (ACC-1, ACC-2).
func registrationFor(t kabinet.Taxpayer) error {
	if t.Status != kabinet.RegistrationActive {
		return kabinet.Errorf(kabinet.KindConflict, "registration_liquidated", "the tax registration is liquidated")
	}
	return nil
}

// LookupRegistry answers the public form's look-up (ACC-1, ACC-2, SEC-2): rate-limited
// per client address (the count is held in the database, so it holds across
// instances), audited in the same transaction, and answering only the form's fields.
// Look-ups that arrive together share one transaction (see lookup.go); a malformed
// ИНН is counted but not audited, since nothing was looked up.
func (db *DB) LookupRegistry(ctx context.Context, who Actor, rawINN string, perMinute int) (FormFields, error) {
	r := &lookupRequest{who: who, rawINN: rawINN, perMinute: perMinute, done: make(chan lookupResult, 1)}
	res, err := submit(ctx, db.lookups, r, r.done)
	if err != nil {
		return FormFields{}, err
	}
	return res.fields, res.err
}

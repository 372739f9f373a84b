package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kabinet"
	"kabinet/inn"
)

// The public form's registry look-up (ACC-1, SEC-2) is the busiest call of the service
// and every one of them writes: a rate-limit count and an audit entry. One transaction
// each would serialise them on the audit chain's head and pay a commit (on PostgreSQL
// a WAL flush) per look-up. Instead, look-ups that arrive together are answered by one
// transaction (group commit): the look-ups waiting while one batch commits form the
// next. Each caller still gets its answer only after its count and its audit entry
// are committed, so nothing is answered unaudited; a batch adds no delay of its own.

// maxLookupBatch bounds a batch: its statements stay far below SQLite's 32,766
// parameters (9 per audit entry) and one slow batch never holds many callers.
const maxLookupBatch = 256

// lookupTimeout bounds one batch's transaction; it does not depend on any one
// caller's context, since a caller that leaves must not fail the others.
const lookupTimeout = 10 * time.Second

type lookupRequest struct {
	who       Actor
	rawINN    string
	perMinute int
	done      chan lookupResult // buffered: the batch never waits for the caller
}

type lookupResult struct {
	fields FormFields
	err    error
}

func newLookupBatcher(db *DB) *batcher[*lookupRequest] {
	return newBatcher(db, "look-up", maxLookupBatch, db.commitLookups)
}

// commitLookups answers a batch of look-ups (the batcher's commit).
func (db *DB) commitLookups(batch []*lookupRequest) {
	results := make([]lookupResult, len(batch))
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	err := db.lookupBatch(ctx, batch, results)
	cancel()
	for i, r := range batch {
		if err != nil {
			results[i] = lookupResult{err: db.unavailable("look-up", err)}
		}
		r.done <- results[i]
	}
}

// lookupBatch answers every request of the batch into results: counts each against its
// client's per-minute limit, reads the registry, and audits every look-up that was
// made (a refused count or a malformed ИНН looked nothing up), in one transaction.
// On PostgreSQL the statements go in two round trips (see lookupBatchPipelined), since
// each round trip is the batch's latency; SQLite runs them one row at a time (see
// lookupBatchSQLite).
func (db *DB) lookupBatch(ctx context.Context, batch []*lookupRequest, results []lookupResult) error {
	p := planLookups(batch)
	if db.dialect == postgres {
		return db.lookupBatchPipelined(ctx, p, results)
	}
	return db.lookupBatchSQLite(ctx, p, results)
}

// On SQLite a batch's statements are prepared once (prepared.go): statements shaped by
// the batch's size were parsed and compiled again for every batch, a third of the
// batch's CPU in the look-up's profile (issue 13). The counts and the registry's
// reads take the batch's keys and ИНН as one JSON array each (SQLite's json_each), so
// a batch runs one statement for each instead of one a look-up, which took another
// eighth of a look-up's CPU; the audit entries go in through auditMany.

// The counts of a batch: $1 a JSON array of [key, events] pairs, $2 now, $3 the start
// of a window that has passed. countOne is the same for one key ($1 key, $2 now,
// $3 events, $4 the passed window's start), for a key JSON cannot carry unchanged.
const (
	countJSON = `INSERT INTO rate_limits (key, window_start, count)
	SELECT j.value ->> 0, $2, j.value ->> 1 FROM json_each($1) AS j WHERE true
	ON CONFLICT (key) DO UPDATE SET
	count = CASE WHEN rate_limits.window_start <= $3 THEN excluded.count ELSE rate_limits.count + excluded.count END,
	window_start = CASE WHEN rate_limits.window_start <= $3 THEN excluded.window_start ELSE rate_limits.window_start END
	RETURNING key, count, window_start`
	countOne = `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, $3)
	ON CONFLICT (key) DO UPDATE SET
	count = CASE WHEN rate_limits.window_start <= $4 THEN excluded.count ELSE rate_limits.count + excluded.count END,
	window_start = CASE WHEN rate_limits.window_start <= $4 THEN excluded.window_start ELSE rate_limits.window_start END
	RETURNING key, count, window_start`
	// readJSON reads the records of a JSON array of ИНН (digits: JSON carries them as they are).
	readJSON = formFields + " WHERE t.inn IN (SELECT value FROM json_each($1))"
	// insertAuditOne appends one audit entry; its values are one entry's nine
	// arguments of auditInsert, in that order.
	insertAuditOne = `INSERT INTO audit_log (seq, at, actor, action, subject, address, details, prev_hash, hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
)

// lookupBatchSQLite is lookupBatch on SQLite, with the statements prepared once.
//
// Its statements run without the batch's deadline: BEGIN IMMEDIATE has taken the write
// lock when they start, so none of them waits for a lock, and a context that can end
// costs a goroutine or two a statement (the driver's and database/sql's watchers).
func (db *DB) lookupBatchSQLite(ctx context.Context, p lookupPlan, results []lookupResult) error {
	return db.inTx(ctx, func(tx *Tx) error {
		ctx := context.WithoutCancel(ctx)
		counts := lookupCounts(p.keys)
		positions, starts, err := counts.countSQLite(ctx, tx, tx.now)
		if err != nil {
			return err
		}
		found := map[string]lookedUp{}
		if len(p.want) > 0 {
			inns, _ := json.Marshal(p.want)
			rs, err := tx.queryOften(ctx, readJSON, string(inns))
			if err != nil {
				return fmt.Errorf("store: look up registry: %w", err)
			}
			err = readFormFields(rs, found)
			rs.Close()
			if err != nil {
				return err
			}
		}
		return tx.auditMany(ctx, p.decide(tx.now, positions, starts, found, results))
	})
}

// countSQLite counts the batch's keys in one statement, or one statement a key when a
// key is not text JSON carries unchanged (invalid UTF-8, NUL): a key must be stored as
// given, or its count would land on another row.
func (c keyCounts) countSQLite(ctx context.Context, tx *Tx, now time.Time) ([]int, []int64, error) {
	at, expired := ms(now), ms(now.Add(-time.Minute))
	pairs := make([][2]any, len(c.order))
	plain := true
	for i, k := range c.order {
		pairs[i] = [2]any{k, c.events[k]}
		plain = plain && utf8.ValidString(k) && !strings.ContainsRune(k, 0)
	}
	if plain {
		j, err := json.Marshal(pairs)
		if err != nil {
			return nil, nil, fmt.Errorf("store: rate limits: %w", err)
		}
		rs, err := tx.queryOften(ctx, countJSON, string(j), at, expired)
		if err != nil {
			return nil, nil, fmt.Errorf("store: rate limits: %w", err)
		}
		defer rs.Close()
		return c.read(rs)
	}
	got := make(map[string]counted, len(c.order))
	for _, k := range c.order {
		var w counted
		var key string
		if err := tx.queryRowOften(ctx, countOne, k, at, c.events[k], expired).Scan(&key, &w.count, &w.start); err != nil {
			return nil, nil, fmt.Errorf("store: rate limits: %w", err)
		}
		got[k] = w
	}
	return c.positions(got)
}

// auditColumns is the number of auditInsert's arguments for each entry.
const auditColumns = 9

// keyCounts counts one event for each of keys (a key may repeat) in its key's window:
// order holds the distinct keys, sorted, so that two instances' batches take the
// rows' locks in one order, and events how many each has. Events of one key are
// numbered in the order given.
type keyCounts struct {
	keys   []string
	order  []string
	events map[string]int
}

func lookupCounts(keys []string) keyCounts {
	c := keyCounts{keys: keys, events: make(map[string]int, len(keys))}
	for _, k := range keys {
		if c.events[k] == 0 {
			c.order = append(c.order, k)
		}
		c.events[k]++
	}
	slices.Sort(c.order)
	return c
}

// counted is a key's window after the count: its count and its start.
type counted struct {
	count int
	start int64
}

// positions gives each event its number in its key's window, from the windows the
// count returned, and the window's start.
func (c keyCounts) positions(got map[string]counted) (positions []int, starts []int64, err error) {
	positions, starts = make([]int, len(c.keys)), make([]int64, len(c.keys))
	seen := make(map[string]int, len(c.order))
	for i, k := range c.keys {
		w, ok := got[k]
		if !ok {
			return nil, nil, fmt.Errorf("store: rate limits: no count returned for a %s key", keyKind(k))
		}
		seen[k]++
		positions[i] = w.count - c.events[k] + seen[k]
		starts[i] = w.start
	}
	return positions, starts, nil
}

// read reads the rows of a count (key, count, window start) and numbers the events.
func (c keyCounts) read(r rows) (positions []int, starts []int64, err error) {
	got := make(map[string]counted, len(c.order))
	for r.Next() {
		var k string
		var w counted
		if err := r.Scan(&k, &w.count, &w.start); err != nil {
			return nil, nil, fmt.Errorf("store: rate limits: %w", err)
		}
		got[k] = w
	}
	if err := r.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: rate limits: %w", err)
	}
	return c.positions(got)
}

// lookupPlan is a batch's questions: each request's rate-limit key and parsed ИНН.
type lookupPlan struct {
	batch []*lookupRequest
	keys  []string
	ids   []string // "" where the ИНН is malformed
	errs  []error  // why it is malformed
	want  []string // the well-formed ИНН, to read
}

func planLookups(batch []*lookupRequest) lookupPlan {
	p := lookupPlan{batch: batch, keys: make([]string, len(batch)), ids: make([]string, len(batch)), errs: make([]error, len(batch))}
	for i, r := range batch {
		p.keys[i] = "lookup:" + r.who.Address
		id, err := inn.Parse(r.rawINN)
		if err != nil {
			p.errs[i] = err
			continue
		}
		p.ids[i] = id.Value
		p.want = append(p.want, id.Value)
	}
	return p
}

// decide writes each request's answer into results, given its count and the records
// read, and returns the audit entries of the look-ups that were made. A refused count
// comes before a malformed ИНН, and neither is audited: nothing was looked up.
func (p lookupPlan) decide(now time.Time, positions []int, starts []int64, found map[string]lookedUp, results []lookupResult) []auditEntry {
	var entries []auditEntry
	for i, r := range p.batch {
		results[i] = lookupResult{}
		switch {
		case positions[i] > r.perMinute:
			results[i].err = rateLimited(now, starts[i], time.Minute)
			continue
		case p.errs[i] != nil:
			results[i].err = p.errs[i]
			continue
		}
		outcome := "found"
		f, ok := found[p.ids[i]]
		switch {
		case !ok:
			results[i].err = kabinet.Errorf(kabinet.KindNotFound, "inn_not_found", "the ИНН is not in the registry")
		case f.err != nil:
			results[i].err = f.err
		default:
			results[i].fields = f.fields
		}
		if results[i].err != nil {
			outcome = kabinet.ErrorCode(results[i].err)
		}
		entries = append(entries, auditEntry{who: r.who, action: "registry.lookup", subject: p.ids[i],
			details: map[string]any{"outcome": outcome}})
	}
	return entries
}

// lookedUp is one registry record as the form shows it, or why it cannot be shown.
type lookedUp struct {
	fields FormFields
	err    error
}

// formFields is the read of registry records with their offices, for the public form;
// readOne (SQLite) and readMany (PostgreSQL, lookup_pg.go) add the condition, and
// readFormFields reads their rows.
const formFields = `SELECT t.inn, t.kind, t.name, t.head_position, t.head_name, t.office_code, t.address, t.status,
	COALESCE(o.name_ru, ''), COALESCE(o.name_ky, ''), o.code IS NOT NULL
	FROM taxpayers t LEFT JOIN offices o ON o.code = t.office_code`

func readFormFields(r rows, out map[string]lookedUp) error {
	for r.Next() {
		var t kabinet.Taxpayer
		var nameRU, nameKY string
		var hasOffice bool
		if err := r.Scan(&t.INN, &t.Kind, &t.Name, &t.HeadPosition, &t.HeadName, &t.OfficeCode, &t.Address, &t.Status,
			&nameRU, &nameKY, &hasOffice); err != nil {
			return fmt.Errorf("store: look up registry: %w", err)
		}
		var l lookedUp
		switch {
		case registrationFor(t) != nil:
			l.err = registrationFor(t)
		case !hasOffice:
			l.err = kabinet.Errorf(kabinet.KindNotFound, "office_not_found", "no office with code %q", t.OfficeCode)
		default:
			l.fields = FormFields{INN: t.INN, Kind: string(t.Kind), Name: t.Name, OfficeCode: t.OfficeCode,
				OfficeNameRU: nameRU, OfficeNameKY: nameKY, Address: t.Address, Signatory: t.Signatory()}
		}
		out[t.INN] = l
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("store: look up registry: %w", err)
	}
	return nil
}

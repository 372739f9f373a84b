package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

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

// lookupBatcher owns the goroutine that commits batches of look-ups for one DB.
type lookupBatcher struct {
	db    *DB
	queue chan *lookupRequest
	start sync.Once
	quit  chan struct{}
	done  chan struct{}
}

func newLookupBatcher(db *DB) *lookupBatcher {
	return &lookupBatcher{db: db, queue: make(chan *lookupRequest, 4*maxLookupBatch),
		quit: make(chan struct{}), done: make(chan struct{})}
}

// stop ends the goroutine (if it ran) after the batch in hand.
func (b *lookupBatcher) stop() {
	b.start.Do(func() { close(b.done) }) // never started: nothing to wait for
	select {
	case <-b.quit:
	default:
		close(b.quit)
	}
	<-b.done
}

func (b *lookupBatcher) lookup(ctx context.Context, r *lookupRequest) (FormFields, error) {
	b.start.Do(func() { go b.run() })
	select {
	case b.queue <- r:
	case <-b.quit:
		return FormFields{}, kabinet.Errorf(kabinet.KindUnavailable, "unavailable", "store: closed")
	case <-ctx.Done():
		return FormFields{}, b.db.unavailable("look-up", ctx.Err())
	}
	select {
	case res := <-r.done:
		return res.fields, res.err
	case <-b.done: // closed with the request still queued
		return FormFields{}, kabinet.Errorf(kabinet.KindUnavailable, "unavailable", "store: closed")
	case <-ctx.Done():
		return FormFields{}, b.db.unavailable("look-up", ctx.Err())
	}
}

func (b *lookupBatcher) run() {
	defer close(b.done)
	batch := make([]*lookupRequest, 0, maxLookupBatch)
	for {
		select {
		case <-b.quit:
			return
		case r := <-b.queue:
			batch = append(batch[:0], r)
		}
	more:
		for len(batch) < maxLookupBatch {
			select {
			case r := <-b.queue:
				batch = append(batch, r)
			default:
				break more
			}
		}
		results := make([]lookupResult, len(batch))
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		err := b.db.lookupBatch(ctx, batch, results)
		cancel()
		for i, r := range batch {
			if err != nil {
				results[i] = lookupResult{err: b.db.unavailable("look-up", err)}
			}
			r.done <- results[i]
		}
	}
}

// lookupBatch answers every request of the batch into results: counts each against its
// client's per-minute limit, reads the registry, and audits every look-up that was
// made (a refused count or a malformed ИНН looked nothing up), in one transaction.
// SQLite runs its statements one by one; on PostgreSQL they go in three round trips
// (see lookupBatchPipelined), since each round trip is the batch's latency.
func (db *DB) lookupBatch(ctx context.Context, batch []*lookupRequest, results []lookupResult) error {
	p := planLookups(batch)
	if db.dialect == postgres {
		return db.lookupBatchPipelined(ctx, p, results)
	}
	return db.inTx(ctx, func(tx *Tx) error {
		counts := countsFor(tx.db.dialect, p.keys, tx.now, time.Minute)
		rs, err := tx.QueryContext(ctx, counts.query, counts.args...)
		if err != nil {
			return fmt.Errorf("store: rate limits: %w", err)
		}
		positions, starts, err := counts.read(rs)
		rs.Close()
		if err != nil {
			return err
		}
		found := map[string]lookedUp{}
		if len(p.want) > 0 {
			read, args := formFieldsQuery(tx.db.dialect, p.want)
			if rs, err = tx.QueryContext(ctx, read, args...); err != nil {
				return fmt.Errorf("store: look up registry: %w", err)
			}
			found, err = readFormFields(rs)
			rs.Close()
			if err != nil {
				return err
			}
		}
		return tx.auditMany(ctx, p.decide(tx.now, positions, starts, found, results))
	})
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

// formFieldsQuery reads the registry records of innValues (distinct or not) with their
// offices in one statement; readFormFields reads its rows.
func formFieldsQuery(d dialect, innValues []string) (string, []any) {
	var q strings.Builder
	q.WriteString(`SELECT t.inn, t.kind, t.name, t.head_position, t.head_name, t.office_code, t.address, t.status,
		COALESCE(o.name_ru, ''), COALESCE(o.name_ky, ''), o.code IS NOT NULL
		FROM taxpayers t LEFT JOIN offices o ON o.code = t.office_code WHERE t.inn IN (`)
	args := make([]any, len(innValues))
	for i, v := range innValues {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(d.param(i + 1))
		args[i] = v
	}
	q.WriteString(")")
	return q.String(), args
}

func readFormFields(r rows) (map[string]lookedUp, error) {
	out := make(map[string]lookedUp)
	for r.Next() {
		var t kabinet.Taxpayer
		var nameRU, nameKY string
		var hasOffice bool
		if err := r.Scan(&t.INN, &t.Kind, &t.Name, &t.HeadPosition, &t.HeadName, &t.OfficeCode, &t.Address, &t.Status,
			&nameRU, &nameKY, &hasOffice); err != nil {
			return nil, fmt.Errorf("store: look up registry: %w", err)
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
		return nil, fmt.Errorf("store: look up registry: %w", err)
	}
	return out, nil
}

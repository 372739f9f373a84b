package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// lookupBatchPipelined is lookupBatch on PostgreSQL: the same statements in the same
// transaction, pipelined into two round trips —
//
//	BEGIN; generic plans; count; read the registry; move the audit head  → decide, chain the entries
//	insert the entries; set the head; COMMIT
//
// A look-up's latency is the batch's, and at a few clients the batch's is its round
// trips; when the hashing of a sign-in flood holds every core, each round trip also
// waits for the scheduler, so fewer of them keep a look-up quick then too. The head is
// moved by every well-formed look-up of the batch before the counts say which of them
// are over their limit; the second round trip sets it to the entries made, under the
// row lock the first took, so no number is skipped. Each statement's text is fixed
// whatever the batch's size (arrays, not one placeholder per row), so the server
// parses and plans it once per connection, not once per batch.
func (db *DB) lookupBatchPipelined(ctx context.Context, p lookupPlan, results []lookupResult) error {
	return db.onPgxConn(ctx, "look-up", func(c *pgx.Conn) error { return db.pipelineLookups(ctx, c, p, results) })
}

// onPgxConn runs attempt on a pooled connection's pgx.Conn, to pipeline statements
// (pgx.Batch), again while it fails with a serialization failure or deadlock. A
// connection the attempt left closed is not returned to the pool.
func (db *DB) onPgxConn(ctx context.Context, what string, attempt func(c *pgx.Conn) error) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return db.unavailable(what+": connection", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: %s: unexpected driver connection %T", what, dc)
		}
		err := db.retry(ctx, func() error { return attempt(sc.Conn()) })
		if err != nil && sc.Conn().IsClosed() {
			return errors.Join(err, driver.ErrBadConn) // the pool must not keep it
		}
		return err
	})
}

// beginPipelined queues a pipelined transaction's first statements: BEGIN, and
// generic plans for its array statements — their plans do not depend on the arrays'
// contents, but the server kept planning them afresh at every execution (a custom
// plan for each: a fifth of its processor time per look-up batch at 8 clients, in
// perf's profile). begun reads their results.
func beginPipelined(b *pgx.Batch) {
	b.Queue("BEGIN")
	b.Queue("SET LOCAL plan_cache_mode = force_generic_plan")
}

// begun reads beginPipelined's results; open reports the transaction begun, for the
// caller's rollback on a later error.
func begun(br pgx.BatchResults, what string, open *bool) error {
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("store: %s: begin: %w", what, err)
	}
	*open = true
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("store: %s: plan cache mode: %w", what, err)
	}
	return nil
}

// rollbackUnless rolls c's open transaction back when *err is set (deferred).
func rollbackUnless(ctx context.Context, c *pgx.Conn, open *bool, err *error) {
	if *err != nil && *open && !c.IsClosed() {
		// Bounded: on a hung server an unbounded ROLLBACK would hold the batcher.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		c.Exec(rctx, "ROLLBACK")
	}
}

// The batch's statements on PostgreSQL, one text each whatever the batch's size.
const (
	// countMany is countOne (lookup.go) over arrays: $1 the distinct keys, $2 now,
	// $3 each key's events, $4 the start of a window that has passed.
	countMany = `INSERT INTO rate_limits (key, window_start, count)
	SELECT k, $2::bigint, n FROM unnest($1::text[], $3::int[]) AS u(k, n)
	ON CONFLICT (key) DO UPDATE SET
	count = CASE WHEN rate_limits.window_start <= $4::bigint THEN excluded.count ELSE rate_limits.count + excluded.count END,
	window_start = CASE WHEN rate_limits.window_start <= $4::bigint THEN excluded.window_start ELSE rate_limits.window_start END
	RETURNING key, count, window_start`
	// readMany reads the records of an array of ИНН.
	readMany = formFields + " WHERE t.inn = ANY($1::text[])"
	// insertAuditMany is auditInsert's insert with each column an array.
	insertAuditMany = `INSERT INTO audit_log (seq, at, actor, action, subject, address, details, prev_hash, hash)
	SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`
	// setAuditHeadTo records the last entry's number and hash.
	setAuditHeadTo = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1"
)

func (db *DB) pipelineLookups(ctx context.Context, c *pgx.Conn, p lookupPlan, results []lookupResult) (err error) {
	now := db.clock.Now().UTC().Truncate(time.Millisecond) // as a Tx's now
	open := false
	defer rollbackUnless(ctx, c, &open, &err)

	counts := lookupCounts(p.keys)
	events := make([]int32, len(counts.order))
	for i, k := range counts.order {
		events[i] = int32(counts.events[k])
	}
	reserved := len(p.want) // every well-formed look-up may be audited
	b := &pgx.Batch{}
	beginPipelined(b)
	b.Queue(countMany, counts.order, ms(now), events, ms(now.Add(-time.Minute)))
	if len(p.want) > 0 {
		b.Queue(readMany, p.want)
	}
	if reserved > 0 {
		b.Queue(moveAuditHead, reserved)
	}
	br := c.SendBatch(ctx, b)
	var positions []int
	var starts []int64
	found := map[string]lookedUp{}
	var last int64
	var prev string
	err = func() error {
		defer br.Close()
		if err := begun(br, "look-up", &open); err != nil {
			return err
		}
		rs, err := br.Query()
		if err != nil {
			return fmt.Errorf("store: rate limits: %w", err)
		}
		positions, starts, err = counts.read(rs)
		rs.Close()
		if err != nil {
			return err
		}
		if len(p.want) > 0 {
			if rs, err = br.Query(); err != nil {
				return fmt.Errorf("store: look up registry: %w", err)
			}
			err = readFormFields(rs, found)
			rs.Close()
			if err != nil {
				return err
			}
		}
		if reserved > 0 {
			if err := br.QueryRow().Scan(&last, &prev); err != nil {
				return fmt.Errorf("store: audit head: %w", err)
			}
		}
		return nil
	}()
	if err != nil {
		return err
	}

	entries := p.decide(now, positions, starts, found, results)
	b = &pgx.Batch{}
	steps := []string{}
	if len(entries) > 0 {
		_, args, head, err := auditInsert(db.dialect, entries, now, last-int64(reserved-len(entries)), prev)
		if err != nil {
			return err
		}
		b.Queue(insertAuditMany, auditArrays(args)...)
		b.Queue(setAuditHeadTo, last-int64(reserved-len(entries)), head)
		steps = append(steps, "audit insert", "audit head")
	} else if reserved > 0 {
		b.Queue(setAuditHeadTo, last-int64(reserved), prev) // none audited: the head goes back
		steps = append(steps, "audit head")
	}
	b.Queue("COMMIT")
	steps = append(steps, "commit")
	br = c.SendBatch(ctx, b)
	for _, what := range steps {
		if _, err = br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("store: look-up: %s: %w", what, err)
		}
	}
	if err = br.Close(); err != nil {
		return fmt.Errorf("store: look-up: %w", err)
	}
	open = false
	return nil
}

// auditArrays turns auditInsert's arguments, auditColumns for each entry, into one
// array for each column of insertAuditMany.
func auditArrays(args []any) []any {
	n := len(args) / auditColumns
	seq, at := make([]int64, n), make([]int64, n)
	text := make([][]string, auditColumns-2)
	for c := range text {
		text[c] = make([]string, n)
	}
	for i := 0; i < n; i++ {
		row := args[i*auditColumns : (i+1)*auditColumns]
		seq[i], at[i] = row[0].(int64), row[1].(int64)
		for c := range text {
			text[c][i] = row[c+2].(string)
		}
	}
	out := []any{seq, at}
	for _, t := range text {
		out = append(out, t)
	}
	return out
}

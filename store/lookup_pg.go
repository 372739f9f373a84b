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
// transaction, pipelined into three round trips instead of seven —
//
//	BEGIN; count; read the registry     → decide the answers
//	move the audit head                 → chain the entries
//	insert the entries; set the head; COMMIT
//
// A look-up's latency is the batch's, and at a few clients the batch's is its round
// trips; when the hashing of a sign-in flood holds every core, each round trip also
// waits for the scheduler, so fewer of them keep a look-up quick then too.
func (db *DB) lookupBatchPipelined(ctx context.Context, p lookupPlan, results []lookupResult) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return db.unavailable("look-up: connection", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: look-up: unexpected driver connection %T", dc)
		}
		err := db.retry(ctx, func() error { return db.pipelineLookups(ctx, sc.Conn(), p, results) })
		if err != nil && sc.Conn().IsClosed() {
			return errors.Join(err, driver.ErrBadConn) // the pool must not keep it
		}
		return err
	})
}

func (db *DB) pipelineLookups(ctx context.Context, c *pgx.Conn, p lookupPlan, results []lookupResult) (err error) {
	now := db.clock.Now().UTC().Truncate(time.Millisecond) // as a Tx's now
	open := false
	defer func() {
		if err != nil && open && !c.IsClosed() {
			// Bounded: on a hung server an unbounded ROLLBACK would hold the batcher.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			c.Exec(rctx, "ROLLBACK")
		}
	}()

	counts := countsFor(db.dialect, p.keys, now, time.Minute)
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(counts.query, counts.args...)
	if len(p.want) > 0 {
		read, args := formFieldsQuery(db.dialect, p.want)
		b.Queue(read, args...)
	}
	br := c.SendBatch(ctx, b)
	var positions []int
	var starts []int64
	found := map[string]lookedUp{}
	err = func() error {
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("store: look-up: begin: %w", err)
		}
		open = true
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
			found, err = readFormFields(rs)
			rs.Close()
		}
		return err
	}()
	if err != nil {
		return err
	}

	entries := p.decide(now, positions, starts, found, results)
	if len(entries) == 0 {
		_, err = c.Exec(ctx, "COMMIT")
		return err
	}
	var last int64
	var prev string
	if err = c.QueryRow(ctx, moveAuditHead, len(entries)).Scan(&last, &prev); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	insert, args, head, err := auditInsert(db.dialect, entries, now, last, prev)
	if err != nil {
		return err
	}
	b = &pgx.Batch{}
	b.Queue(insert, args...)
	b.Queue(setAuditHead, head)
	b.Queue("COMMIT")
	br = c.SendBatch(ctx, b)
	for _, what := range []string{"audit insert", "audit head", "commit"} {
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

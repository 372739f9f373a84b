package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"kabinet"
)

// auditChunk is how many entries one statement of a verification reads: each is a
// short range of the primary key, so no statement outlasts PostgreSQL's
// statement_timeout (the request deadline, in a serving instance), however long the
// log, and memory stays flat.
var auditChunk = 5000

// maxAuditBreaks bounds the breaks a verification lists.
const maxAuditBreaks = 100

// chainCheck walks the audit log in seq order and notes every entry that is not where
// the chain says it should be: a gap or a step back in seq (removed or reordered
// entries), a prev_hash that is not the entry before's hash (removed, inserted or
// reordered), a hash that is not the entry's own (altered).
type chainCheck struct {
	rep  *AuditReport
	want int64  // the seq the next entry should have
	prev string // the hash the next entry should chain to
	last int64  // the last seq read (the walk's cursor)
}

func (c *chainCheck) report(format string, args ...any) {
	if len(c.rep.Breaks) < maxAuditBreaks {
		c.rep.Breaks = append(c.rep.Breaks, fmt.Sprintf(format, args...))
	}
}

func (c *chainCheck) entry(ev kabinet.AuditEvent) {
	c.rep.Entries++
	if ev.Seq != c.want {
		c.report("entry %d: expected entry %d here (entries removed or reordered)", ev.Seq, c.want)
	}
	if ev.PrevHash != c.prev {
		c.report("entry %d: does not follow the entry before it (removed, inserted or reordered)", ev.Seq)
	}
	if auditHash(ev) != ev.Hash {
		c.report("entry %d: content does not match its hash (altered)", ev.Seq)
	}
	c.prev, c.want, c.last = ev.Hash, ev.Seq+1, ev.Seq
}

// walk checks the entries after the cursor up to seq upTo, a chunk per statement,
// calling onProgress after each.
func (db *DB) walkAudit(ctx context.Context, c *chainCheck, upTo, head int64, onProgress func(checked, head int64)) error {
	for {
		rows, err := db.sql.QueryContext(ctx, `SELECT seq, at, actor, action, subject, address, details, prev_hash, hash
			FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, c.last, upTo, auditChunk)
		if err != nil {
			return fmt.Errorf("store: read audit log: %w", err)
		}
		n := 0
		for rows.Next() {
			var ev kabinet.AuditEvent
			var at int64
			if err := rows.Scan(&ev.Seq, &at, &ev.Actor, &ev.Action, &ev.Subject, &ev.Address, &ev.Details, &ev.PrevHash, &ev.Hash); err != nil {
				rows.Close()
				return err
			}
			ev.At = fromMS(at)
			c.entry(ev)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: read audit log: %w", err)
		}
		if onProgress != nil {
			onProgress(c.rep.Entries, head)
		}
		if n < auditChunk {
			return nil
		}
	}
}

func (db *DB) auditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	if err := db.sql.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&seq, &hash); err != nil {
		return 0, "", fmt.Errorf("store: read audit head: %w", err)
	}
	return seq, hash, nil
}

// VerifyAuditProgress is VerifyAudit calling onProgress, when not nil, with the
// entries checked so far and the head's seq, after each chunk of auditChunk entries.
//
// It checks the log up to the head as read when it starts, and on to the head's
// newer positions while the service keeps appending, until a walk ends where the
// head is: entries appended meanwhile are checked, never taken for a break (the
// head is read apart from the entries, and on PostgreSQL each statement sees the
// latest commits). An entry stored beyond the head (a forged tail) is a break.
func (db *DB) VerifyAuditProgress(ctx context.Context, onProgress func(checked, head int64)) (AuditReport, error) {
	var rep AuditReport
	c := &chainCheck{rep: &rep, want: 1, last: math.MinInt64}
	head, headHash, err := db.auditHead(ctx)
	if err != nil {
		return rep, err
	}
	// A few rounds at most: under a steady stream of appends the walk stops at a head
	// it read, and what was appended since is left to the next verification.
	for round := 1; ; round++ {
		if err := db.walkAudit(ctx, c, head, head, onProgress); err != nil {
			return rep, err
		}
		if round == 10 {
			break
		}
		now, nowHash, err := db.auditHead(ctx)
		if err != nil {
			return rep, err
		}
		if now == head {
			break
		}
		head, headHash = now, nowHash
	}
	rep.Head = head
	// An append writes its entry and moves the head in one transaction: an entry past
	// a head read after it was seen was never appended by the service.
	var maxSeq sql.NullInt64
	if err := db.sql.QueryRowContext(ctx, "SELECT MAX(seq) FROM audit_log").Scan(&maxSeq); err != nil {
		return rep, fmt.Errorf("store: read audit log: %w", err)
	}
	later, _, err := db.auditHead(ctx)
	if err != nil {
		return rep, err
	}
	switch {
	case maxSeq.Valid && maxSeq.Int64 > later:
		c.report("head: says entry %d, the log ends at entry %d (entries added after the head, or the head altered)", rep.Head, maxSeq.Int64)
	case rep.Head != c.want-1 || headHash != c.prev:
		c.report("head: says entry %d, the log ends at entry %d (entries removed from the end, or the head altered)", rep.Head, c.want-1)
	}
	return rep, nil
}

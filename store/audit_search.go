package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kabinet"
)

// AuditQuery selects audit entries for the supervisor's viewer (issue 14, point 9):
// each filter given must match exactly; the page is the newest entries before Before.
type AuditQuery struct {
	Actor   string    // "staff:ivanova", "public", "cli", "system", "taxpayer:…"
	Action  string    // "registry.upload", "auth.signin", …
	Subject string    // "job:3", "staff:naryn", an ИНН, an application code, …
	From    time.Time // entries at or after; zero: no bound
	To      time.Time // entries before; zero: no bound
	Before  int64     // entries with a smaller seq (the next page's cursor); 0: the newest
	Limit   int       // 1…200; 0: 50
}

// auditClockMargin bounds how far an entry's time may run against the order of seq:
// an entry is timed as its transaction begins and numbered as it appends, and no
// transaction lasts this long (the request deadline and the statement and lock
// timeouts are 15 s by default), clocks of instances agreeing (NTP).
const auditClockMargin = 5 * time.Minute

// seqBefore is the seq of the latest entry timed before t (0: none): every entry timed
// auditClockMargin after it or later has a greater seq, so a range of dates becomes a
// range of seq read from the primary key (through the index on at, one row).
func (db *DB) seqBefore(ctx context.Context, t time.Time) (int64, error) {
	return db.seqAt(ctx, "SELECT seq FROM audit_log WHERE at < $1 ORDER BY at DESC LIMIT 1", t)
}

// seqFrom is the seq of the first entry timed at or after t (0: none): every entry
// timed auditClockMargin before it or earlier has a smaller seq.
func (db *DB) seqFrom(ctx context.Context, t time.Time) (int64, error) {
	return db.seqAt(ctx, "SELECT seq FROM audit_log WHERE at >= $1 ORDER BY at LIMIT 1", t)
}

func (db *DB) seqAt(ctx context.Context, q string, t time.Time) (int64, error) {
	var seq int64
	err := db.sql.QueryRowContext(ctx, q, ms(t)).Scan(&seq)
	if errors.Is(err, errNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: search audit: %w", err)
	}
	return seq, nil
}

// AuditPage is a page of entries, newest first, and the cursor of the next page
// (0 when there is none).
type AuditPage struct {
	Events []kabinet.AuditEvent
	Next   int64
}

// SearchAudit returns a page of entries, newest first. Each filter given becomes a
// condition; a range of dates bounds the range of seq read (through the index on at,
// migration 0013), so a search within dates reads only those dates' entries. Without
// dates, actor, action and subject are looked for from the newest entry back. A
// filter no entry can match (invalid UTF-8, a control character) is refused as
// invalid_text, alike on both engines.
func (db *DB) SearchAudit(ctx context.Context, q AuditQuery) (AuditPage, error) {
	var page AuditPage
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 200)
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, db.dialect.param(len(args))))
	}
	for _, f := range []struct {
		name, col string
		v         string
	}{{"actor", "actor", q.Actor}, {"action", "action", q.Action}, {"subject", "subject", q.Subject}} {
		v, err := kabinet.CleanText(f.name, f.v, 200)
		if err != nil {
			return page, err
		}
		if v != "" {
			add(f.col+" = %s", v)
		}
	}
	if !q.From.IsZero() {
		add("at >= %s", ms(q.From))
		lo, err := db.seqBefore(ctx, q.From.Add(-auditClockMargin))
		if err != nil {
			return page, err
		}
		if lo > 0 {
			add("seq > %s", lo)
		}
	}
	if !q.To.IsZero() {
		add("at < %s", ms(q.To))
		hi, err := db.seqFrom(ctx, q.To.Add(auditClockMargin))
		if err != nil {
			return page, err
		}
		if hi > 0 {
			add("seq < %s", hi)
		}
	}
	if q.Before > 0 {
		add("seq < %s", q.Before)
	}
	sqlText := "SELECT seq, at, actor, action, subject, address, details, prev_hash, hash FROM audit_log"
	if len(where) > 0 {
		sqlText += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, q.Limit+1)
	sqlText += " ORDER BY seq DESC LIMIT " + db.dialect.param(len(args))
	rows, err := db.sql.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return page, fmt.Errorf("store: search audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ev kabinet.AuditEvent
		var at int64
		if err := rows.Scan(&ev.Seq, &at, &ev.Actor, &ev.Action, &ev.Subject, &ev.Address, &ev.Details, &ev.PrevHash, &ev.Hash); err != nil {
			return page, err
		}
		ev.At = fromMS(at)
		page.Events = append(page.Events, ev)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("store: search audit: %w", err)
	}
	if len(page.Events) > q.Limit {
		page.Events = page.Events[:q.Limit]
		page.Next = page.Events[q.Limit-1].Seq
	}
	return page, nil
}

// SearchAuditAs is SearchAudit for a supervisor in the back office (issue 14, point 9),
// itself audited as audit.view with the filters and the count shown: the log holds
// personal data (an ИНН looked up is a subject), and who read it is on record too.
func (db *DB) SearchAuditAs(ctx context.Context, s StaffActor, q AuditQuery) (AuditPage, error) {
	if err := supervisorOnly(s, "read the audit log"); err != nil {
		return AuditPage{}, err
	}
	page, err := db.SearchAudit(ctx, q)
	if err != nil {
		return page, err
	}
	details := map[string]any{"entries": len(page.Events)}
	for k, v := range map[string]string{"actor": q.Actor, "action": q.Action, "subject": q.Subject} {
		if v = strings.TrimSpace(v); v != "" {
			details[k] = v
		}
	}
	if !q.From.IsZero() {
		details["from"] = q.From.UTC().Format(time.RFC3339)
	}
	if !q.To.IsZero() {
		details["to"] = q.To.UTC().Format(time.RFC3339)
	}
	if q.Before > 0 {
		details["before"] = q.Before
	}
	err = db.inTx(ctx, func(tx *Tx) error { return tx.audit(ctx, s.actor(), "audit.view", "", details) })
	return page, err
}

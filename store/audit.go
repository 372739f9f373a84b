package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kabinet"
)

// Actor is who does something and from where, for the audit log.
type Actor struct {
	Name    string // "staff:ivanova", "taxpayer:np…", "public", "cli", "system"
	Address string // client address
}

// System is the actor for what the service does by itself or from the command line.
var System = Actor{Name: "system"}

// audit appends one entry to the audit log inside tx (SEC-1). The head row's UPDATE
// takes a row lock in PostgreSQL (SQLite has a single writer), so appends are
// serialised and the chain has no forks. Call it last in a transaction: the lock is
// held until commit.
func (tx *Tx) audit(ctx context.Context, who Actor, action, subject string, details map[string]any) error {
	return tx.auditMany(ctx, []auditEntry{{who: who, action: action, subject: subject, details: details}})
}

// auditEntry is one entry to append.
type auditEntry struct {
	who     Actor
	action  string
	subject string
	details map[string]any
}

// auditMany appends entries, in order, with one move of the head, as a batch's group
// commit needs; audit is its one-entry case. On PostgreSQL the entries go in one
// insert; on SQLite each in the one prepared statement (prepared.go), which costs
// less than parsing an insert shaped by the batch's size.
func (tx *Tx) auditMany(ctx context.Context, entries []auditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	var last int64
	var prev string
	if err := tx.queryRowOften(ctx, moveAuditHead, len(entries)).Scan(&last, &prev); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	insert, args, head, err := auditInsert(tx.db.dialect, entries, tx.now, last, prev)
	if err != nil {
		return err
	}
	switch {
	case tx.db.dialect == sqlite:
		insert, err := tx.stmtOften(ctx, insertAuditOne)
		if err != nil {
			return fmt.Errorf("store: audit insert: %w", err)
		}
		for i := 0; i < len(args); i += auditColumns {
			if _, err := insert.ExecContext(ctx, args[i:i+auditColumns]...); err != nil {
				return fmt.Errorf("store: audit insert: %w", err)
			}
		}
	default:
		if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
			return fmt.Errorf("store: audit insert: %w", err)
		}
	}
	if _, err := tx.execOften(ctx, setAuditHead, head); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

// moveAuditHead reserves $1 sequence numbers and returns the last of them and the hash
// the first one chains to; its row lock serialises appends until commit.
const moveAuditHead = "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash"

// setAuditHead records the hash of the last entry appended.
const setAuditHead = "UPDATE audit_head SET hash = $1 WHERE id = 1"

// auditInsert builds the insert of entries, numbered up to last and chained from prev,
// and returns the new head hash.
func auditInsert(d dialect, entries []auditEntry, now time.Time, last int64, prev string) (query string, args []any, head string, err error) {
	var q strings.Builder
	q.WriteString("INSERT INTO audit_log (seq, at, actor, action, subject, address, details, prev_hash, hash) VALUES ")
	args = make([]any, 0, 9*len(entries))
	for i, e := range entries {
		details := "{}"
		if len(e.details) > 0 {
			b, err := json.Marshal(e.details)
			if err != nil {
				return "", nil, "", fmt.Errorf("store: audit details: %w", err)
			}
			details = string(b)
		}
		ev := kabinet.AuditEvent{Seq: last - int64(len(entries)) + int64(i) + 1, At: now, Actor: e.who.Name, Action: e.action,
			Subject: e.subject, Address: e.who.Address, Details: details, PrevHash: prev}
		ev.Hash = auditHash(ev)
		prev = ev.Hash
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for k, v := range []any{ev.Seq, ms(ev.At), ev.Actor, ev.Action, ev.Subject, ev.Address, ev.Details, ev.PrevHash, ev.Hash} {
			if k > 0 {
				q.WriteString(", ")
			}
			args = append(args, v)
			q.WriteString(d.param(len(args)))
		}
		q.WriteByte(')')
	}
	return q.String(), args, prev, nil
}

// auditHash is SHA-256 over the entry's fields and the previous hash, each field
// JSON-encoded in a fixed array so no two different entries share an encoding.
func auditHash(ev kabinet.AuditEvent) string {
	b, _ := json.Marshal([]string{ev.PrevHash, strconv.FormatInt(ev.Seq, 10), strconv.FormatInt(ms(ev.At), 10),
		ev.Actor, ev.Action, ev.Subject, ev.Address, ev.Details})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// AuditReport is the result of verifying the audit log.
type AuditReport struct {
	Entries int64    // entries checked
	Head    int64    // the head's seq
	Breaks  []string // what is wrong, in order; empty when the chain is intact
}

// OK reports an intact chain.
func (r AuditReport) OK() bool { return len(r.Breaks) == 0 }

// VerifyAudit walks the whole log in order and reports every altered, removed,
// inserted or reordered entry, and a head that disagrees with the last entry.
// It reads the log in chunks (VerifyAuditProgress), so a log of any length is checked
// in constant memory and no statement outlasts a statement timeout.
func (db *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	return db.VerifyAuditProgress(ctx, nil)
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Subject string
	Actor   string
	Limit   int
}

// ListAudit returns the newest entries first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]kabinet.AuditEvent, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, at, actor, action, subject, address, details, prev_hash, hash
		FROM audit_log WHERE ($1 = '' OR subject = $1) AND ($2 = '' OR actor = $2) ORDER BY seq DESC LIMIT $3`,
		f.Subject, f.Actor, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer rows.Close()
	var out []kabinet.AuditEvent
	for rows.Next() {
		var ev kabinet.AuditEvent
		var at int64
		if err := rows.Scan(&ev.Seq, &at, &ev.Actor, &ev.Action, &ev.Subject, &ev.Address, &ev.Details, &ev.PrevHash, &ev.Hash); err != nil {
			return nil, err
		}
		ev.At = fromMS(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

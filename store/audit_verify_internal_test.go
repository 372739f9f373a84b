package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
)

// SEC-1, issue 14 point 9: the chain is verified in chunks, each one statement, with
// progress after each; entries appended while it runs are checked, not taken for
// breaks; an entry beyond the head, or one altered in a later chunk, is a break.
func TestVerifyAuditInChunks(t *testing.T) {
	defer func(n int) { auditChunk = n }(auditChunk)
	auditChunk = 3
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := Open(ctx, url, Options{Clock: kabinet.NewManualClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		appendEntries := func(n int) {
			t.Helper()
			for i := 0; i < n; i++ {
				if err := db.inTx(ctx, func(tx *Tx) error {
					return tx.audit(ctx, Actor{Name: "test"}, "test.entry", fmt.Sprint(i), nil)
				}); err != nil {
					t.Fatal(err)
				}
			}
		}
		appendEntries(11)
		var calls []string
		rep, err := db.VerifyAuditProgress(ctx, func(checked, head int64) {
			calls = append(calls, fmt.Sprintf("%d/%d", checked, head))
			if len(calls) == 1 {
				appendEntries(2) // the service goes on appending meanwhile
			}
		})
		if err != nil || !rep.OK() || rep.Entries != 13 || rep.Head != 13 {
			t.Fatalf("SEC-1 intact chain with appends meanwhile: %+v %v", rep, err)
		}
		if got := strings.Join(calls, " "); !strings.HasPrefix(got, "3/11 6/11 9/11 11/11 13/13") {
			t.Errorf("progress %q", got)
		}
		if db.dialect == postgres {
			if _, err := db.sql.Exec("ALTER TABLE audit_log DISABLE TRIGGER USER"); err != nil {
				t.Fatal(err)
			}
		}
		// A forged entry past the head, chained correctly, the head left alone.
		var prev string
		db.sql.QueryRow("SELECT hash FROM audit_log WHERE seq = 13").Scan(&prev)
		ev := kabinet.AuditEvent{Seq: 14, At: time.UnixMilli(1), Actor: "x", Action: "x", Details: "{}", PrevHash: prev}
		ev.Hash = auditHash(ev)
		if _, err := db.sql.Exec(`INSERT INTO audit_log (seq, at, actor, action, subject, address, details, prev_hash, hash)
			VALUES (14, 1, 'x', 'x', '', '', '{}', $1, $2)`, prev, ev.Hash); err != nil {
			t.Fatal(err)
		}
		rep, err = db.VerifyAudit(ctx)
		if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Breaks, "\n"), "added after the head") {
			t.Errorf("SEC-1 an entry past the head: %+v %v", rep.Breaks, err)
		}
		if _, err := db.sql.Exec("DELETE FROM audit_log WHERE seq = 14"); err != nil {
			t.Fatal(err)
		}
		// Altered in a later chunk.
		if _, err := db.sql.Exec("UPDATE audit_log SET subject = 'changed' WHERE seq = 8"); err != nil {
			t.Fatal(err)
		}
		rep, err = db.VerifyAudit(ctx)
		if err != nil || len(rep.Breaks) != 1 || !strings.Contains(rep.Breaks[0], "entry 8: content does not match") {
			t.Errorf("SEC-1 an altered entry in the third chunk: %+v %v", rep.Breaks, err)
		}
	})
}

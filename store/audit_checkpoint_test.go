package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kabinet/internal/dbtest"
	"kabinet/store"
)

// allowAuditTampering lets a test rewrite the audit log as an attacker holding the
// tables' owner would: on PostgreSQL the owner can disable the append-only triggers.
func allowAuditTampering(t *testing.T, db *store.DB) {
	t.Helper()
	if db.Engine() != "postgres" {
		return
	}
	if _, err := db.SQL().Exec("ALTER TABLE audit_log DISABLE TRIGGER USER"); err != nil {
		t.Fatal(err)
	}
}

// SEC-1: deleting the newest entries and rewinding the head leaves an intact, shorter
// chain, which VerifyAudit cannot tell from the original (documented in SECURITY.md);
// a signed checkpoint taken before does.
func TestAuditCheckpointDetectsTruncation(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		loadRegistry(t, db, registryCSV)
		for i := 0; i < 3; i++ {
			db.LookupRegistry(ctx, store.Actor{Name: "public", Address: "10.0.0.1"}, "11705198700772", 100)
		}
		cp, err := db.AuditCheckpoint(ctx)
		if err != nil || cp.Seq != 4 || len(cp.Hash) != 64 {
			t.Fatalf("checkpoint: %+v %v", cp, err)
		}
		line, err := store.SignCheckpoint(key, cp)
		if err != nil {
			t.Fatal(err)
		}
		cps, err := store.ReadCheckpoints(key, strings.NewReader("# checkpoints\n\n"+line+"\n"))
		if err != nil || len(cps) != 1 || cps[0].Seq != cp.Seq || cps[0].Hash != cp.Hash || !cps[0].At.Equal(cp.At.Truncate(time.Second)) {
			t.Fatalf("read back %+v %v, signed %+v", cps, err, cp)
		}
		if breaks, err := db.CheckAuditCheckpoints(ctx, cps); err != nil || len(breaks) != 0 {
			t.Fatalf("intact log against its checkpoint: %v %v", breaks, err)
		}
		// A checkpoint signed with another key, or altered, is refused.
		if _, err := store.ReadCheckpoints([]byte("another key, 16+ bytes long"), strings.NewReader(line)); err == nil {
			t.Error("a checkpoint under another key accepted")
		}
		if _, err := store.ReadCheckpoints(key, strings.NewReader(strings.Replace(line, "seq=4", "seq=3", 1))); err == nil {
			t.Error("an altered checkpoint accepted")
		}
		if _, err := store.SignCheckpoint([]byte("short"), cp); err == nil {
			t.Error("a short key accepted")
		}

		// Truncate: delete the newest entry and rewind the head to the one before.
		allowAuditTampering(t, db)
		for _, q := range []string{
			"UPDATE audit_head SET seq = seq - 1, hash = (SELECT prev_hash FROM audit_log WHERE seq = 4) WHERE id = 1",
			"DELETE FROM audit_log WHERE seq = 4",
		} {
			if _, err := db.SQL().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := db.VerifyAudit(ctx)
		if err != nil || !rep.OK() || rep.Entries != 3 {
			t.Fatalf("without a checkpoint a truncated tail is undetectable, as documented; got %+v %v", rep, err)
		}
		breaks, err := db.CheckAuditCheckpoints(ctx, cps)
		if err != nil || len(breaks) != 1 || !strings.Contains(breaks[0], "entry 4 is missing") || !strings.Contains(breaks[0], "truncated") {
			t.Fatalf("SEC-1 truncation against the checkpoint: %v %v", breaks, err)
		}

		// Cover it up with a new entry 4: the chain is intact again, the checkpoint still differs.
		clock.Advance(time.Minute)
		db.LookupRegistry(ctx, store.Actor{Name: "public", Address: "10.0.0.2"}, "11705198700772", 100)
		if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() || rep.Entries != 4 {
			t.Fatalf("re-grown chain: %+v %v", rep, err)
		}
		breaks, err = db.CheckAuditCheckpoints(ctx, cps)
		if err != nil || len(breaks) != 1 || !strings.Contains(breaks[0], "entry 4 differs") {
			t.Fatalf("SEC-1 rewritten tail against the checkpoint: %v %v", breaks, err)
		}
	})
}

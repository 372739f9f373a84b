package store_test

import (
	"context"
	"strings"
	"testing"

	"kabinet/internal/dbtest"
	"kabinet/store"
)

// SEC-1: on PostgreSQL the audit log refuses UPDATE, DELETE and TRUNCATE.
func TestAuditAppendOnlyPostgres(t *testing.T) {
	db, _ := open(t, dbtest.URL(t, dbtest.Engine{Name: "postgres"}))
	ctx := context.Background()
	loadRegistry(t, db, registryCSV)
	db.LookupRegistry(ctx, store.Actor{Name: "public", Address: "10.0.0.1"}, "11705198700772", 100)
	for _, q := range []string{
		"UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1",
		"DELETE FROM audit_log WHERE seq = 2",
		"TRUNCATE audit_log",
	} {
		_, err := db.SQL().ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("SEC-1 %s: %v, want refused as append-only", q, err)
		}
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() || rep.Entries != 2 {
		t.Errorf("the log after refused changes: %+v %v", rep, err)
	}
}

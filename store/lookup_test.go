package store_test

import (
	"context"
	"sync"
	"testing"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// SQLite counts a batch's look-ups with their keys in one JSON array; a client address
// JSON cannot carry unchanged (invalid UTF-8, NUL) is counted on its own row all the
// same, exactly (SEC-2), and the look-ups are audited.
func TestLookupCountsKeysJSONCannotCarry(t *testing.T) {
	db, _ := open(t, dbtest.URL(t, dbtest.Engine{Name: "sqlite"}))
	ctx := context.Background()
	loadRegistry(t, db, registryCSV)
	for _, addr := range []string{"\xff\xfe", "10.0.0.1\x00x", "10.0.0.1"} {
		who := store.Actor{Name: "public", Address: addr}
		codes := make([]string, 8)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := db.LookupRegistry(ctx, who, "11705198700772", 5)
				if err != nil {
					codes[i] = kabinet.ErrorCode(err)
				}
			}(i)
		}
		wg.Wait()
		ok, limited := 0, 0
		for _, c := range codes {
			switch c {
			case "":
				ok++
			case "rate_limited":
				limited++
			default:
				t.Errorf("address %q: look-up answered %q", addr, c)
			}
		}
		if ok != 5 || limited != 3 {
			t.Errorf("address %q: %d answered and %d refused of 8 against a limit of 5, want 5 and 3", addr, ok, limited)
		}
	}
	evs, err := db.ListAudit(ctx, store.AuditFilter{Subject: "11705198700772"})
	if err != nil || len(evs) != 15 {
		t.Errorf("SEC-2 %d look-ups audited, want 15 (%v)", len(evs), err)
	}
	if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() {
		t.Errorf("SEC-1 the chain: %v %v", err, rep.Breaks)
	}
}

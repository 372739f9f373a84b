package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// Issue 14, point 9 (SEC-1): the audit viewer's search: each filter exact, a time range
// in [From, To), newest first, pages by seq cursor; a filter no entry can hold is
// invalid_text alike on both engines.
func TestSearchAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		loadRegistry(t, db, registryCSV)                                                                               // entry 1: registry.import by system
		sup := staffActor(t, db, store.NewStaff{Login: "boss", Role: kabinet.RoleSupervisor, Password: "Boss!2026xy"}) // 2
		for i := 0; i < 7; i++ {                                                                                       // 3…9: look-ups by public, an hour apart
			clock.Advance(time.Hour)
			if _, err := db.LookupRegistry(ctx, store.Actor{Name: "public", Address: "10.0.0.1"}, "11705198700772", 100); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(time.Hour)
		if _, err := db.SaveOffice(ctx, sup, kabinet.Office{Code: "099", NameRU: "Новый", NameKY: "Жаңы"}); err != nil { // 10
			t.Fatal(err)
		}
		// An entry timed before the one above it (its transaction began two minutes
		// earlier and appended later): dates still find it.
		clock.Advance(-2 * time.Minute)
		if _, err := db.SaveOffice(ctx, sup, kabinet.Office{Code: "098", NameRU: "Ещё", NameKY: "Дагы"}); err != nil { // 11
			t.Fatal(err)
		}
		seqs := func(p store.AuditPage) string {
			s := ""
			for _, e := range p.Events {
				s += fmt.Sprintf("%d ", e.Seq)
			}
			return fmt.Sprintf("%s→%d", s, p.Next)
		}
		for _, c := range []struct {
			name string
			q    store.AuditQuery
			want string
		}{
			{"all", store.AuditQuery{}, "11 10 9 8 7 6 5 4 3 2 1 →0"},
			{"actor", store.AuditQuery{Actor: "staff:boss"}, "11 10 →0"},
			{"actor unknown", store.AuditQuery{Actor: "staff:nobody"}, "→0"},
			{"action", store.AuditQuery{Action: "staff.create"}, "2 →0"},
			{"subject", store.AuditQuery{Subject: "11705198700772"}, "9 8 7 6 5 4 3 →0"},
			{"page 1", store.AuditQuery{Subject: "11705198700772", Limit: 3}, "9 8 7 →7"},
			{"page 2", store.AuditQuery{Subject: "11705198700772", Limit: 3, Before: 7}, "6 5 4 →4"},
			{"page 3", store.AuditQuery{Subject: "11705198700772", Limit: 3, Before: 4}, "3 →0"},
			{"from", store.AuditQuery{From: t0.Add(5 * time.Hour)}, "11 10 9 8 7 →0"},
			{"from, out of order", store.AuditQuery{From: t0.Add(8*time.Hour - time.Minute)}, "10 →0"},
			{"from, both out of order", store.AuditQuery{From: t0.Add(8*time.Hour - 3*time.Minute)}, "11 10 →0"},
			{"to, out of order", store.AuditQuery{To: t0.Add(8*time.Hour - time.Minute), Actor: "staff:boss"}, "11 →0"},
			{"to", store.AuditQuery{To: t0.Add(2 * time.Hour)}, "3 2 1 →0"},
			{"range and actor", store.AuditQuery{Actor: "public", From: t0.Add(2 * time.Hour), To: t0.Add(4 * time.Hour)}, "5 4 →0"},
			{"all filters", store.AuditQuery{Actor: "public", Action: "registry.lookup", Subject: "11705198700772", From: t0, To: t0.Add(24 * time.Hour), Limit: 2}, "9 8 →8"},
		} {
			p, err := db.SearchAudit(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := seqs(p); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
		// The back office's search is a supervisor's, and is itself audited.
		officer := staffActor(t, db, store.NewStaff{Login: "naryn", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Naryn!2026x"})
		if _, err := db.SearchAuditAs(ctx, officer, store.AuditQuery{}); kabinet.ErrorCode(err) != "supervisor_only" {
			t.Errorf("an officer reads the log: %v", err)
		}
		if p, err := db.SearchAuditAs(ctx, sup, store.AuditQuery{Subject: "11705198700772", Limit: 3}); err != nil || len(p.Events) != 3 {
			t.Fatalf("a supervisor's search: %v", err)
		}
		if p, _ := db.SearchAudit(ctx, store.AuditQuery{Action: "audit.view", Limit: 1}); len(p.Events) != 1 || p.Events[0].Actor != "staff:boss" ||
			p.Events[0].Details != `{"entries":3,"subject":"11705198700772"}` {
			t.Errorf("SEC-1 audit.view: %+v", p.Events)
		}
		for _, q := range []store.AuditQuery{{Actor: "x\x00"}, {Action: "\xff"}, {Subject: "a\x01b"}} {
			if _, err := db.SearchAudit(ctx, q); kabinet.ErrorCode(err) != "invalid_text" {
				t.Errorf("SEC-3 %+v: %v", q, err)
			}
		}
	})
}

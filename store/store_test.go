package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/password"
	"kabinet/store"
)

// testHasher is argon2id with tiny parameters, so tests are fast.
func testHasher() *password.Hasher {
	return password.NewHasher(password.Params{Memory: 64, Time: 1, Threads: 1}, 4, 5*time.Second)
}

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, kabinet.Bishkek)

// open returns a fresh, migrated database on the engine of url, with a manual clock.
func open(t *testing.T, url string) (*store.DB, *kabinet.ManualClock) {
	t.Helper()
	clock := kabinet.NewManualClock(t0)
	db, err := store.Open(context.Background(), url, store.Options{Clock: clock, Hasher: testHasher()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, clock
}

const registryCSV = `inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference
11705198700772,individual,Кашкариева Жазгул Бейшенбековна,,,038,"Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2,",active,
01503201010123,legal,ОсОО «Нарын Агро Өнүгүү»,Директор,Өмүрбеков Үсөн Каңкаевич,038,"г. Нарын",active,
12503199000111,individual,Абдыкадырова Айгүл Маратовна,,,002,"г. Бишкек",liquidated,
20107198200456,entrepreneur,Жумабеков Бакыт Асанович,,,038,"с. Ак-Кыя",active,Акт № 12-04/118
`

func loadRegistry(t *testing.T, db *store.DB, text string) (store.ImportReport, []store.LineError) {
	t.Helper()
	var bad []store.LineError
	rep, err := db.ImportRegistry(context.Background(), store.System, "test.csv", store.FormatCSV, strings.NewReader(text),
		func(e store.LineError) { bad = append(bad, e) })
	if err != nil {
		t.Fatal(err)
	}
	return rep, bad
}

func TestMigrate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		again, err := db.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate: applied %v, err %v", again, err)
		}
		offices, err := db.Offices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(offices) != 65 {
			t.Errorf("fresh database has %d offices, want the 65 of offices.csv", len(offices))
		}
		o, err := db.Office(ctx, "038")
		if err != nil || o.NameRU != "Нарынский р-н" || o.NameKY != "Нарын району" {
			t.Errorf("office 038 = %+v, %v", o, err)
		}
		if _, err := db.Office(ctx, "062"); kabinet.ErrorCode(err) != "office_not_found" {
			t.Errorf("unknown office: %v", err)
		}
	})
}

// Several instances starting at once on one database must not trip over each other.
func TestMigrateConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.Open(context.Background(), url, store.Options{})
				if err != nil {
					errs <- err
					return
				}
				defer db.Close()
				_, err = db.Migrate(context.Background())
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		db, _ := open(t, url)
		offices, _ := db.Offices(context.Background())
		if len(offices) != 65 {
			t.Errorf("%d offices after concurrent migrations", len(offices))
		}
	})
}

func TestRegistryImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		rep, bad := loadRegistry(t, db, registryCSV)
		if rep.Loaded != 4 || rep.Rejected != 0 || len(bad) != 0 {
			t.Fatalf("report %+v, bad %v", rep, bad)
		}
		tp, err := db.Taxpayer(ctx, "11705198700772")
		if err != nil {
			t.Fatal(err)
		}
		if tp.Name != "Кашкариева Жазгул Бейшенбековна" || tp.OfficeCode != "038" ||
			tp.Address != "Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2," || tp.Signatory() != tp.Name {
			t.Errorf("Guide taxpayer = %+v", tp)
		}
		legal, _ := db.Taxpayer(ctx, "01503201010123")
		if legal.Signatory() != "Директор Өмүрбеков Үсөн Каңкаевич" {
			t.Errorf("legal signatory (297) = %q", legal.Signatory())
		}

		// Bad lines are reported with their number and reason; the rest load; updates by ИНН.
		text := "inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference\n" +
			"11705198700772,individual,Кашкариева Жазгул Бейшенбековна,,,038,новый адрес,active,\n" + // 2: update
			"1170519870077,individual,Short,,,038,a,active,\n" + // 3: length
			"31705198700772,individual,First digit,,,038,a,active,\n" + // 4: first digit
			"13102198700772,individual,Feb 31,,,038,a,active,\n" + // 5: date
			"21212198800231,individual,Unknown office,,,062,a,active,\n" + // 6: office
			"21212198800231,robot,Bad kind,,,038,a,active,\n" + // 7: kind
			"21212198800231,individual,Bad status,,,038,a,sleeping,\n" + // 8: status
			"01503201010123,individual,Kind mismatch,,,038,a,active,\n" + // 9: mismatch
			"01503201010124,legal,No head,,,038,a,active,\n" + // 10: head
			"21212198800231,individual,Bad \xff UTF-8,,,038,a,active,\n" + // 11: utf-8
			"21212198800231,individual,NUL \x00 byte,,,038,a,active,\n" + // 12: NUL
			"21212198800231,individual,Too few\n" + // 13: fields
			"21212198800231,individual,Төлөнов Эрмек Үсөнович,,,005,с. Лебединовка,active,\n" + // 14: ok
			"21212198800232,individual,\"broken quote,,,005,a,active,\n" // 15: malformed
		rep, bad = loadRegistry(t, db, text)
		if rep.Loaded != 2 {
			t.Errorf("loaded %d, want 2 (report %+v)", rep.Loaded, rep)
		}
		want := map[int]string{3: "inn", 4: "inn", 5: "inn", 6: "office_code", 7: "kind", 8: "status", 9: "kind",
			10: "head", 11: "name", 12: "name", 13: "fields", 15: "CSV"}
		got := map[int]string{}
		for _, b := range bad {
			got[b.Line] = b.Reason
		}
		for line, word := range want {
			if !strings.Contains(got[line], word) {
				t.Errorf("line %d: reason %q should mention %q", line, got[line], word)
			}
		}
		if len(bad) != len(want) {
			t.Errorf("bad lines %v, want lines %v", got, want)
		}
		tp, _ = db.Taxpayer(ctx, "11705198700772")
		if tp.Address != "новый адрес" {
			t.Errorf("update by ИНН: address %q", tp.Address)
		}
		if _, err := db.Taxpayer(ctx, "21212198800231"); err != nil {
			t.Errorf("good line after bad ones not loaded: %v", err)
		}
		// A bad header rejects the file, loading nothing.
		_, err = db.ImportRegistry(ctx, store.System, "x.csv", store.FormatCSV, strings.NewReader("inn,name\n1,2\n"), func(store.LineError) {})
		if kabinet.ErrorCode(err) != "invalid_file" {
			t.Errorf("bad header: %v", err)
		}
	})
}

func TestRegistryImportJSONL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		text := `{"inn":"11705198700772","kind":"individual","name":"Кашкариева Жазгул Бейшенбековна","office_code":"038","address":"Нарын","status":"active"}
not json
{"inn":"11705198700772","kind":"individual","name":"X","office_code":"038","address":"a","status":"active","extra":"y"}
{"inn":11705198700772,"kind":"individual","name":"X","office_code":"038","address":"a","status":"active"}

{"inn":"01503201010123","kind":"legal","name":"ОсОО","head_position":"Директор","head_name":"Ы","office_code":"038","address":"a","status":"active","fraud_reference":""}
`
		var bad []store.LineError
		rep, err := db.ImportRegistry(context.Background(), store.System, "t.jsonl", store.FormatJSONL, strings.NewReader(text),
			func(e store.LineError) { bad = append(bad, e) })
		if err != nil {
			t.Fatal(err)
		}
		if rep.Loaded != 2 || len(bad) != 3 || bad[0].Line != 2 || bad[1].Line != 3 || bad[2].Line != 4 {
			t.Fatalf("report %+v bad %v", rep, bad)
		}
		if !strings.Contains(bad[1].Reason, "extra") || !strings.Contains(bad[2].Reason, "string") {
			t.Errorf("reasons: %v", bad)
		}
	})
	if store.DetectFormat("a.jsonl", nil) != store.FormatJSONL || store.DetectFormat("x", []byte(" {")) != store.FormatJSONL ||
		store.DetectFormat("a.csv", []byte("{")) != store.FormatCSV {
		t.Error("DetectFormat")
	}
}

func TestLookup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		loadRegistry(t, db, registryCSV)
		who := store.Actor{Name: "public", Address: "203.0.113.7"}
		t.Run("ACC-1 fills 103, 104, address, 297", func(t *testing.T) {
			f, err := db.LookupRegistry(ctx, who, "11705198700772", 100)
			if err != nil {
				t.Fatal(err)
			}
			if f.Name != "Кашкариева Жазгул Бейшенбековна" || f.OfficeCode != "038" || f.OfficeNameRU != "Нарынский р-н" ||
				f.Signatory != f.Name || !strings.HasPrefix(f.Address, "Нарынская обл.") {
				t.Errorf("%+v", f)
			}
		})
		t.Run("ACC-2 not found and liquidated", func(t *testing.T) {
			if _, err := db.LookupRegistry(ctx, who, "21212198800231", 100); kabinet.ErrorCode(err) != "inn_not_found" {
				t.Errorf("not found: %v", err)
			}
			if _, err := db.LookupRegistry(ctx, who, "12503199000111", 100); kabinet.ErrorCode(err) != "registration_liquidated" {
				t.Errorf("liquidated: %v", err)
			}
		})
		t.Run("INN-1 SEC-3 malformed input, same answer on both engines", func(t *testing.T) {
			for _, in := range []string{"", "123", "1170519870077\x00", "\xff\xfe", "١١٧٠٥١٩٨٧٠٠٧٧٢", "117051987007721"} {
				if _, err := db.LookupRegistry(ctx, who, in, 100); kabinet.ErrorCode(err) != "invalid_inn" {
					t.Errorf("%q: %v", in, err)
				}
			}
		})
		t.Run("SEC-2 audited", func(t *testing.T) {
			evs, err := db.ListAudit(ctx, store.AuditFilter{Subject: "12503199000111"})
			if err != nil || len(evs) != 1 || evs[0].Action != "registry.lookup" || evs[0].Address != "203.0.113.7" ||
				!strings.Contains(evs[0].Details, "registration_liquidated") {
				t.Errorf("audit %+v %v", evs, err)
			}
		})
		t.Run("SEC-2 rate-limited per client", func(t *testing.T) {
			other := store.Actor{Name: "public", Address: "198.51.100.1"}
			for i := 0; i < 5; i++ {
				if _, err := db.LookupRegistry(ctx, other, "11705198700772", 5); err != nil {
					t.Fatalf("look-up %d: %v", i+1, err)
				}
			}
			_, err := db.LookupRegistry(ctx, other, "11705198700772", 5)
			e, _ := kabinet.AsError(err)
			if e == nil || e.Code != "rate_limited" || e.Details["retry_after"].(int) < 1 {
				t.Fatalf("sixth look-up: %v", err)
			}
			if _, err := db.LookupRegistry(ctx, who, "11705198700772", 100); err != nil {
				t.Errorf("another client is not limited: %v", err)
			}
			clock.Advance(61 * time.Second)
			if _, err := db.LookupRegistry(ctx, other, "11705198700772", 5); err != nil {
				t.Errorf("after the window: %v", err)
			}
		})
		// Look-ups arriving together are committed together (group commit): the count
		// stays exact, every answer matches its own question, and the chain holds.
		t.Run("SEC-2 concurrent look-ups: exact counts, own answers, every one audited", func(t *testing.T) {
			before, err := db.ListAudit(ctx, store.AuditFilter{Subject: "01503201010123"})
			if err != nil {
				t.Fatal(err)
			}
			busy := store.Actor{Name: "public", Address: "192.0.2.50"}
			asks := []struct{ inn, want string }{{"01503201010123", ""}, {"12503199000111", "registration_liquidated"},
				{"21212198800231", "inn_not_found"}, {"123", "invalid_inn"}, {"20107198200456", ""}}
			const n = 60
			codes := make([]string, n)
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					who, limit := who, 1000
					if i%2 == 1 {
						who, limit = busy, 10 // 30 tries against a limit of 10
					}
					ask := asks[i%len(asks)]
					f, err := db.LookupRegistry(ctx, who, ask.inn, limit)
					codes[i] = kabinet.ErrorCode(err)
					if err == nil {
						codes[i] = ""
						if f.INN != ask.inn {
							codes[i] = "answer for " + f.INN
						}
					}
				}(i)
			}
			wg.Wait()
			limited := 0
			for i, c := range codes {
				switch {
				case c == "rate_limited" && i%2 == 1:
					limited++
				case c != asks[i%len(asks)].want:
					t.Errorf("look-up %d of %s: got %q, want %q", i, asks[i%len(asks)].inn, c, asks[i%len(asks)].want)
				}
			}
			if limited != 20 {
				t.Errorf("SEC-2 %d of 30 look-ups over the limit of 10 were refused, want 20", limited)
			}
			after, err := db.ListAudit(ctx, store.AuditFilter{Subject: "01503201010123"})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(after) - len(before); got < 6 || got > 12 {
				// 12 asks for it: 6 from the unlimited client, and those of the busy one within its limit.
				t.Errorf("SEC-2 %d new audit entries for 01503201010123", got)
			}
			rep, err := db.VerifyAudit(ctx)
			if err != nil || !rep.OK() {
				t.Errorf("SEC-1 the chain after concurrent look-ups: %v %v", err, rep.Breaks)
			}
		})
	})
}

func TestAuditChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		allowAuditTampering(t, db)
		ctx := context.Background()
		loadRegistry(t, db, registryCSV)
		for i := 0; i < 5; i++ {
			db.LookupRegistry(ctx, store.Actor{Name: "public", Address: "10.0.0.1"}, "11705198700772", 100)
		}
		rep, err := db.VerifyAudit(ctx)
		if err != nil || !rep.OK() || rep.Entries != 6 {
			t.Fatalf("SEC-1 intact chain: %+v %v", rep, err)
		}
		exec := func(q string) {
			t.Helper()
			if _, err := db.SQL().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		expectBroken := func(what string) {
			t.Helper()
			rep, err := db.VerifyAudit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatalf("SEC-1 %s not detected", what)
			}
		}
		// Altered.
		exec("UPDATE audit_log SET subject = '00000000000000' WHERE seq = 3")
		expectBroken("altered entry")
		exec("UPDATE audit_log SET subject = '11705198700772' WHERE seq = 3")
		if rep, _ := db.VerifyAudit(ctx); !rep.OK() {
			t.Fatalf("restored entry still broken: %v", rep.Breaks)
		}
		// Reordered: swap the contents of two entries.
		exec("UPDATE audit_log SET seq = 100 WHERE seq = 2")
		exec("UPDATE audit_log SET seq = 2 WHERE seq = 4")
		exec("UPDATE audit_log SET seq = 4 WHERE seq = 100")
		expectBroken("reordered entries")
		exec("UPDATE audit_log SET seq = 100 WHERE seq = 2")
		exec("UPDATE audit_log SET seq = 2 WHERE seq = 4")
		exec("UPDATE audit_log SET seq = 4 WHERE seq = 100")
		// Removed from the middle.
		exec("DELETE FROM audit_log WHERE seq = 5")
		expectBroken("removed entry")
	})
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		loadRegistry(t, db, registryCSV)
		db.LookupRegistry(context.Background(), store.Actor{Name: "public"}, "11705198700772", 100)
		allowAuditTampering(t, db)
		if _, err := db.SQL().Exec("DELETE FROM audit_log WHERE seq = 2"); err != nil {
			t.Fatal(err)
		}
		rep, _ := db.VerifyAudit(context.Background())
		if rep.OK() {
			t.Fatal("SEC-1 removal of the last entry not detected")
		}
	})
}

func TestStaff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		s, err := db.CreateStaff(ctx, store.System, store.NewStaff{Login: "Naryn", Name: "Осмонов", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Луна2018!"})
		if err != nil {
			t.Fatal(err)
		}
		if s.Login != "naryn" || !s.CanActOn("038") || s.CanActOn("001") {
			t.Errorf("ACC-10: %+v", s)
		}
		cases := []struct {
			n    store.NewStaff
			code string
		}{
			{store.NewStaff{Login: "naryn", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Луна2018!"}, "login_taken"},
			{store.NewStaff{Login: "x1", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Луна2018!"}, "invalid_login"},
			{store.NewStaff{Login: "off2", Role: kabinet.RoleOfficer, Password: "Луна2018!"}, "office_required"},
			{store.NewStaff{Login: "off3", Role: kabinet.RoleOfficer, OfficeCode: "062", Password: "Луна2018!"}, "office_not_found"},
			{store.NewStaff{Login: "off4", Role: kabinet.RoleSupervisor, OfficeCode: "038", Password: "Луна2018!"}, "office_not_allowed"},
			{store.NewStaff{Login: "off5", Role: "admin", Password: "Луна2018!"}, "invalid_role"},
			{store.NewStaff{Login: "off6", Role: kabinet.RoleSupervisor, Password: "password"}, "weak_password"},
		}
		for _, c := range cases {
			if _, err := db.CreateStaff(ctx, store.System, c.n); kabinet.ErrorCode(err) != c.code {
				t.Errorf("SEC-1 %+v: got %v, want %s", c.n.Login, err, c.code)
			}
		}
		got, err := db.StaffByLogin(ctx, "NARYN")
		if err != nil || got.ID != s.ID || got.Name != "Осмонов" {
			t.Errorf("by login: %+v %v", got, err)
		}
	})
}

func TestPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		p, err := db.Policy(ctx)
		if err != nil || p != kabinet.DefaultPolicy() {
			t.Fatalf("PWD-6 default policy: %+v %v", p, err)
		}
		p.LockDuration = 30 * time.Minute
		if err := db.SetPolicy(ctx, store.Actor{Name: "staff:supervisor"}, p); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Policy(ctx); got.LockDuration != 30*time.Minute {
			t.Errorf("PWD-6 changed policy not kept: %+v", got)
		}
		p.MaxFailures = 0
		if err := db.SetPolicy(ctx, store.System, p); kabinet.ErrorCode(err) != "invalid_policy" {
			t.Errorf("PWD-6 invalid policy accepted: %v", err)
		}
		evs, _ := db.ListAudit(ctx, store.AuditFilter{Subject: "policy"})
		if len(evs) != 1 || evs[0].Actor != "staff:supervisor" {
			t.Errorf("policy change audit: %+v", evs)
		}
	})
}

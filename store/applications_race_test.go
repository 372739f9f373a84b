package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// openCount counts the open (formed or received) applications of an ИНН and kind.
func openCount(t *testing.T, db *store.DB, inn string, kind kabinet.ApplicationKind) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM applications WHERE inn = $1 AND kind = $2 AND status IN ('formed', 'received')",
		inn, string(kind)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// RST-2 under concurrency: eight access applications for one ИНН formed at once through
// two instances on one database all succeed, and exactly one stays open; the database
// itself refuses a second open one.
func TestApplicationsConcurrentOneOpen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		loadRegistry(t, db, registryCSV)
		ctx := context.Background()
		var instances []*store.DB
		for i := 0; i < 2; i++ {
			inst, err := store.Open(ctx, url, store.Options{Clock: clock, Hasher: testHasher()})
			if err != nil {
				t.Fatal(err)
			}
			defer inst.Close()
			instances = append(instances, inst)
		}
		const n = 8
		codes := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				who := store.Actor{Name: "public", Address: fmt.Sprintf("198.51.100.%d", i)}
				a, err := instances[i%2].CreateApplication(ctx, who, store.NewApplication{Kind: kabinet.KindAccess,
					INN: "11705198700772", Passport: "AN 4890152", Password: "Луна2018!", PasswordConfirm: "Луна2018!"})
				codes[i], errs[i] = a.Code, err
			}(i)
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("RST-2: application %d of %d formed at once: %v", i+1, n, err)
			}
		}
		if got := openCount(t, db, "11705198700772", kabinet.KindAccess); got != 1 {
			t.Fatalf("RST-2: %d open access applications after %d concurrent ones, want 1", got, n)
		}
		// The one open is the newest; every other is superseded, with that in its history.
		var superseded int
		for _, c := range codes {
			a, err := db.Application(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if a.Status == kabinet.StatusSuperseded {
				superseded++
				if last := a.History[len(a.History)-1]; last.Status != kabinet.StatusSuperseded {
					t.Errorf("RST-2: %s superseded without it in its history: %+v", c, a.History)
				}
			}
		}
		if superseded != n-1 {
			t.Errorf("RST-2: %d superseded, want %d", superseded, n-1)
		}

		t.Run("RST-2 held by the schema", func(t *testing.T) {
			_, err := db.SQL().Exec(`INSERT INTO applications (code, kind, inn, name, office_code, address, passport, passport_flag,
				signatory, filled_at, password_hash, lang, status)
				SELECT 'XXXX-XXXX-XXXX', kind, inn, name, office_code, address, passport, passport_flag, signatory, filled_at,
				password_hash, lang, 'received' FROM applications WHERE inn = $1 AND status = 'formed'`, "11705198700772")
			if err == nil {
				t.Fatal("RST-2: the database accepted a second open application of one subject and kind")
			}
			if got := openCount(t, db, "11705198700772", kabinet.KindAccess); got != 1 {
				t.Errorf("%d open after the refused insert", got)
			}
		})
	})
}

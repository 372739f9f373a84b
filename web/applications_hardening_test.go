package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/internal/testsvc"
	"kabinet/password"
	"kabinet/store"
	"kabinet/web"
)

// RST-2 across two service instances on one database: rounds of eight access
// applications for one ИНН sent at once, alternately to each instance, are all formed (201, never 500),
// and exactly one stays open.
func TestApplicationsConcurrentTwoInstances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		// Behind a proxy, so each request comes from its own client address: one
		// address's requests queue on its rate-limit row and would never meet.
		cfg := web.Config{BaseURL: "http://kabinet.test", TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
		e := startServer(t, url, registryCSV, cfg)
		instances := []*testServer{e, instance(t, url, e.clock, cfg, "the second server")}
		// Five rounds of eight at once: one round's requests reach the database spread
		// by the hashing in front of them, so it takes a few to meet the race.
		const rounds, n = 5, 8
		for round := 1; round <= rounds; round++ {
			statuses := make([]int, n)
			bodies := make([]string, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					body := strings.NewReader(`{"inn": "` + guideINN + `", "passport": "AN 4890152", "password": "Луна2018!", "password_confirm": "Луна2018!"}`)
					req, _ := http.NewRequest("POST", instances[i%2].srv.URL+"/api/v1/applications", body)
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", round*10+i))
					<-start
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						bodies[i] = err.Error()
						return
					}
					defer resp.Body.Close()
					b, _ := io.ReadAll(resp.Body)
					statuses[i], bodies[i] = resp.StatusCode, string(b)
				}(i)
			}
			close(start)
			wg.Wait()
			for i, st := range statuses {
				if st != 201 {
					t.Errorf("RST-2 round %d: application %d of %d sent at once: %d %s", round, i+1, n, st, bodies[i])
				}
			}
			var open int
			if err := e.db.SQL().QueryRow("SELECT COUNT(*) FROM applications WHERE inn = $1 AND kind = 'access' AND status IN ('formed', 'received')",
				guideINN).Scan(&open); err != nil {
				t.Fatal(err)
			}
			if open != 1 {
				t.Fatalf("RST-2 round %d: %d open access applications after %d sent at once to two instances, want 1", round, open, n)
			}
		}
		// The open one goes through to a grant; a second grant has nothing to act on.
		officer := e.client()
		officer.staffLogin(t, "naryn", "Naryn!2026x")
		var code string
		if err := e.db.SQL().QueryRow("SELECT code FROM applications WHERE inn = $1 AND status = 'formed'", guideINN).Scan(&code); err != nil {
			t.Fatal(err)
		}
		officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]any{"documents_checked": true}, 200, "")
		officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]any{"outcome": "granted"}, 201, "")
	})
}

// countingStoreHasher counts the hashes and checks the store asks for.
type countingStoreHasher struct {
	*password.Hasher
	calls atomic.Int64
}

func (h *countingStoreHasher) Hash(ctx context.Context, pw string) (string, error) {
	h.calls.Add(1)
	return h.Hasher.Hash(ctx, pw)
}

func (h *countingStoreHasher) Verify(ctx context.Context, pw, enc string) (bool, bool, error) {
	h.calls.Add(1)
	return h.Hasher.Verify(ctx, pw, enc)
}

func (h *countingStoreHasher) VerifyDummy(ctx context.Context, pw string) error {
	h.calls.Add(1)
	return h.Hasher.VerifyDummy(ctx, pw)
}

// ACC-4, SEC-2: a client past its limit of applications gets 429 before its password
// is hashed.
func TestApplicationLimitAnswers429WithoutHashing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		h := &countingStoreHasher{Hasher: password.NewHasher(password.Params{Memory: 64, Time: 1, Threads: 1}, 4, 5*time.Second)}
		db, err := store.Open(context.Background(), url, store.Options{Clock: e.clock, Hasher: h})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		srv := httptest.NewServer(web.New(web.Config{BaseURL: "http://kabinet.test"},
			web.Deps{DB: db, Hasher: h.Hasher, Clock: e.clock, Log: testsvc.Logger(t, "the counting server")}).Handler())
		defer srv.Close()
		ctx := context.Background()
		for i := 0; i < store.ApplicationsPerHour; i++ {
			if err := db.Limit(ctx, "apply:127.0.0.1", store.ApplicationsPerHour, time.Hour); err != nil {
				t.Fatalf("event %d within the limit: %v", i+1, err)
			}
		}
		c := (&testServer{db: db, clock: e.clock, srv: srv}).client()
		for i := 0; i < 3; i++ {
			a := c.expect(t, "POST", "/api/v1/applications", map[string]string{"inn": guideINN, "passport": "AN 4890152",
				"password": fmt.Sprintf("Луна201%d!", i), "password_confirm": fmt.Sprintf("Луна201%d!", i)}, 429, "rate_limited")
			if a.header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
		}
		if n := h.calls.Load(); n != 0 {
			t.Errorf("%d password hashes for applications refused by the limit, want 0", n)
		}
		if kabinet.ErrorCode(db.Limit(ctx, "apply:127.0.0.1", store.ApplicationsPerHour, time.Hour)) != "rate_limited" {
			t.Errorf("the limit was not exhausted")
		}
	})
}

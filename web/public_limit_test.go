package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"kabinet/internal/dbtest"
	"kabinet/store"
	"kabinet/web"
)

// SEC-2, issue 12 point 17: every public call that renders or searches is limited per
// client address, with the look-up's number (policy LookupsPerMinute): the printable
// form (PDF and page), the status call, the verifications and the VAT check, pages and
// API alike. The (limit+1)-th request from one address is 429 with Retry-After; another
// address is still served.
func TestPublicCallsRateLimited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		// Behind a trusted proxy, X-Forwarded-For names the client.
		e := startServer(t, dbURL, registryCSV, web.Config{BaseURL: "http://kabinet.test",
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		code := apply(t, e.client(), guideINN, "Луна2018!")
		pol, err := e.db.Policy(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		const limit = 3
		pol.LookupsPerMinute = limit
		if err := e.db.SetPolicy(context.Background(), store.System, pol); err != nil {
			t.Fatal(err)
		}
		app := `{"code":"` + code + `","inn":"` + guideINN + `"}`
		appForm := "code=" + code + "&inn=" + guideINN
		calls := []struct {
			method, path, body string
			ok                 int // the status of an answer within the limit; 0: anything but 429
		}{
			{"POST", "/api/v1/applications/status", app, 200},
			{"POST", "/api/v1/applications/form.pdf", app, 200},
			{"POST", "/status", appForm, 200},
			{"POST", "/applications/print", appForm, 200},
			{"POST", "/applications/form.pdf", appForm, 200},
			{"POST", "/api/v1/registry/lookup", `{"inn":"` + guideINN + `"}`, 200},
			{"POST", "/apply/lookup", "inn=" + guideINN, 200},
			{"GET", "/api/v1/decisions/verify?number=R-1&code=X", "", 0},
			{"GET", "/verify?number=R-1&code=X", "", 0},
			{"POST", "/api/v1/filings/verify", `{"number":"F-1","code":"X"}`, 0},
			{"POST", "/verify/filing", "number=F-1&code=X", 0},
			{"GET", "/api/v1/vat/decisions/verify?number=R-1&code=X", "", 0},
			{"GET", "/vat/verify?number=R-1&code=X", "", 0},
			{"POST", "/api/v1/vat/check", `{"series":"AA","number":"0000001","inn":"` + guideINN + `"}`, 0},
			{"POST", "/vat/check", "series=AA&number=0000001&inn=" + guideINN, 0},
		}
		for i, c := range calls {
			t.Run(c.method+" "+c.path, func(t *testing.T) {
				do := func(addr string) (int, http.Header) {
					req, _ := http.NewRequest(c.method, e.srv.URL+c.path, strings.NewReader(c.body))
					req.Header.Set("X-Forwarded-For", addr)
					if c.method == "POST" {
						req.Header.Set("Sec-Fetch-Site", "same-origin")
						if strings.HasPrefix(c.path, "/api/") {
							req.Header.Set("Content-Type", "application/json")
						} else {
							req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						}
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					return resp.StatusCode, resp.Header
				}
				one, other := fmt.Sprintf("198.51.100.%d", i+1), fmt.Sprintf("203.0.113.%d", i+1)
				for n := 1; n <= limit; n++ {
					if st, _ := do(one); st == http.StatusTooManyRequests || (c.ok != 0 && st != c.ok) {
						t.Fatalf("request %d of %d allowed: %d", n, limit, st)
					}
				}
				st, h := do(one)
				if st != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
					t.Fatalf("request %d from one address: %d (Retry-After %q), want 429 with Retry-After", limit+1, st, h.Get("Retry-After"))
				}
				if st, _ := do(other); st == http.StatusTooManyRequests || (c.ok != 0 && st != c.ok) {
					t.Errorf("another address refused: %d", st)
				}
			})
		}
	})
}

package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/i18n"
	"kabinet/internal/dbtest"
	"kabinet/password"
	"kabinet/store"
	"kabinet/web"
)

// lockedBuffer is a log an instance writes from its request goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// ACC-4, SEC-2: the cookie naming the application just formed is an opaque token: it
// holds neither the ИНН nor the code, a forged or unknown one shows the page that
// sends to /status, another instance finds the application by it (the shared
// database), and after «Готово» a copy of it finds nothing. Neither the audit log nor
// the request log holds it.
func TestAppliedCookieIsOpaque(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		ru := func(k string) string { return i18n.T(i18n.RU, k) }
		gone := ru("web.applied.gone.title")

		// A second instance on the same database and clock, its request log kept.
		var logged lockedBuffer
		h := password.NewHasher(password.Params{Memory: 64, Time: 1, Threads: 1}, 4, 5*time.Second)
		db2, err := store.Open(context.Background(), dbURL, store.Options{Clock: e.clock, Hasher: h})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db2.Close() })
		srv2 := httptest.NewServer(web.New(web.Config{BaseURL: "http://kabinet.test"}, web.Deps{DB: db2, Hasher: h, Clock: e.clock,
			Log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))}).Handler())
		t.Cleanup(srv2.Close)
		e2 := &testServer{db: db2, clock: e.clock, srv: srv2}

		b := e.browser("")
		p := b.post(t, "/apply", "kind", "access", "inn", pageINN, "passport", "AN 4890152", "password", pagePassword, "password_confirm", pagePassword).
			expect(t, 303, "/applied")
		token := b.cookie(t, "kabinet_formed")
		code := b.formed(t)
		if len(token) < 22 { // 128 bits in base64url
			t.Fatalf("the token %q is shorter than 128 bits", token)
		}
		sc := p.header.Get("Set-Cookie")
		for _, secret := range []string{pageINN, code, code3(code)} {
			if strings.Contains(sc, secret) || strings.Contains(token, secret) {
				t.Errorf("SEC-2 the cookie %q holds %q", sc, secret)
			}
		}

		t.Run("another instance finds it by the token, and logs nothing of it", func(t *testing.T) {
			c := e2.browser("")
			c.setCookie(t, "kabinet_formed", token)
			c.get(t, "/applied").expect(t, 200, "").has(t, code3(code))
			if !strings.Contains(logged.String(), "/applied") {
				t.Fatalf("the second instance logged no request: %q", logged.String())
			}
		})
		t.Run("a forged or unknown token shows where to look instead, and forms nothing", func(t *testing.T) {
			for _, forged := range []string{token[:len(token)-1] + "A", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				code + "." + pageINN, code, strings.Repeat("x", 200), "\xff\x00"} {
				if forged == token {
					continue
				}
				f := e.browser("")
				f.setCookie(t, "kabinet_formed", forged)
				p := f.get(t, "/applied").expect(t, 200, "")
				p.has(t, gone, `href="/status"`, `href="/apply"`)
				p.hasNot(t, code3(code), pageINN)
			}
			if n := e.count(t, "applications"); n != 1 {
				t.Fatalf("%d applications", n)
			}
		})
		t.Run("«Готово» forgets the token on every instance, not only in this browser", func(t *testing.T) {
			copied := e2.browser("")
			copied.setCookie(t, "kabinet_formed", token)
			b.post(t, "/applied/done").expect(t, 303, "/")
			if v := b.cookie(t, "kabinet_formed"); v != "" {
				t.Errorf("«Готово» left the cookie %q", v)
			}
			p := copied.get(t, "/applied").expect(t, 200, "")
			p.has(t, gone, `href="/status"`)
			p.hasNot(t, code3(code))
			// The application itself stands: the status page still finds it by code and ИНН.
			if a, err := e.db.ApplicationStatus(context.Background(), code, pageINN); err != nil || a.Code != code {
				t.Fatalf("the application after «Готово»: %v", err)
			}
		})
		t.Run("neither the audit log nor the request log holds the token", func(t *testing.T) {
			var n int
			if err := e.db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE details LIKE $1 OR subject LIKE $1", "%"+token+"%").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d audit entries hold the token", n)
			}
			if strings.Contains(logged.String(), token) {
				t.Errorf("the request log holds the token: %s", logged.String())
			}
		})
	})
}

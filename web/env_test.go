package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/testsvc"
	"kabinet/password"
	"kabinet/store"
	"kabinet/web"
)

// t0 is the clock's start: Monday 23.11.2026, 09:00 in Bishkek.
var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, kabinet.Bishkek)

// testStaff are the back office's accounts in every test server.
var testStaff = []store.NewStaff{
	{Login: "supervisor", Name: "Асанова Динара", Role: kabinet.RoleSupervisor, Password: "Super!2026x"},
	{Login: "naryn", Name: "Осмонов Талант", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Naryn!2026x"},
	{Login: "oktyabr", Name: "Иманалиева Айжан", Role: kabinet.RoleOfficer, OfficeCode: "001", Password: "Oktyabr!2026"},
}

// testServer is a running instance of the service on a test database, with an
// injected clock; its log is shown if the test fails.
type testServer struct {
	db    *store.DB
	clock *kabinet.ManualClock
	srv   *httptest.Server
}

// startServer runs an instance on a fresh database at dbURL loaded with registry (CSV)
// and the test staff.
func startServer(t *testing.T, dbURL, registry string, cfg web.Config) *testServer {
	t.Helper()
	s := instance(t, dbURL, kabinet.NewManualClock(t0), cfg, "the server")
	ctx := context.Background()
	if _, err := s.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ImportRegistry(ctx, store.System, "t", store.FormatCSV, strings.NewReader(registry),
		func(e store.LineError) { t.Errorf("registry: %v", e) }); err != nil {
		t.Fatal(err)
	}
	for _, st := range testStaff {
		if _, err := s.db.CreateStaff(ctx, store.System, st); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// instance runs one instance of the service on the database at dbURL with clock.
func instance(t *testing.T, dbURL string, clock *kabinet.ManualClock, cfg web.Config, name string) *testServer {
	t.Helper()
	log := testsvc.Logger(t, name)
	h := password.NewHasher(password.Params{Memory: 64, Time: 1, Threads: 1}, 4, 5*time.Second)
	db, err := store.Open(context.Background(), dbURL, store.Options{Clock: clock, Hasher: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv := httptest.NewServer(web.New(cfg, web.Deps{DB: db, Hasher: h, Clock: clock, Log: log}).Handler())
	t.Cleanup(srv.Close)
	return &testServer{db: db, clock: clock, srv: srv}
}

// second starts another instance on the same database and clock, as a second box
// behind a load balancer would be.
func (e *testServer) second(t *testing.T, dbURL string) *testServer {
	t.Helper()
	return instance(t, dbURL, e.clock, web.Config{}, "the second server")
}

// jar is a fresh cookie jar, with the language chosen when lang is not empty.
func (e *testServer) jar(lang string) *cookiejar.Jar {
	jar, _ := cookiejar.New(nil)
	if lang != "" {
		u, _ := url.Parse(e.srv.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
	}
	return jar
}

// noRedirects shows each redirect to the test instead of following it.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

package web_test

// Issue 12, points 12 and 13: a database outage (PostgreSQL's connections cut by a
// proxy of the test's own, its backends terminated as at a shutdown — SQLSTATE 57P01;
// SQLite's file full) answers 503 `unavailable` with Retry-After on every endpoint,
// never 500, and every acknowledged write survives; and no log line of a run through
// the error paths carries an ИНН, a passport number or a client address.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/internal/testsvc"
	"kabinet/password"
	"kabinet/store"
	"kabinet/web"
)

// tcpProxy forwards connections to a database; cut drops every open connection and
// refuses new ones until restore.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	return p
}

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		go p.pipe(c)
	}
}

func (p *tcpProxy) pipe(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(s, c); done <- struct{}{} }()
	go func() { io.Copy(c, s); done <- struct{}{} }()
	<-done
	c.Close()
	s.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, s)
	p.mu.Unlock()
}

func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
}

func (p *tcpProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// outage is a service whose database the test can take away and give back, with its
// JSON log captured.
type outage struct {
	*testServer
	log    *bytes.Buffer
	logMu  *sync.Mutex
	direct *sql.DB // the database, not through the service's path to it
	fault  func(t *testing.T)
	heal   func(t *testing.T)
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (o *outage) logText() string {
	o.logMu.Lock()
	defer o.logMu.Unlock()
	return o.log.String()
}

// newOutage starts the service on engine with the test registry and staff. On
// PostgreSQL it reaches its database through a proxy of the test's own, under an
// application_name whose backends the test may terminate; on SQLite the fault is a
// full database (max_page_count pinned to the file's size on every pooled connection:
// SQLITE_FULL, as from a full disk).
func newOutage(t *testing.T, engine string) *outage {
	t.Helper()
	dbURL := dbtest.URL(t, dbtest.Engine{Name: engine})
	buf, mu := &bytes.Buffer{}, &sync.Mutex{}
	w := io.MultiWriter(lockedWriter{mu, buf}, testsvc.Log(t, "the server"))
	logger := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o := &outage{log: buf, logMu: mu}

	serviceURL := dbURL
	if engine == "postgres" {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		p := newProxy(t, u.Host)
		u.Host = p.ln.Addr().String()
		app := fmt.Sprintf("kabinet_outage_%d", time.Now().UnixNano())
		q := u.Query()
		q.Set("application_name", app)
		q.Set("sslmode", "disable")
		u.RawQuery = q.Encode()
		serviceURL = u.String()
		direct, err := sql.Open("pgx", dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { direct.Close() })
		o.direct = direct
		o.fault = func(t *testing.T) {
			// A shutdown as the service sees it: every backend ends with 57P01 …
			if _, err := direct.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", app); err != nil {
				t.Fatal(err)
			}
			// … and then nothing answers.
			time.Sleep(300 * time.Millisecond)
			p.cut()
		}
		o.heal = func(t *testing.T) { p.restore() }
	}

	clock := kabinet.NewManualClock(t0)
	h := password.NewHasher(password.Params{Memory: 64, Time: 1, Threads: 1}, 4, 5*time.Second)
	db, err := store.Open(context.Background(), serviceURL, store.Options{Clock: clock, Hasher: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportRegistry(ctx, store.System, "t", store.FormatCSV, strings.NewReader(registryCSV),
		func(e store.LineError) { t.Errorf("registry: %v", e) }); err != nil {
		t.Fatal(err)
	}
	for _, st := range testStaff {
		if _, err := db.CreateStaff(ctx, store.System, st); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(web.New(web.Config{BaseURL: "http://kabinet.test"}, web.Deps{DB: db, Hasher: h, Clock: clock, Log: logger}).Handler())
	t.Cleanup(srv.Close)
	o.testServer = &testServer{db: db, clock: clock, srv: srv}

	if engine == "sqlite" {
		o.direct = db.SQL()
		pin := func(t *testing.T, pages func(conn *sql.Conn) int64) {
			// Hold every connection of the pool at once, so each gets the pragma.
			var conns []*sql.Conn
			for range 8 {
				c, err := db.SQL().Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, c)
			}
			for _, c := range conns {
				if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages(c))); err != nil {
					t.Fatal(err)
				}
				c.Close()
			}
		}
		o.fault = func(t *testing.T) {
			pin(t, func(c *sql.Conn) int64 {
				var n int64
				if err := c.QueryRowContext(ctx, "PRAGMA page_count").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			})
		}
		o.heal = func(t *testing.T) { pin(t, func(*sql.Conn) int64 { return 1 << 30 }) }
	}
	return o
}

// from is a client whose requests leave from the loopback address ip, so the test
// knows which client addresses the service saw.
func (o *outage) from(ip string) *client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}
	return &client{e: o.testServer, http: &http.Client{Jar: o.jar(""), CheckRedirect: noRedirects, Transport: tr, Timeout: 30 * time.Second}}
}

// call is do without failing on a transport error (a refused request is counted).
func (c *client) call(method, path string, body any) (answer, error) {
	var r io.Reader
	if s, ok := body.(string); ok {
		r = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: rb, header: resp.Header}, nil
}

// tally counts answers by endpoint and status, and keeps the codes of acknowledged
// applications.
type tally struct {
	mu       sync.Mutex
	statuses map[string]map[int]int
	noRetry  int
	acked    []string
	bad      []string
}

func (ty *tally) add(endpoint string, a answer, err error) {
	ty.mu.Lock()
	defer ty.mu.Unlock()
	if ty.statuses == nil {
		ty.statuses = map[string]map[int]int{}
	}
	if ty.statuses[endpoint] == nil {
		ty.statuses[endpoint] = map[int]int{}
	}
	if err != nil {
		ty.bad = append(ty.bad, fmt.Sprintf("%s: %v", endpoint, err))
		return
	}
	ty.statuses[endpoint][a.status]++
	switch {
	case a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") == "":
		ty.noRetry++
	case a.status >= 500 && a.status != http.StatusServiceUnavailable:
		ty.bad = append(ty.bad, fmt.Sprintf("%s: %d %s", endpoint, a.status, a.body))
	case endpoint == "apply" && a.status == http.StatusCreated:
		var m map[string]any
		json.Unmarshal(a.body, &m)
		code, _ := m["code"].(string)
		ty.acked = append(ty.acked, code)
	}
}

func (ty *tally) count(status int) int {
	ty.mu.Lock()
	defer ty.mu.Unlock()
	n := 0
	for _, m := range ty.statuses {
		n += m[status]
	}
	return n
}

// load fires look-ups, applications, sign-ins and signed-in reads from distinct
// client addresses 127.13.<group>.N until stop is closed.
func (o *outage) load(t *testing.T, group int, subject *client, login string, ty *tally, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := range 6 {
		c := o.from(fmt.Sprintf("127.13.%d.%d", group, i+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				switch (n + i) % 7 {
				case 0:
					a, err := c.call("POST", "/api/v1/registry/lookup", map[string]string{"inn": guideINN})
					ty.add("lookup", a, err)
				case 1:
					a, err := c.call("POST", "/api/v1/applications", map[string]string{"inn": "01503201010123", "passport": "AN 4890152",
						"password": "Луна2018!", "password_confirm": "Луна2018!"})
					ty.add("apply", a, err)
				case 2:
					a, err := c.call("POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"})
					ty.add("login", a, err)
				case 3:
					a, err := c.call("POST", "/api/v1/applications/status", map[string]string{"code": "ABCDEFGHJKMN", "inn": "22001198500345"})
					ty.add("status", a, err)
				case 4:
					a, err := subject.call("GET", "/api/v1/me", nil)
					ty.add("me", a, err)
				case 5:
					a, err := c.call("POST", "/api/v1/office/auth/login", map[string]string{"login": "naryn", "password": "Wrong!2026x"})
					ty.add("office-login", a, err)
				case 6:
					a, err := c.call("GET", "/api/v1/decisions/verify?number=X-1&code=ABCDEFGHJK", nil)
					ty.add("verify", a, err)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	return &wg
}

// TestDatabaseOutageAnswers503 (issue 12, point 13): during an outage every endpoint
// answers 503 `unavailable` with Retry-After, never 500; after it, with no restart,
// the service answers again and every acknowledged application is in the database.
func TestDatabaseOutageAnswers503(t *testing.T) {
	t.Parallel() // it mostly waits for deadlines to pass: beside the package's other tests, not after them
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			o := newOutage(t, engine)
			_, _, login := granted(t, o.testServer)
			subject := o.signedIn(t, login, "Луна2018!")
			ty := &tally{}

			stop := make(chan struct{})
			wg := o.load(t, 1, subject, login, ty, stop)
			time.Sleep(300 * time.Millisecond)
			o.fault(t)
			time.Sleep(1500 * time.Millisecond)
			o.heal(t)
			time.Sleep(500 * time.Millisecond)
			close(stop)
			wg.Wait()

			t.Logf("%s: answers by endpoint and status: %v", engine, ty.statuses)
			for _, b := range ty.bad {
				t.Errorf("not an answer the outage may give: %s", b)
			}
			if ty.count(http.StatusInternalServerError) != 0 {
				t.Errorf("%d answers were 500", ty.count(http.StatusInternalServerError))
			}
			if ty.count(http.StatusServiceUnavailable) == 0 {
				t.Errorf("the outage got no 503 at all")
			}
			if ty.noRetry != 0 {
				t.Errorf("%d answers 503 without Retry-After", ty.noRetry)
			}

			// Recovered, with no restart: a look-up and an application go through.
			deadline := time.Now().Add(15 * time.Second)
			c := o.from("127.13.9.1")
			for {
				a, err := c.call("POST", "/api/v1/registry/lookup", map[string]string{"inn": guideINN})
				if err == nil && a.status == http.StatusOK {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no recovery: %d %s %v", a.status, a.body, err)
				}
				time.Sleep(100 * time.Millisecond)
			}
			a, err := c.call("POST", "/api/v1/applications", map[string]string{"inn": "22001198500345", "passport": "AN 4890152",
				"password": "Луна2018!", "password_confirm": "Луна2018!"})
			if err != nil || a.status != http.StatusCreated {
				t.Fatalf("an application after recovery: %d %s %v", a.status, a.body, err)
			}

			// Every acknowledged application is in the database.
			if len(ty.acked) == 0 {
				t.Errorf("no application was acknowledged during the run")
			}
			for _, code := range ty.acked {
				var n int
				if err := o.direct.QueryRow("SELECT COUNT(*) FROM applications WHERE code = $1", code).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Errorf("acknowledged application %s is not in the database", code)
				}
			}
			t.Logf("%s: %d acknowledged applications, all stored", engine, len(ty.acked))
		})
	}
}

var (
	fourteenDigits = regexp.MustCompile(`(?:^|[^0-9A-Za-z])[0-9]{14}(?:[^0-9A-Za-z]|$)`)
	passportNumber = regexp.MustCompile(`(?:^|[^0-9A-Za-z])[A-Za-zА-Яа-я]{2} ?[0-9]{7}(?:[^0-9A-Za-z]|$)`)
)

// TestNoPersonalDataInLog (issue 12, point 12): a run through the error paths of every
// public endpoint — bad input, unknown ИНН, liquidated and fraud-marked subjects, a
// locked account, the rate limits — and then a database fault, with the service's
// JSON log captured: no line carries a 14-digit run, a passport number or a client
// address (the clients come from 127.13.x.x, an address nothing else in the run has).
func TestNoPersonalDataInLog(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			o := newOutage(t, engine)
			officer, _, login := granted(t, o.testServer)
			subject := o.signedIn(t, login, "Луна2018!")
			c := o.from("127.13.2.1")
			inns := []string{guideINN, "01503201010123", "12503199000111", "20107198200456", "22001198500345", "21505199000123"}
			passports := []string{"AN 4890152", "AN4890152", "XZ 1234567"}
			try := func(method, path string, body any) answer {
				a, err := c.call(method, path, body)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			// Bad input and refusals, endpoint by endpoint.
			for _, inn := range append(inns, "123", "31505199000123", "2150519900012x") {
				try("POST", "/api/v1/registry/lookup", map[string]string{"inn": inn})
				try("POST", "/api/v1/applications", map[string]string{"inn": inn, "passport": "XZ 1234567", "password": "Луна2018!", "password_confirm": "Луна2018!"})
				try("POST", "/api/v1/applications", map[string]string{"inn": inn, "passport": "AN 4890152", "password": "weak", "password_confirm": "weak"})
				try("POST", "/api/v1/applications", map[string]string{"inn": inn, "passport": "AN 4890152", "password": "Луна2018!", "password_confirm": "Луна2018?"})
				try("POST", "/api/v1/applications/status", map[string]string{"code": "ABCDEFGHJKMN", "inn": inn})
				try("POST", "/api/v1/vat/check", map[string]string{"series": "AA", "number": "0000001", "inn": inn})
				officer.call("POST", "/api/v1/office/applications/find", map[string]string{"inn": inn, "code": "ABCDEFGHJKMN"})
			}
			try("POST", "/api/v1/applications", map[string]string{"inn": guideINN, "passport": "AN 4890152", "password": guideINN + "Aa!", "password_confirm": guideINN + "Aa!"})
			try("POST", "/api/v1/registry/lookup", `{"inn": 11705198700772}`)
			try("POST", "/api/v1/applications", `{"inn": "11705198700772", "passport": "AN 4890152", "extra": 1}`)
			try("GET", "/api/v1/decisions/verify?number=X-1&code=ABCDEFGHJK", nil)
			try("POST", "/api/v1/filings/verify", map[string]string{"number": "X-1", "code": "ABCDEFGHJK"})
			try("GET", "/api/v1/me", nil)
			// A locked account, an unknown login locked, a staff account locked.
			for range 4 {
				try("POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Wrong!2026x"})
				try("POST", "/api/v1/auth/login", map[string]string{"login": "np00000000", "password": "Wrong!2026x"})
				try("POST", "/api/v1/office/auth/login", map[string]string{"login": "oktyabr", "password": "Wrong!2026x"})
			}
			// The per-address limits.
			for range 35 {
				try("POST", "/api/v1/registry/lookup", map[string]string{"inn": guideINN})
			}

			// The database fault, under load from fresh addresses (fresh rate-limit keys).
			ty := &tally{}
			stop := make(chan struct{})
			wg := o.load(t, 3, subject, login, ty, stop)
			time.Sleep(200 * time.Millisecond)
			o.fault(t)
			time.Sleep(1500 * time.Millisecond)
			close(stop)
			wg.Wait()
			o.heal(t)
			if ty.count(http.StatusServiceUnavailable)+ty.count(http.StatusInternalServerError) == 0 {
				t.Fatalf("the fault did not reach the service: %v", ty.statuses)
			}

			log := o.logText()
			if !strings.Contains(log, `"msg":"request"`) {
				t.Fatalf("no access log captured")
			}
			for _, line := range strings.Split(log, "\n") {
				switch {
				case fourteenDigits.MatchString(line):
					t.Errorf("a 14-digit run (an ИНН) in the log: %s", line)
				case passportNumber.MatchString(line):
					t.Errorf("a passport number in the log: %s", line)
				case strings.Contains(line, "127.13."):
					t.Errorf("a client address in the log: %s", line)
				case strings.Contains(line, login):
					t.Errorf("a taxpayer's login in the log: %s", line)
				}
				for _, v := range append(inns, passports...) {
					if strings.Contains(line, v) {
						t.Errorf("%q in the log: %s", v, line)
					}
				}
			}
		})
	}
}

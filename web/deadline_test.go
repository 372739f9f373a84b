package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/dbtest"
	"kabinet/web"
)

// freezer is a TCP proxy that forwards until frozen, then accepts and holds
// connections and bytes without forwarding anything: a database server that hangs
// (a stalled disk, a lost route) rather than refusing.
type freezer struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	frozen   bool
	thaw     chan struct{} // closed at the end of the test
	conns    []net.Conn
}

func newFreezer(t *testing.T, upstream string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{ln: ln, upstream: upstream, thaw: make(chan struct{})}
	go f.accept()
	t.Cleanup(func() {
		ln.Close()
		close(f.thaw)
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
	})
	return f
}

func (f *freezer) freeze() { f.mu.Lock(); f.frozen = true; f.mu.Unlock() }

func (f *freezer) isFrozen() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.frozen }

func (f *freezer) keep(c net.Conn) { f.mu.Lock(); f.conns = append(f.conns, c); f.mu.Unlock() }

func (f *freezer) accept() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.keep(c)
		if f.isFrozen() {
			continue // accepted, never answered
		}
		up, err := net.Dial("tcp", f.upstream)
		if err != nil {
			c.Close()
			continue
		}
		f.keep(up)
		go f.pipe(c, up)
		go f.pipe(up, c)
	}
}

// pipe copies from src to dst until frozen; a frozen pipe holds what it read.
func (f *freezer) pipe(src, dst net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if f.isFrozen() {
			<-f.thaw
			return
		}
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

// viaProxy returns the PostgreSQL URL u with its host replaced by the proxy's.
func viaProxy(t *testing.T, u string, f *freezer) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p.Host = f.ln.Addr().String()
	return p.String()
}

// TestRequestDeadline: issue 12 point 9. Every request has a deadline, and every
// database call runs on it: with the database hung — PostgreSQL behind a proxy that
// stops forwarding, SQLite with its write lock held by another process — concurrent
// requests each answer 503 `unavailable` with Retry-After once the deadline passes,
// rather than waiting for as long as the database does.
func TestRequestDeadline(t *testing.T) {
	t.Parallel() // it mostly waits for deadlines to pass: beside the package's other tests, not after them
	const deadline = time.Second
	for _, e := range dbtest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			dbURL := dbtest.URL(t, e)
			var hang func()
			if e.Name == "postgres" {
				u, err := url.Parse(dbURL)
				if err != nil {
					t.Fatal(err)
				}
				f := newFreezer(t, u.Host)
				dbURL = viaProxy(t, dbURL, f)
				hang = f.freeze
			} else {
				hang = func() { holdSQLiteWriteLock(t, dbURL) }
			}
			env := startServer(t, dbURL, registryCSV, web.Config{BaseURL: "http://kabinet.test", RequestTimeout: deadline})
			c := env.client()
			c.expect(t, "POST", "/api/v1/registry/lookup", map[string]string{"inn": guideINN}, 200, "")

			hang()
			const n = 8
			type result struct {
				status int
				code   string
				retry  string
				took   time.Duration
				err    error
			}
			results := make([]result, n)
			var wg sync.WaitGroup
			hc := &http.Client{Timeout: 30 * time.Second}
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					path, body := "/api/v1/registry/lookup", `{"inn":"`+guideINN+`"}`
					if i%2 == 1 {
						body = `{"inn":"01503201010123"}`
					}
					start := time.Now()
					req, _ := http.NewRequest("POST", env.srv.URL+path, strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					resp, err := hc.Do(req)
					r := result{err: err}
					if err == nil {
						var b struct {
							Error struct{ Code string } `json:"error"`
						}
						raw, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						json.Unmarshal(raw, &b)
						r.status, r.code, r.retry = resp.StatusCode, b.Error.Code, resp.Header.Get("Retry-After")
					}
					r.took = time.Since(start)
					results[i] = r
				}()
			}
			wg.Wait()
			for i, r := range results {
				if r.err != nil {
					t.Errorf("request %d: no answer within 30 s (%v): requests pile up behind the hung database", i, r.err)
					continue
				}
				if r.status != http.StatusServiceUnavailable || r.code != "unavailable" || r.retry == "" {
					t.Errorf("request %d: %d %q Retry-After %q, want 503 unavailable with Retry-After", i, r.status, r.code, r.retry)
				}
				// Not before the deadline (the database was given its chance), and well
				// within a generous bound after it (load may stretch the answer, not a wait).
				if r.took < deadline-50*time.Millisecond || r.took > deadline+4*time.Second {
					t.Errorf("request %d answered after %v; the deadline is %v", i, r.took, deadline)
				}
			}
		})
	}
}

// holdSQLiteWriteLock takes SQLite's write lock from another connection, as another
// process on the same file would, and holds it until the test ends.
func holdSQLiteWriteLock(t *testing.T, dbURL string) {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dbURL, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.ExecContext(ctx, "ROLLBACK")
		conn.Close()
		other.Close()
	})
}

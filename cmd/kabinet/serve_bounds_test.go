package main

import (
	"bufio"
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
)

// TestServeBounds: issue 12, point 16 (and the flags of 8 and 9) as `kabinet serve`
// wires them: every connection timeout at most 30 s, and --max-conns-per-client
// holding one address to its cap while another is served.
func TestServeBounds(t *testing.T) {
	var f serverFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs, "127.0.0.1:0")
	if err := fs.Parse([]string{"--db", dbtest.URL(t, dbtest.Engines[0]), "--ops-addr", "127.0.0.1:0", "--max-conns-per-client", "2",
		"--hash-memory", "64", "--hash-time", "1"}); err != nil {
		t.Fatal(err)
	}
	if f.requestTimeout != 15*time.Second || f.janitorInterval != 10*time.Minute {
		t.Errorf("defaults: --request-timeout %v, --janitor-interval %v", f.requestTimeout, f.janitorInterval)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, f, kabinet.SystemClock{}, io.Discard, io.Discard)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	for _, s := range []*http.Server{a.public, a.ops} {
		for name, d := range map[string]time.Duration{"ReadHeaderTimeout": s.ReadHeaderTimeout, "IdleTimeout": s.IdleTimeout} {
			if d <= 0 || d > 30*time.Second {
				t.Errorf("%s %s = %v, want 0 < it ≤ 30 s", s.Addr, name, d)
			}
		}
	}
	if d := a.public.ReadTimeout; d <= 0 || d > 30*time.Second {
		t.Errorf("ReadTimeout = %v", d)
	}
	if d := a.public.WriteTimeout; d <= f.requestTimeout || d > 30*time.Second {
		t.Errorf("WriteTimeout = %v, want above the request deadline and ≤ 30 s", d)
	}
	done := make(chan struct{})
	go func() { a.serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	addr := a.pubLn.Addr().String()
	dial := func(src string) net.Conn {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	healthy := func(c net.Conn) bool {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			return false
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("neither served nor closed within 10 s")
			}
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}
	dial("127.0.0.1") // two slow readers hold the address's places
	dial("127.0.0.1")
	if healthy(dial("127.0.0.1")) {
		t.Error("a third connection from one address was served; --max-conns-per-client is 2")
	}
	if !healthy(dial("127.0.0.3")) {
		t.Error("another address was not served")
	}
}

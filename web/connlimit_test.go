package web_test

import (
	"bufio"
	"net"
	"net/http"
	"testing"
	"time"

	"kabinet/web"
)

// dialFrom connects to addr from the loopback address src (Linux routes all of
// 127.0.0.0/8 to lo, so each is a distinct client address).
func dialFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", src, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// served sends a request on c and reports whether an answer came back; a connection
// the server closed unread answers nothing.
func served(t *testing.T, c net.Conn) bool {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		return false
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("no answer and no close within 10 s: %v", err)
		}
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// TestConnectionsPerClient: issue 12 point 16. Slow readers from one address hold at
// most the cap of connections: the (cap+1)-th from that address is closed unread,
// while another address is served, and a closed connection gives its place back.
func TestConnectionsPerClient(t *testing.T) {
	const limit = 3
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}), ReadHeaderTimeout: time.Minute}
	go srv.Serve(web.LimitConnsPerClient(ln, limit))
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()

	// Slow readers: connections that send nothing.
	var slow []net.Conn
	for range limit {
		slow = append(slow, dialFrom(t, "127.0.0.1", addr))
	}
	if served(t, dialFrom(t, "127.0.0.1", addr)) {
		t.Fatalf("connection %d from one address was served; the cap is %d", limit+1, limit)
	}
	if !served(t, dialFrom(t, "127.0.0.2", addr)) {
		t.Fatal("another address was refused")
	}
	// One slow reader goes: its place is free again (the server sees the close when it
	// reads, so allow it a moment — bounded, never assumed).
	slow[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for !served(t, dialFrom(t, "127.0.0.1", addr)) {
		if time.Now().After(deadline) {
			t.Fatal("a closed connection's place was not given back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The served connections that stay open count too: still at the cap.
	if served(t, dialFrom(t, "127.0.0.1", addr)) {
		t.Fatal("over the cap after the place was taken again")
	}
}

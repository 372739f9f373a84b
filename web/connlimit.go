package web

import (
	"net"
	"sync"
)

// LimitConnsPerClient wraps ln so that at most n connections from one TCP peer
// address are open at once; a connection beyond that is closed as soon as it is
// accepted, before a byte is read, and the listener goes on accepting others. It
// counts the TCP peer: behind a proxy that is the proxy (--trusted-proxies cannot
// apply before a request has been read), so give the proxy a cap of its own or raise
// n. n ≤ 0 returns ln unchanged.
//
// It bounds what slow readers and slow writers from one address can hold (issue 12,
// point 16): the server's read, write and idle timeouts end each connection in time,
// and this ends the number of them.
func LimitConnsPerClient(ln net.Listener, n int) net.Listener {
	if n <= 0 {
		return ln
	}
	return &clientLimiter{Listener: ln, max: n, open: map[string]int{}}
}

type clientLimiter struct {
	net.Listener
	max  int
	mu   sync.Mutex
	open map[string]int
}

func (l *clientLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := peerHost(c.RemoteAddr())
		l.mu.Lock()
		ok := l.open[host] < l.max
		if ok {
			l.open[host]++
		}
		l.mu.Unlock()
		if !ok {
			c.Close()
			continue
		}
		return &limitedConn{Conn: c, release: func() { l.release(host) }}, nil
	}
}

func (l *clientLimiter) release(host string) {
	l.mu.Lock()
	if l.open[host]--; l.open[host] <= 0 {
		delete(l.open, host)
	}
	l.mu.Unlock()
}

// peerHost is the address without the port.
func peerHost(a net.Addr) string {
	if a == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// limitedConn gives its place back once, when it is closed.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The load generator of `kabinet bench`: plain net/http, a fixed number of clients each
// sending one request after another, bounded by a duration and a request count.

// errExhausted: a client has no more data to send (the application scenario's ИНН
// run out); it stops without counting a request.
var errExhausted = errors.New("bench: prepared data exhausted")

// loadSpec is one measurement.
type loadSpec struct {
	label    string // shown on the progress line
	clients  int
	duration time.Duration
	requests int64 // at most this many requests are started
	// do sends request seq (counted from 1) for client and returns its status; a
	// transport failure is status 0 with an error.
	do func(ctx context.Context, client int, seq int64) (int, error)
}

// loadResult is what a measurement saw.
type loadResult struct {
	Clients   int
	Requests  int64 // completed
	OK        int64 // 2xx answers
	Elapsed   time.Duration
	Status    map[int]int64 // by status code; 0 counts transport errors
	FirstErr  error         // the first transport error, for the report
	StoppedBy string        // "seconds", "requests" or "data"
	lat       []time.Duration
}

// rate is successful requests per second.
func (r loadResult) rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// pct is the p-th latency quantile (0 < p ≤ 1) in milliseconds, nearest rank.
func (r loadResult) pct(p float64) float64 { return quantileMS(r.lat, p) }

func quantileMS(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i].Microseconds()) / 1000
}

// count5xx counts server errors of every kind.
func (r loadResult) count5xx() int64 {
	var n int64
	for code, c := range r.Status {
		if code >= 500 {
			n += c
		}
	}
	return n
}

// statusCounts renders the status counts with string keys, for JSON.
func (r loadResult) statusCounts() map[string]int64 {
	m := map[string]int64{}
	for code, c := range r.Status {
		k := strconv.Itoa(code)
		if code == 0 {
			k = "error"
		}
		m[k] = c
	}
	return m
}

// firstError is the first transport error's text, or "".
func (r loadResult) firstError() string {
	if r.FirstErr == nil {
		return ""
	}
	return r.FirstErr.Error()
}

// clientStats is one client's tally, merged after the run.
type clientStats struct {
	lat    []time.Duration
	status map[int]int64
	ok     int64
	err    error
}

// run performs one measurement with a progress line on b.progress.
func (b *bench) run(ctx context.Context, spec loadSpec) loadResult {
	deadline := time.Now().Add(spec.duration)
	var started, done, ok atomic.Int64
	var exhausted, capped atomic.Bool
	stats := make([]clientStats, spec.clients)
	start := time.Now()
	stopProgress := b.progressLine(func() string {
		el := time.Since(start)
		return fmt.Sprintf("%-30s %5.1f/%.1f s %9d requests %9.1f ok/s", spec.label, el.Seconds(), spec.duration.Seconds(),
			done.Load(), float64(ok.Load())/max(el.Seconds(), 1e-9))
	})
	var wg sync.WaitGroup
	for c := 0; c < spec.clients; c++ {
		st := &stats[c]
		st.status = map[int]int64{}
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				seq := started.Add(1)
				if seq > spec.requests {
					capped.Store(true)
					return
				}
				t0 := time.Now()
				status, err := spec.do(ctx, c, seq)
				d := time.Since(t0)
				if errors.Is(err, errExhausted) {
					exhausted.Store(true)
					return
				}
				if err != nil && ctx.Err() != nil {
					return // interrupted: not a result
				}
				if err != nil && st.err == nil {
					st.err = err
				}
				st.lat = append(st.lat, d)
				st.status[status]++
				if status >= 200 && status < 300 {
					st.ok++
					ok.Add(1)
				}
				done.Add(1)
			}
		}(c)
	}
	wg.Wait()
	stopProgress()
	res := loadResult{Clients: spec.clients, Elapsed: time.Since(start), Status: map[int]int64{}, StoppedBy: "seconds"}
	switch {
	case exhausted.Load():
		res.StoppedBy = "data"
	case capped.Load():
		res.StoppedBy = "requests"
	}
	n := 0
	for i := range stats {
		n += len(stats[i].lat)
	}
	res.lat = make([]time.Duration, 0, n)
	for i := range stats {
		st := &stats[i]
		res.lat = append(res.lat, st.lat...)
		res.OK += st.ok
		for code, c := range st.status {
			res.Status[code] += c
		}
		if res.FirstErr == nil {
			res.FirstErr = st.err
		}
	}
	res.Requests = int64(len(res.lat))
	slices.Sort(res.lat)
	return res
}

// progressLine redraws one line, render's, on the progress writer every 200 ms until
// stopped, then blanks it. Only on a terminal: redrawn into a file or a pipe, the line
// would leave a log of overwritten lines, so there the bench shows no progress and
// ends with its table.
func (b *bench) progressLine(render func() string) (stop func()) {
	if !b.tty {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				b.clearStatus()
				return
			case <-t.C:
				b.status("%s", render())
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// status prints a one-off progress message (setup steps) on the progress line; only
// on a terminal.
func (b *bench) status(format string, args ...any) {
	if b.tty {
		fmt.Fprintf(b.progress, "\r%-79s", "  "+fmt.Sprintf(format, args...))
	}
}

// clearStatus blanks the progress line; only on a terminal.
func (b *bench) clearStatus() {
	if b.tty {
		fmt.Fprintf(b.progress, "\r%-79s\r", "")
	}
}

// httpClient returns a client for n concurrent callers: keep-alive connections, one
// per caller, no compression, no proxy. dial, when set, makes the connections.
func httpClient(n int, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	if dial == nil {
		dial = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         dial,
		MaxIdleConns:        n + 16,
		MaxIdleConnsPerHost: n + 16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// closeClient drops a client's idle connections.
func closeClient(c *http.Client) { c.CloseIdleConnections() }

// post sends a JSON body and drains the answer, so the connection is reused.
func post(ctx context.Context, c *http.Client, url string, body []byte) (int, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return send(c, req)
}

func get(ctx context.Context, c *http.Client, url string) (int, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	return send(c, req)
}

func send(c *http.Client, req *http.Request) (int, http.Header, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header, nil
}

// sourceAddresses hands out distinct IPv4 loopback source addresses (127.1.0.1,
// 127.1.0.2, …): on Linux the whole of 127.0.0.0/8 reaches the loopback interface, so
// each connection comes from a client address of its own, as declarants do.
type sourceAddresses struct{ n atomic.Uint32 }

func (s *sourceAddresses) next() net.IP {
	v := s.n.Add(1) % (254 << 16)
	return net.IPv4(127, byte(1+v>>16), byte(v>>8), byte(v))
}

// dial connects from the next source address.
func (s *sourceAddresses) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: s.next()}}
	return d.DialContext(ctx, network, addr)
}

// fixedSource dials from one source address.
func fixedSource(ip net.IP) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, LocalAddr: &net.TCPAddr{IP: ip}}
	return d.DialContext
}

// clients returns n HTTP clients, one per simulated declarant. When the service is on
// IPv4 loopback each connects from a loopback address of its own, as declarants come
// from addresses of their own: otherwise every client would share 127.0.0.1's rows of
// the per-address counters (rate limits, failed sign-ins) and queue on their locks.
func (b *bench) clients(n int) []*http.Client {
	cs := make([]*http.Client, n)
	for i := range cs {
		if b.loopbackV4 {
			cs[i] = httpClient(1, fixedSource(b.sources.next()))
		} else {
			cs[i] = httpClient(1, nil)
		}
	}
	return cs
}

func closeClients(cs []*http.Client) {
	for _, c := range cs {
		closeClient(c)
	}
}

// Memory of a process, from /proc (Linux).

const mib = 1 << 20

// procStatus reads a "kB" field (VmRSS, VmHWM) of /proc/PID/status in bytes.
func procStatus(pid int, field string) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, field+":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}

// rssSampler follows a process's resident memory: the kernel's high-water mark (reset
// at the start, where the kernel allows it) and samples every 10 ms, with the share of
// the work done at each sample so growth can be told from a plateau.
type rssSampler struct {
	pid      int
	hwmReset bool
	before   int64
	quit     chan struct{}
	finished chan struct{}
	mu       sync.Mutex
	samples  []rssSample
}

type rssSample struct {
	at  float64 // share of the work done, 0..1 (0 when unknown)
	rss int64
}

// startRSS starts sampling process pid; progress (may be nil) reports the share done.
// It returns nil when the process's memory cannot be read.
func startRSS(pid int, progress func() float64) *rssSampler {
	if pid <= 0 {
		return nil
	}
	before, ok := procStatus(pid, "VmRSS")
	if !ok {
		return nil
	}
	s := &rssSampler{pid: pid, before: before, quit: make(chan struct{}), finished: make(chan struct{})}
	// "5" resets the peak resident set size (VmHWM) to the current size.
	s.hwmReset = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
	go func() {
		defer close(s.finished)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.quit:
				return
			case <-t.C:
				if v, ok := procStatus(pid, "VmRSS"); ok {
					at := 0.0
					if progress != nil {
						at = progress()
					}
					s.mu.Lock()
					s.samples = append(s.samples, rssSample{at: at, rss: v})
					s.mu.Unlock()
				}
			}
		}
	}()
	return s
}

// rssFigures is what the sampler saw.
type rssFigures struct {
	Before      int64 // bytes, at the start
	Peak        int64 // bytes
	FirstHalf   int64 // peak over the first half of the work
	SecondHalf  int64 // peak over the second half
	KernelPeak  bool  // Peak includes the kernel's high-water mark
	SampleCount int
}

// stop ends sampling and returns the figures.
func (s *rssSampler) stop() rssFigures {
	close(s.quit)
	<-s.finished
	f := rssFigures{Before: s.before, Peak: s.before, SampleCount: len(s.samples)}
	for _, x := range s.samples {
		f.Peak = max(f.Peak, x.rss)
		if x.at < 0.5 {
			f.FirstHalf = max(f.FirstHalf, x.rss)
		} else {
			f.SecondHalf = max(f.SecondHalf, x.rss)
		}
	}
	if s.hwmReset {
		if hwm, ok := procStatus(s.pid, "VmHWM"); ok && hwm > f.Peak {
			f.Peak, f.KernelPeak = hwm, true
		}
	}
	return f
}

func toMiB(b int64) float64 { return math.Round(float64(b)/mib*10) / 10 }

// slice is spec shortened to one of alternate's turns.
func (spec loadSpec) slice() loadSpec {
	spec.duration /= sideBySide
	return spec
}

// sideBySide is how many turns alternate runs each measurement in.
const sideBySide = 5

// alternate runs two measurements in turns — a's first slice, b's, a's second, … —
// each slice a sideBySide-th of its duration, and returns each one's slices merged.
// A target's two figures (look-ups and the empty handler, sign-ins and hashing) are so
// measured side by side: a shared machine that slows or quickens during the run, as
// its neighbours come and go, moves both alike, instead of the one measured while it
// was quick (issue 13: the same filings were 0.70 and 1.00 of a hash rate measured
// minutes before them). Both stop when either runs out of data or of requests.
func (b *bench) alternate(ctx context.Context, a, c loadSpec) (loadResult, loadResult) {
	specs := [2]loadSpec{a, c}
	var res [2]loadResult
	for i := range res {
		res[i] = loadResult{Clients: specs[i].clients, Status: map[int]int64{}, StoppedBy: "seconds"}
	}
	for turn := 0; turn < sideBySide && ctx.Err() == nil; turn++ {
		stop := false
		for i, spec := range specs {
			slice := spec.slice()
			slice.requests = spec.requests - res[i].Requests
			slice.label = fmt.Sprintf("%s (%d/%d)", spec.label, turn+1, sideBySide)
			r := b.run(ctx, slice)
			res[i] = mergeResults(res[i], r)
			stop = stop || r.StoppedBy != "seconds"
		}
		if stop {
			break
		}
	}
	for i := range res {
		slices.Sort(res[i].lat)
	}
	return res[0], res[1]
}

// mergeResults adds slice r to the measurement acc (latencies left unsorted).
func mergeResults(acc, r loadResult) loadResult {
	acc.Requests += r.Requests
	acc.OK += r.OK
	acc.Elapsed += r.Elapsed
	for code, n := range r.Status {
		acc.Status[code] += n
	}
	if acc.FirstErr == nil {
		acc.FirstErr = r.FirstErr
	}
	if r.StoppedBy != "seconds" {
		acc.StoppedBy = r.StoppedBy
	}
	acc.lat = append(acc.lat, r.lat...)
	return acc
}

package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"

	"kabinet/demo"
	"kabinet/store"
)

// The scenarios of BENCH.md. Each measurement is bounded by --seconds and --requests.

func (b *bench) duration() time.Duration { return time.Duration(b.cfg.seconds * float64(time.Second)) }

// hashRate is the argon2id rate of this run (0 before the hash scenario).
func (b *bench) hashRate() float64 {
	if b.rep.Hash == nil {
		return 0
	}
	return b.rep.Hash.PerSecond
}

// ratio divides, 0 when the divisor is.
func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return round3(a / b)
}

// saw notes server errors, so the in-process service's log is kept for reading.
func (b *bench) saw(res loadResult, refusals bool) {
	for code, n := range res.Status {
		if code >= 500 && n > 0 && !(refusals && code == http.StatusServiceUnavailable) {
			b.serverErrs = true
		}
	}
}

// scenarioHash: argon2id hashes per second on all cores, with the service's
// parameters and the service's Hasher (its bound on concurrent hashes included).
func (b *bench) scenarioHash(ctx context.Context) error {
	spec := b.hashing("hash: argon2id")
	res := b.run(ctx, spec)
	b.rep.Hash = &hashFigures{PerSecond: res.rate(), Workers: spec.clients, Hashes: res.OK, Seconds: round2(res.Elapsed.Seconds()), P50MS: res.pct(0.5)}
	return nil
}

// hashing is the hash scenario's measurement: argon2id on every core through the
// service's Hasher. The scenarios judged against the hash rate measure it again beside
// their own measurement (besideHash).
func (b *bench) hashing(label string) loadSpec {
	return loadSpec{label: label, clients: runtime.NumCPU(), duration: b.duration(), requests: b.cfg.requests,
		do: func(ctx context.Context, _ int, _ int64) (int, error) {
			if _, err := b.hasher.Hash(ctx, benchPassword); err != nil {
				return 0, err
			}
			return http.StatusOK, nil
		}}
}

// besideHash runs spec in turns with hashing (alternate) and returns its result and
// the hash rate measured beside it, which its ratio to the hash rate divides by.
func (b *bench) besideHash(ctx context.Context, spec loadSpec) (loadResult, float64) {
	res, hashed := b.alternate(ctx, spec, b.hashing("hash beside "+spec.label))
	return res, hashed.rate()
}

func jsonBody(v any) []byte {
	p, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return p
}

// scenarioLogin: successful sign-ins per second at each level of concurrent clients,
// each client with an account of its own.
func (b *bench) scenarioLogin(ctx context.Context) error {
	if len(b.logins) < maxLoginClients() {
		return fmt.Errorf("bench: %d accounts for %d sign-in clients", len(b.logins), maxLoginClients())
	}
	bodies := make([][]byte, len(b.logins))
	for i, l := range b.logins {
		bodies[i] = jsonBody(map[string]string{"login": l, "password": benchPassword})
	}
	fig := &loginFigures{Accounts: len(b.logins)}
	for _, n := range loginLevels {
		cs := b.clients(n)
		res, hashed := b.besideHash(ctx, loadSpec{label: fmt.Sprintf("login: %d client(s)", n), clients: n, duration: b.duration(), requests: b.cfg.requests,
			do: func(ctx context.Context, client int, _ int64) (int, error) {
				st, _, err := post(ctx, cs[client], b.base+"/api/v1/auth/login", bodies[client])
				return st, err
			}})
		closeClients(cs)
		b.saw(res, false)
		lv := loginLevel{rateFigures: figuresOf(res), HashBeside: round1(hashed), Ratio: ratio(res.rate(), hashed)}
		fig.Levels = append(fig.Levels, lv)
		fig.Total5xx += lv.Status5xx
		if lv.Ratio > fig.BestRatio || fig.BestClients == 0 {
			fig.BestRatio, fig.BestClients = lv.Ratio, n
		}
		if ctx.Err() != nil {
			break
		}
	}
	if last := fig.Levels[len(fig.Levels)-1]; last.Clients == maxLoginClients() {
		fig.Ratio64ToBest = ratio(last.Ratio, fig.BestRatio)
	}
	b.rep.Login = fig
	return nil
}

// lookupBodies are look-up requests for the given ИНН.
func lookupBodies(inns []string) [][]byte {
	out := make([][]byte, len(inns))
	for i, v := range inns {
		out[i] = jsonBody(map[string]string{"inn": v})
	}
	return out
}

// lookups runs look-ups with --clients clients, cycling through bodies.
func (b *bench) lookups(ctx context.Context, label string, bodies [][]byte) loadResult {
	return b.lookupsAt(ctx, label, bodies, b.cfg.clients)
}

func (b *bench) lookupsAt(ctx context.Context, label string, bodies [][]byte, clients int) loadResult {
	cs := b.clients(clients)
	defer closeClients(cs)
	res := b.run(ctx, b.lookupSpec(label, bodies, cs))
	b.saw(res, false)
	return res
}

// lookupSpec is look-ups by the clients cs, cycling through bodies.
func (b *bench) lookupSpec(label string, bodies [][]byte, cs []*http.Client) loadSpec {
	return loadSpec{label: label, clients: len(cs), duration: b.duration(), requests: b.cfg.requests,
		do: func(ctx context.Context, client int, seq int64) (int, error) {
			st, _, err := post(ctx, cs[client], b.base+"/api/v1/registry/lookup", bodies[int(seq)%len(bodies)])
			return st, err
		}}
}

// lookupLevels are the look-up scenario's levels of clients after --clients. A look-up
// writes (its count and its audit entry, committed with the look-ups that arrive with
// it: group commit), so at a few clients it is bound by the commit's latency, and the
// machine sits partly idle while a batch commits: at 64 clients on PostgreSQL 40 % of
// the processors were idle (issue 13). lookupSaturation clients keep the service, not
// the clients' waiting, setting the pace — the deadline day's thousands of declarants —
// and the empty handler is measured at each level too, so each ratio compares like with
// like.
var lookupLevels = []int{64, lookupSaturation}

const lookupSaturation = 256

// scenarioLookup: registry look-ups per second beside the empty handler (/healthz,
// the same server and middleware), one after the other in this run, at --clients and
// at each of lookupLevels; the target is judged at the best ratio, as the sign-ins'
// is, and every level is reported.
func (b *bench) scenarioLookup(ctx context.Context) error {
	fig := &lookupFigures{}
	for _, n := range append([]int{b.cfg.clients}, lookupLevels...) {
		if slices.ContainsFunc(fig.Levels, func(l lookupLevel) bool { return l.Clients == n }) {
			continue
		}
		cs := b.clients(n)
		empty, look := b.alternate(ctx, loadSpec{label: fmt.Sprintf("lookup: empty handler, %d clients", n), clients: n, duration: b.duration(),
			requests: b.cfg.requests, do: func(ctx context.Context, client int, _ int64) (int, error) {
				st, _, err := get(ctx, cs[client], b.base+"/healthz")
				return st, err
			}}, b.lookupSpec(fmt.Sprintf("lookup: registry look-up, %d clients", n), lookupBodies(b.lookupINN), cs))
		closeClients(cs)
		b.saw(empty, false)
		b.saw(look, false)
		lv := lookupLevel{Clients: n, Lookup: figuresOf(look), Empty: figuresOf(empty), Ratio: ratio(look.rate(), empty.rate())}
		fig.Levels = append(fig.Levels, lv)
		if len(fig.Levels) == 1 || lv.Ratio > fig.Ratio {
			fig.Lookup, fig.Empty, fig.Ratio, fig.BestClients = lv.Lookup, lv.Empty, lv.Ratio, n
		}
	}
	b.rep.Lookup = fig
	return nil
}

// scenarioApply: applications formed per second (argon2id, the insert, the code), each
// for an ИНН of its own so that none supersedes another (RST-2).
func (b *bench) scenarioApply(ctx context.Context) error {
	n := b.cfg.clients
	// Enough rows for the run at the hash rate, with room to spare (a shared machine's
	// hash rate was seen to grow by half between the hash scenario and this one); bounded
	// by --requests.
	k := max(500, int(math.Ceil(b.hashRate()*b.cfg.seconds*3))+2*n)
	k = int(min(int64(k), b.cfg.requests))
	lo := b.rowBase + lookupPool + maxLoginClients()
	b.status("loading %d registry rows, one per application…", k)
	if err := b.loadRows(ctx, lo, lo+k, "bench-apply"); err != nil {
		return err
	}
	b.clearStatus()
	bodies := make([][]byte, k)
	for i := range bodies {
		bodies[i] = jsonBody(map[string]string{"kind": "access", "inn": demo.GeneratedINN(lo + i), "passport": benchPassport,
			"password": benchPassword, "password_confirm": benchPassword})
	}
	var c *http.Client
	if b.loopbackV4 {
		c = httpClient(n, b.sources.dial)
		c.Transport.(*http.Transport).DisableKeepAlives = true
		b.rep.Adjustments = append(b.rep.Adjustments, "applications: a connection and a loopback address each, since one address may form "+
			"only 60 an hour (store.ApplicationsPerHour, a constant outside the policy)")
	} else {
		c = httpClient(n, nil)
		b.rep.Adjustments = append(b.rep.Adjustments, "the service is not on an IPv4 loopback address: every application comes from one address, "+
			"which may form only 60 an hour (store.ApplicationsPerHour); expect 429")
	}
	defer closeClient(c)
	var next atomic.Int64
	res, hashed := b.besideHash(ctx, loadSpec{label: fmt.Sprintf("apply: %d clients", n), clients: n, duration: b.duration(), requests: b.cfg.requests,
		do: func(ctx context.Context, _ int, _ int64) (int, error) {
			i := next.Add(1) - 1
			if i >= int64(len(bodies)) {
				return 0, errExhausted
			}
			st, _, err := post(ctx, c, b.base+"/api/v1/applications", bodies[i])
			return st, err
		}})
	b.saw(res, false)
	b.rep.Apply = &applyFigures{rateFigures: figuresOf(res), Prepared: k, HashBeside: round1(hashed), Ratio: ratio(res.rate(), hashed)}
	return nil
}

// scenarioFlood: --flood clients sign in with wrong passwords at once, for the whole
// measurement, while a declarant looks an ИНН up every 20 ms. The hashing bound must
// keep memory down and refuse the excess cleanly (503 + Retry-After); the look-up must
// stay quick. Each sign-in names a login of its own that does not exist: it costs the
// same argon2id (VerifyDummy) and locks no account.
func (b *bench) scenarioFlood(ctx context.Context) error {
	n := b.cfg.flood
	fig := &floodFigures{Clients: n}
	base, pid := b.base, b.pid
	var childNote string
	if b.pid == os.Getpid() && b.dbURL != "" {
		// The service alone, as it runs in production: a `kabinet serve` of its own on the
		// same database, so the load generator's thousand connections are not counted.
		c, err := b.startChild(ctx, b.dbURL)
		if err != nil {
			childNote = fmt.Sprintf(" (%v)", err)
		} else {
			defer c.stop()
			base, pid = c.base, c.pid()
			childNote = fmt.Sprintf("a service process of its own (kabinet serve, pid %d)", pid)
		}
	}
	// The hash rate right before the flood (and after it, below), for the 401s' check.
	before := b.run(ctx, b.hashing("flood: hash before").slice())
	if pid == os.Getpid() {
		// Start from a settled heap, not from what the scenarios before left.
		runtime.GC()
		debug.FreeOSMemory()
	}
	rss := startRSS(pid, nil)
	switch {
	case rss == nil && pid == 0:
		fig.RSSNote = "unknown: the service runs in another process; give its id with --pid"
	case rss == nil:
		fig.RSSNote = fmt.Sprintf("unknown: cannot read /proc/%d/status", pid)
	case pid == os.Getpid():
		fig.RSSNote = "the bench's own process: the service and the load generator together" + childNote
		fig.InProcess = true
	case childNote != "":
		fig.RSSNote = childNote
	default:
		fig.RSSNote = fmt.Sprintf("process %d", pid)
	}

	lookURL := base + "/api/v1/registry/lookup"
	bodies := lookupBodies(b.lookupINN)
	pc := b.clients(1)[0]
	defer closeClient(pc)
	post(ctx, pc, lookURL, bodies[0]) // open the connection before the flood
	var probe []time.Duration
	probeStatus := map[int]int64{}
	quit, probeDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(probeDone)
		for i := 0; ; i++ {
			select {
			case <-quit:
				return
			default:
			}
			t0 := time.Now()
			st, _, err := post(ctx, pc, lookURL, bodies[i%len(bodies)])
			d := time.Since(t0)
			if err != nil && ctx.Err() != nil {
				return
			}
			probe = append(probe, d)
			probeStatus[st]++
			if wait := 20*time.Millisecond - d; wait > 0 {
				select {
				case <-quit:
					return
				case <-time.After(wait):
				}
			}
		}
	}()

	tag := make([]byte, 4)
	rand.Read(tag)
	run := hex.EncodeToString(tag)
	var noRetry atomic.Int64
	cs := b.clients(n)
	res := b.run(ctx, loadSpec{label: fmt.Sprintf("flood: %d wrong sign-ins", n), clients: n, duration: b.duration(), requests: b.cfg.requests,
		do: func(ctx context.Context, client int, seq int64) (int, error) {
			body := jsonBody(map[string]string{"login": fmt.Sprintf("bench-%s-%d", run, seq), "password": benchWrong})
			st, h, err := post(ctx, cs[client], base+"/api/v1/auth/login", body)
			if st == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
				noRetry.Add(1)
			}
			return st, err
		}})
	closeClients(cs)
	close(quit)
	<-probeDone
	b.saw(res, true)
	if rss != nil {
		m := rss.stop()
		fig.PeakRSSMiB, fig.RSSBeforeMiB = ptr(toMiB(m.Peak)), ptr(toMiB(m.Before))
	}
	// After the memory's peak is read: in-process, the hashes' memory is the bench's.
	after := b.run(ctx, b.hashing("flood: hash after").slice())
	fig.Requests, fig.Status, fig.Seconds = res.Requests, res.statusCounts(), round2(res.Elapsed.Seconds())
	fig.Status503 = res.Status[http.StatusServiceUnavailable]
	fig.Status5xxNot503 = res.count5xx() - fig.Status503
	fig.NoRetryAfter = noRetry.Load()
	fig.CheckedPasswords = res.Status[http.StatusUnauthorized]
	fig.CheckedPerSecond = round1(float64(fig.CheckedPasswords) / max(res.Elapsed.Seconds(), 1e-9))
	// Each 401 claims a password was checked: more of them than the hasher can check in
	// the time means some were answered without a check (a busy hasher must answer 503).
	// The hasher's capacity is the best of the rates measured just before the flood,
	// just after it and in the hash scenario: a shared machine's speed drifts (the hash
	// scenario's 22.7/s and the applications' 31.6/s beside it, in one run of issue 13),
	// and the check must not take a quicker spell for answers without a check.
	fig.HashBeside = round1(max(before.rate(), after.rate()))
	if h := max(b.hashRate(), before.rate(), after.rate()); h > 0 {
		fig.UncheckedMin = max(0, fig.CheckedPasswords-int64(math.Ceil(1.1*h*res.Elapsed.Seconds())))
		fig.CheckedToHash = ratio(fig.CheckedPerSecond, h)
	}
	slices.Sort(probe)
	fig.Lookups = int64(len(probe))
	fig.LookupsOK = probeStatus[http.StatusOK]
	fig.LookupP50MS, fig.LookupP99MS, fig.LookupMaxMS = quantileMS(probe, 0.5), quantileMS(probe, 0.99), quantileMS(probe, 1)
	fig.LookupStatus = loadResult{Status: probeStatus}.statusCounts()
	b.rep.Flood = fig
	return nil
}

// scenarioImportScale imports --rows generated rows with the registry importer, and
// compares the look-up's p99 on a small registry (10,000 rows, or a tenth of --rows)
// with that on the registry after the import.
func (b *bench) scenarioImportScale(ctx context.Context, doImport, doScale bool) error {
	small := min(10_000, b.cfg.rows/10)
	lo := 0
	var sc *scaleFigures
	var loadStart time.Time
	if doScale {
		loadStart = time.Now()
		b.status("loading %d registry rows for the small registry…", small)
		if err := b.loadRows(ctx, 0, small, "bench-scale"); err != nil {
			return err
		}
		b.clearStatus()
		n, err := b.registryRows(ctx)
		if err != nil {
			return err
		}
		sc = &scaleFigures{SmallRows: n}
		sc.Small = figuresOf(b.lookups(ctx, fmt.Sprintf("scale: look-up, %d rows", n), scaleBodies(small)))
		lo = small
	}
	var bare *bareFigures
	if doImport {
		// First, so that what it leaves the database to do (a checkpoint, say) falls on
		// the importer, not on the look-ups of the large registry.
		var err error
		if bare, err = b.bareInsert(ctx, lo, lo+b.cfg.rows); err != nil {
			return err
		}
	}
	im, err := b.importRows(ctx, lo, lo+b.cfg.rows)
	if err != nil {
		return err
	}
	if doImport {
		im.Bare, im.RatioToBare = bare, ratio(im.PerSecond, bare.PerSecond)
		b.rep.Import = im
	}
	if doScale {
		sc.LoadSeconds = round2(time.Since(loadStart).Seconds() - sc.Small.Seconds)
		sc.LargeRows = im.RegistryRows
		sc.Large = figuresOf(b.lookups(ctx, fmt.Sprintf("scale: look-up, %d rows", sc.LargeRows), scaleBodies(lo+b.cfg.rows)))
		if sc.Small.P99MS > 0 {
			sc.Ratio = round2(sc.Large.P99MS / sc.Small.P99MS)
		}
		b.rep.Scale = sc
	}
	return nil
}

// scaleBodies are look-ups of random generated rows below upto.
func scaleBodies(upto int) [][]byte {
	r := mrand.New(mrand.NewPCG(uint64(upto), 2026))
	inns := make([]string, 4096)
	for i := range inns {
		inns[i] = demo.GeneratedINN(r.IntN(upto))
	}
	return lookupBodies(inns)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// importRows writes rows lo..hi-1 to a temporary CSV file and imports it as `kabinet
// registry import` does, streaming, while following the memory of this process (the
// importer).
func (b *bench) importRows(ctx context.Context, lo, hi int) (*importFigures, error) {
	f, err := os.CreateTemp("", "kabinet-bench-registry-*.csv")
	if err != nil {
		return nil, fmt.Errorf("bench: registry file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	b.status("writing %d generated registry rows to %s…", hi-lo, f.Name())
	if err := writeBenchRows(f, lo, hi); err != nil {
		return nil, fmt.Errorf("bench: write %s: %w", f.Name(), err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", f.Name(), err)
	}
	b.clearStatus()
	cr := &countingReader{r: f}
	share := func() float64 { return float64(cr.n.Load()) / float64(max(size, 1)) }
	runtime.GC()
	debug.FreeOSMemory()
	rss := startRSS(os.Getpid(), share)
	start := time.Now()
	stop := b.progressLine(func() string {
		return fmt.Sprintf("%-30s %5.1f%% %6.1f s", fmt.Sprintf("import: %d rows", hi-lo), 100*share(), time.Since(start).Seconds())
	})
	var first string
	rep, err := b.db.ImportRegistry(ctx, benchActor, filepath.Base(f.Name()), store.FormatCSV, bufio.NewReaderSize(cr, 1<<16), func(e store.LineError) {
		if first == "" {
			first = e.String()
		}
	})
	el := time.Since(start)
	stop()
	var mem rssFigures
	if rss != nil {
		mem = rss.stop()
	}
	if err != nil {
		return nil, fmt.Errorf("bench: import: %w", err)
	}
	if rep.Rejected > 0 {
		return nil, fmt.Errorf("bench: import rejected %d generated rows, the first: %s", rep.Rejected, first)
	}
	im := &importFigures{Rows: int64(rep.Read), Rejected: int64(rep.Rejected), Seconds: round2(el.Seconds()),
		PerSecond: round1(float64(rep.Loaded) / max(el.Seconds(), 1e-9)), FileMiB: toMiB(size)}
	if rss != nil {
		if mem.FirstHalf == 0 {
			mem.FirstHalf = mem.Before
		}
		if mem.SecondHalf == 0 {
			mem.SecondHalf = mem.FirstHalf
		}
		// Flat: the second half of the file costs no more memory than the first (within
		// a GC cycle's wobble): the importer streams.
		im.Flat = mem.SecondHalf <= max(mem.FirstHalf+mem.FirstHalf/10, mem.FirstHalf+16*mib)
		im.RSSBeforeMiB, im.PeakRSSMiB = ptr(toMiB(mem.Before)), ptr(toMiB(mem.Peak))
		im.FirstHalfMiB, im.SecondHalfMiB = ptr(toMiB(mem.FirstHalf)), ptr(toMiB(mem.SecondHalf))
	}
	if im.RegistryRows, err = b.registryRows(ctx); err != nil {
		return nil, err
	}
	return im, nil
}

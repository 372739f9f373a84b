// Package bench is `kabinet bench`: it measures what one box carries, as shared/BENCH.md
// describes. It starts the service in-process through the binary's own wiring (or aims
// at one on this machine), loads the data it needs, runs bounded scenarios against
// loopback and compares the figures with the limits measured in the same run.
package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"kabinet"
	"kabinet/demo"
	"kabinet/internal/tty"
	"kabinet/password"
	"kabinet/store"
)

// Config is what the binary gives the bench: its own wiring of the service, so that the
// bench measures the service exactly as `kabinet serve` runs it.
type Config struct {
	// ServeFlags are serve's flags, with serve's defaults. The bench offers the hash
	// parameters and the log level among its own, so that it hashes exactly as the
	// service it starts; Hasher, Start and ServeArgs read them after parsing.
	ServeFlags *flag.FlagSet
	// Parse parses the bench's flags as every command of the binary does (the
	// environment fallback included).
	Parse func(fs *flag.FlagSet, args []string) error
	// Hasher is the password hasher serve's hash flags describe.
	Hasher func() (*password.Hasher, error)
	// Start starts the service in-process exactly as serve wires it, on the database
	// db, at 127.0.0.1:0 with the operations address off and the schema migrated; the
	// service logs to log.
	Start func(ctx context.Context, db string, log io.Writer) (*Service, error)
	// Demo loads the demo data (the offices' staff and registry) as `kabinet demo`
	// does, once the bench has made sure the database is a scratch one.
	Demo func(ctx context.Context, db *store.DB) error
	// ServeArgs are the arguments of `kabinet serve` on db with serve's flags as parsed,
	// at 127.0.0.1:0 without the operations address and without migrating: the flood's
	// service process of its own runs them.
	ServeArgs func(db string) []string
}

// Service is a service started in-process, bound but not yet serving.
type Service struct {
	DB   *store.DB
	Addr net.Addr // the public listener's address
	// Serve serves until its context ends, then shuts down and closes DB.
	Serve func(ctx context.Context) error
	// Close releases the listeners and the database of a service that never served.
	Close func()
}

// UsageError is a mistake on the command line: the binary shows its usage and exits 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usageError(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// scenario is one row of BENCH.md's table. A new scenario is one entry in scenarios
// and its method beside the others in scenarios.go, which stores its figures in the
// report (report.go: a field, the table's lines and the checks against its target).
type scenario struct {
	name string
	// withoutDB, when set, is why the scenario cannot run against --url without --db:
	// it is skipped with this reason.
	withoutDB string
	// uses names earlier scenarios whose figures this one divides by: they run first,
	// selected or not.
	uses []string
	// policy: the scenario needs the policy's per-client limits raised for the run.
	policy bool
	// lookupRows: it signs in or looks up the registry rows prepared for the run;
	// accounts: it signs in with the accounts prepared for the run.
	lookupRows, accounts bool
	// confirmations: it confirms one account's password from several clients at once
	// (FIL-6): each concurrent check reserves an attempt (PWD-3), so the policy's
	// failures-before-lock is lifted to its ceiling for the run.
	confirmations bool
	run           func(b *bench, ctx context.Context) error
}

// scenarios, in the order they run.
var scenarios = []scenario{
	{name: "hash", run: (*bench).scenarioHash},
	{name: "login", uses: []string{"hash"}, policy: true, lookupRows: true, accounts: true, run: (*bench).scenarioLogin,
		withoutDB: "needs --db: the bench creates the accounts it signs in with, and raises the policy's per-address throttle of failed sign-ins (PWD-3) for the run, in the database"},
	{name: "lookup", policy: true, lookupRows: true, run: (*bench).scenarioLookup,
		withoutDB: "needs --db: the policy's look-up limit (SEC-2, 30 per client per minute) is raised for the run in the database"},
	{name: "apply", uses: []string{"hash"}, run: (*bench).scenarioApply,
		withoutDB: "needs --db: each application needs a registry row of its own (RST-2 would supersede otherwise), which the bench adds to the database"},
	{name: "flood", uses: []string{"hash"}, policy: true, lookupRows: true, run: (*bench).scenarioFlood,
		withoutDB: "needs --db: the policy's per-address throttle of failed sign-ins (PWD-3) is raised for the run in the database"},
	// The import's rows are the scale's large registry: with both selected, the import
	// measures the scale too.
	{name: "import", run: func(b *bench, ctx context.Context) error { return b.scenarioImportScale(ctx, true, b.runs("scale")) },
		withoutDB: "needs --db: the registry is loaded straight into the database"},
	{name: "scale", policy: true, run: func(b *bench, ctx context.Context) error {
		if b.runs("import") {
			return nil
		}
		return b.scenarioImportScale(ctx, false, true)
	}, withoutDB: "needs --db: the registry is loaded straight into the database"},
	{name: "filing", uses: []string{"hash"}, run: (*bench).scenarioFiling,
		withoutDB: "needs --db: each report is the first of its subject and period, and the bench adds the subjects and their accounts to the database"},
	{name: "filing-race", confirmations: true, run: (*bench).scenarioFilingRace,
		withoutDB: "needs --db: the second instance runs on the database, and the subjects and their accounts are added to it"},
	{name: "vat", uses: []string{"lookup"}, run: (*bench).scenarioVAT,
		withoutDB: "needs --db: the second instance runs on the database, the applications and officers are added to it and the ranges read from it"},
	{name: "pdf", run: (*bench).scenarioPDF},
	{name: "scale-filings", run: (*bench).scenarioFilingScale,
		withoutDB: "needs --db: the filings are seeded straight into the database"},
}

func scenarioNames() []string {
	names := make([]string, len(scenarios))
	for i, s := range scenarios {
		names[i] = s.name
	}
	return names
}

// Run runs `kabinet bench` with args (the arguments after "bench"); progress goes to
// stderr, only when it is a terminal, and the figures to stdout. Mistakes on the
// command line are *UsageError.
func Run(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	var f options
	fs := flag.NewFlagSet("kabinet bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.db, "db", "", "database URL: sqlite:PATH or postgres://… (default: SQLite in a new temporary folder). The bench writes test data into it: give it a scratch database")
	fs.StringVar(&f.url, "url", "", "aim at a service already running on this machine (http://127.0.0.1:PORT) instead of starting one")
	fs.BoolVar(&f.json, "json", false, "print one JSON object with every figure instead of the table")
	fs.StringVar(&f.scenarios, "scenarios", strings.Join(scenarioNames(), ","), "comma-separated scenarios to run")
	fs.Float64Var(&f.seconds, "seconds", 10, "how long each measurement runs, in seconds (each sign-in level is one, the look-up and the empty handler one each)")
	fs.Int64Var(&f.requests, "requests", 1_000_000, "at most this many requests in each measurement")
	fs.IntVar(&f.rows, "rows", 1_000_000, "registry rows for import and scale")
	fs.IntVar(&f.clients, "clients", 8, "concurrent clients for look-ups, applications and scale")
	fs.IntVar(&f.flood, "flood", 1000, "concurrent wrong-password sign-ins in the flood")
	fs.IntVar(&f.pid, "pid", 0, "with --url: the service's process id, to read its memory")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of the scenarios to FILE (in-process it covers the service and the load generator)")
	for _, name := range []string{"hash-memory", "hash-time", "hash-concurrency", "hash-wait", "log-level"} {
		fl := cfg.ServeFlags.Lookup(name)
		fs.Var(fl.Value, name, fl.Usage)
	}
	if err := cfg.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("bench: unexpected argument %q", fs.Arg(0))
	}
	if g, ok := cfg.ServeFlags.Lookup("hash-concurrency").Value.(flag.Getter); ok {
		f.hashSlots, _ = g.Get().(int)
	}
	b := &bench{cfg: f, env: cfg, progress: stderr, tty: tty.IsTerminal(stderr), sel: map[string]bool{}}
	if err := b.validate(); err != nil {
		return err
	}
	return b.main(ctx, stdout)
}

// loginLevels are the concurrent clients of the sign-in scenario (BENCH.md).
var loginLevels = []int{1, 2, 4, 8, 64}

const (
	benchPassword = "Луна2018!"   // meets the Guide's policy (PWD-1)
	benchPassport = "AN 4890152"  // the Guide's example passport
	benchWrong    = "Солнце2019!" // the flood's wrong password
	benchStaff    = "kabinet-bench"
	// benchMarker is the settings key that marks a database as the benchmark's.
	benchMarker = "kabinet-bench"
	// benchLimit replaces the policy's per-client limits for the run.
	benchLimit = 1_000_000_000
	// lookupPool is how many registry rows the look-ups cycle through.
	lookupPool = 1000
	// maxFailuresCeiling is the highest failures-before-lock the policy accepts.
	maxFailuresCeiling = 20
)

var benchActor = store.Actor{Name: "cli:bench", Address: "127.0.0.1"}

// options are the bench's flags; serve's hash parameters and log level live in
// Config.ServeFlags.
type options struct {
	db         string
	hashSlots  int // serve's --hash-concurrency, for the report
	url        string
	json       bool
	scenarios  string
	seconds    float64
	requests   int64
	rows       int
	clients    int
	flood      int
	pid        int
	cpuprofile string
}

// bench is one run.
type bench struct {
	cfg        options
	env        Config
	sel        map[string]bool
	progress   io.Writer
	tty        bool // progress is a terminal: the progress line is drawn (issue 13, point 6)
	hasher     *password.Hasher
	base       string    // http://HOST:PORT of the service
	db         *store.DB // nil: --url without --db
	pid        int       // the service's process, for its memory; 0 unknown
	loopbackV4 bool      // the service listens on IPv4 loopback: clients can come from distinct 127.x addresses
	rowBase    int       // first generated-row number of this run's own registry rows
	nextRow    int       // the next generated-row number allocRows hands out
	lookupINN  []string
	logins     []string
	supervisor store.StaffActor
	rep        report
	dbURL      string // the in-process service's database, for the flood's service process
	logName    string // the in-process service's log
	serverErrs bool   // a 5xx was seen: keep the server log
	sources    sourceAddresses
}

// validate checks the flags.
func (b *bench) validate() error {
	f := &b.cfg
	for _, s := range strings.Split(f.scenarios, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(scenarioNames(), s) {
			return usageError("--scenarios: unknown scenario %q (known: %s)", s, strings.Join(scenarioNames(), ","))
		}
		b.sel[s] = true
	}
	switch {
	case len(b.sel) == 0:
		return usageError("--scenarios: name at least one of %s", strings.Join(scenarioNames(), ","))
	case !(f.seconds > 0 && f.seconds <= 3600):
		return usageError("--seconds must be more than 0 and at most 3600")
	case f.requests < 1:
		return usageError("--requests must be at least 1")
	case f.rows < 100 || f.rows > 50_000_000:
		return usageError("--rows must be 100..50000000")
	case f.clients < 1 || f.clients > 1024:
		return usageError("--clients must be 1..1024")
	case f.flood < 1 || f.flood > 10_000:
		return usageError("--flood must be 1..10000")
	case f.pid != 0 && f.url == "":
		return usageError("--pid names the process of the service at --url; in-process the bench reads its own memory")
	}
	if f.url != "" {
		u, v4, err := loopbackURL(f.url)
		if err != nil {
			return err
		}
		b.base, b.loopbackV4 = u, v4
	}
	h, err := b.env.Hasher()
	if err != nil {
		return err
	}
	b.hasher = h
	return nil
}

// loopbackURL checks that raw names a service on this machine: the bench floods its
// target and must never be aimed elsewhere.
func loopbackURL(raw string) (base string, ipv4 bool, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return "", false, usageError("--url %q: give http://HOST:PORT of a service on this machine", raw)
	}
	refuse := usageError("--url %q: the bench aims only at this machine (127.0.0.1, ::1 or localhost): it floods its target", raw)
	host := u.Hostname()
	if host == "localhost" {
		// Whatever the hosts file says, every address of the name must be this machine's.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil || len(ips) == 0 {
			return "", false, refuse
		}
		for _, ip := range ips {
			if !ip.IsLoopback() {
				return "", false, refuse
			}
		}
		return "http://" + u.Host, false, nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.IsLoopback() {
		return "", false, refuse
	}
	return "http://" + u.Host, ip.Unmap().Is4(), nil
}

func (b *bench) main(ctx context.Context, stdout io.Writer) (err error) {
	b.rep = report{Cores: runtime.NumCPU(), GoVersion: runtime.Version(), HashParams: b.hasher.Params().String(),
		HashSlots: b.cfg.hashSlots, Seconds: b.cfg.seconds, MaxRequests: b.cfg.requests, Rows: b.cfg.rows,
		Clients: b.cfg.clients, Skipped: map[string]string{}, GoMaxProcs: runtime.GOMAXPROCS(0), HashPriority: "normal priority"}
	switch {
	case b.cfg.url != "":
		b.rep.GoMaxProcs, b.rep.HashPriority = 0, "priority unknown: the service runs in another process"
	case password.LowPriority():
		b.rep.HashPriority = "each on a thread of its own at nice 19"
	}
	var stop func()
	if b.cfg.url == "" {
		stop, err = b.startService(ctx)
	} else {
		stop, err = b.attach(ctx)
	}
	if err != nil {
		return err
	}
	defer func() { stop() }()
	if b.loopbackV4 {
		b.rep.Adjustments = append(b.rep.Adjustments, "each simulated client connects from a loopback address of its own (127.1.x.x), "+
			"as declarants come from addresses of their own")
	}
	if b.db != nil {
		restore, err := b.raisePolicy(ctx)
		if err != nil {
			return err
		}
		defer restore()
		if err := b.prepare(ctx); err != nil {
			return err
		}
	} else {
		b.skipWithoutDB()
	}
	if b.cfg.cpuprofile != "" {
		pf, err := os.Create(b.cfg.cpuprofile)
		if err != nil {
			return fmt.Errorf("bench: --cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			pf.Close()
			return fmt.Errorf("bench: start CPU profile: %w", err)
		}
		defer func() {
			pprof.StopCPUProfile()
			pf.Close()
		}()
	}
	if err := b.scenarios(ctx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bench: interrupted: %w", err)
	}
	b.rep.checks()
	if b.serverErrs && b.logName != "" {
		b.rep.ServerLog = b.logName
	}
	if b.cfg.json {
		return b.rep.writeJSON(stdout)
	}
	return b.rep.writeTable(stdout)
}

// runs says whether the scenario was selected and can run.
func (b *bench) runs(name string) bool { return b.sel[name] && b.rep.Skipped[name] == "" }

// needs says whether a scenario that runs, selected or used by a selected one, needs
// what need picks out.
func (b *bench) needs(need func(scenario) bool) bool {
	used := map[string]bool{}
	for _, s := range scenarios {
		if b.sel[s.name] {
			used[s.name] = true
			for _, u := range s.uses {
				used[u] = true
			}
		}
	}
	for _, s := range scenarios {
		if used[s.name] && need(s) {
			return true
		}
	}
	return false
}

// scenarios runs the selected scenarios in order, each after those it uses.
func (b *bench) scenarios(ctx context.Context) error {
	todo := map[string]bool{}
	for _, s := range scenarios {
		if b.runs(s.name) {
			todo[s.name] = true
			for _, u := range s.uses {
				todo[u] = true
			}
		}
	}
	for _, s := range scenarios {
		if !todo[s.name] || ctx.Err() != nil {
			continue
		}
		if err := s.run(b, ctx); err != nil {
			return err
		}
	}
	return nil
}

// startService starts the service in-process exactly as serve wires it, on
// 127.0.0.1:0 with the operations address off, and loads the demo data.
func (b *bench) startService(ctx context.Context) (stop func(), err error) {
	db := b.cfg.db
	var tmp string
	if db == "" {
		if tmp, err = os.MkdirTemp("", "kabinet-bench-"); err != nil {
			return nil, fmt.Errorf("bench: temporary folder: %w", err)
		}
		db = "sqlite:" + filepath.Join(tmp, "kabinet.db")
	}
	cleanup := func() {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}
	// The service logs each request as serve does; to a file, so the table stays readable.
	logf, err := os.CreateTemp("", "kabinet-bench-*.log")
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("bench: server log: %w", err)
	}
	svc, err := b.env.Start(ctx, db, logf)
	if err != nil {
		logf.Close()
		os.Remove(logf.Name())
		cleanup()
		return nil, err
	}
	b.db, b.pid, b.loopbackV4, b.logName, b.dbURL = svc.DB, os.Getpid(), true, logf.Name(), db
	b.base = "http://" + svc.Addr.String()
	b.rep.Engine = svc.DB.Engine()
	b.rep.Target = "service in-process at " + b.base
	err = b.guard(ctx)
	if err == nil {
		err = b.env.Demo(ctx, svc.DB)
	}
	if err != nil {
		svc.Close()
		logf.Close()
		os.Remove(logf.Name())
		cleanup()
		return nil, err
	}
	// The service stops after the bench has restored the policy, not at ctx's end.
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(sctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			fmt.Fprintf(b.progress, "kabinet bench: the service stopped with: %v\n", err)
		}
		logf.Close()
		if !b.serverErrs {
			os.Remove(logf.Name())
		}
		cleanup()
	}, nil
}

// attach aims at a running service; with --db it opens the service's database for the
// data the scenarios need.
func (b *bench) attach(ctx context.Context) (stop func(), err error) {
	c := httpClient(1, nil)
	defer closeClient(c)
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	status, _, err := get(hctx, c, b.base+"/healthz")
	if err != nil {
		return nil, fmt.Errorf("bench: the service at %s does not answer: %w", b.base, err)
	}
	if status != 200 {
		return nil, fmt.Errorf("bench: %s/healthz answered %d, not 200", b.base, status)
	}
	b.pid = b.cfg.pid
	b.rep.Target = "service at " + b.base
	b.rep.Engine = "unknown (no --db)"
	if b.cfg.db == "" {
		return func() {}, nil
	}
	db, err := store.Open(ctx, b.cfg.db, store.Options{Hasher: b.hasher})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	b.db = db
	b.rep.Engine = db.Engine()
	if err := b.guard(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return func() { db.Close() }, nil
}

// skipWithoutDB marks the scenarios that need the database as skipped.
func (b *bench) skipWithoutDB() {
	for _, s := range scenarios {
		if b.sel[s.name] && s.withoutDB != "" {
			b.rep.Skipped[s.name] = s.withoutDB
		}
	}
}

// guard refuses a database holding someone's data: the bench writes registry rows,
// accounts and applications, and raises the policy while it runs. A database the bench
// has used before carries its mark.
func (b *bench) guard(ctx context.Context) error {
	q := b.db.SQL()
	var marked int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = $1", benchMarker).Scan(&marked); err != nil {
		return fmt.Errorf("bench: read settings: %w", err)
	}
	if marked > 0 {
		return nil
	}
	var n int64
	if err := q.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM accounts) + (SELECT COUNT(*) FROM applications)").Scan(&n); err != nil {
		return fmt.Errorf("bench: count accounts: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("bench: the database already holds %d accounts and applications; the bench writes test data into its database (registry rows, accounts, applications, and a raised policy while it runs): give it a scratch database", n)
	}
	if _, err := q.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2)", benchMarker,
		`{"note":"this database holds data written by kabinet bench"}`); err != nil {
		return fmt.Errorf("bench: mark the database: %w", err)
	}
	return nil
}

// raisePolicy lifts the policy's per-client limits for the run: every simulated client
// comes from loopback, so the per-address throttle of failed sign-ins (PWD-3) and the
// look-up limit (SEC-2) would measure the limits, not the service. A supervisor could do
// the same at /office/policy; the old values come back when the bench ends.
func (b *bench) raisePolicy(ctx context.Context) (restore func(), err error) {
	if !b.needs(func(s scenario) bool { return s.policy || s.confirmations }) && b.cfg.url == "" {
		return func() {}, nil
	}
	old, err := b.db.Policy(ctx)
	if err != nil {
		return nil, err
	}
	// A run that was killed leaves the raised values behind: restore the regulation's.
	back, def := old, kabinet.DefaultPolicy()
	if back.AddressFailuresPerHour == benchLimit {
		back.AddressFailuresPerHour = def.AddressFailuresPerHour
	}
	if back.LookupsPerMinute == benchLimit {
		back.LookupsPerMinute = def.LookupsPerMinute
	}
	p := old
	p.AddressFailuresPerHour, p.LookupsPerMinute = benchLimit, benchLimit
	note := ""
	if b.needs(func(s scenario) bool { return s.confirmations }) {
		p.MaxFailures = maxFailuresCeiling
		note = fmt.Sprintf(", failures before a lock %d → %d (PWD-3: concurrent confirmations of one account's password each reserve an attempt)",
			back.MaxFailures, maxFailuresCeiling)
	}
	if err := b.db.SetPolicy(ctx, benchActor, p); err != nil {
		return nil, fmt.Errorf("bench: raise the policy's limits: %w", err)
	}
	b.rep.Adjustments = append(b.rep.Adjustments, fmt.Sprintf(
		"policy raised for the run, as a supervisor may (restored at the end): failed sign-ins per client address per hour %d → %d (PWD-3), look-ups per client per minute %d → %d (SEC-2)%s",
		back.AddressFailuresPerHour, benchLimit, back.LookupsPerMinute, benchLimit, note))
	return func() {
		if err := b.db.SetPolicy(context.Background(), benchActor, back); err != nil {
			fmt.Fprintf(b.progress, "kabinet bench: could not restore the policy: %v\n", err)
		}
	}, nil
}

// prepare loads the registry rows the look-ups cycle through, and the accounts the
// sign-ins use.
func (b *bench) prepare(ctx context.Context) error {
	// This run's own rows: numbers far above the import's 0..rows, and random, so runs
	// on one database do not collide.
	b.rowBase = 100_000_000 + mrand.IntN(900_000)*1000
	if b.needs(func(s scenario) bool { return s.lookupRows }) {
		b.status("loading %d registry rows for look-ups and sign-ins…", lookupPool+maxLoginClients())
		if err := b.loadRows(ctx, b.rowBase, b.rowBase+lookupPool+maxLoginClients(), "bench-setup"); err != nil {
			return err
		}
		for i := 0; i < lookupPool; i++ {
			b.lookupINN = append(b.lookupINN, demo.GeneratedINN(b.rowBase+i))
		}
		// A --url service must be the one behind --db: it must find the rows just added.
		if err := b.checkSameDatabase(ctx); err != nil {
			return err
		}
	}
	if b.needs(func(s scenario) bool { return s.accounts }) {
		if err := b.createAccounts(ctx, maxLoginClients()); err != nil {
			return err
		}
	}
	b.clearStatus()
	return nil
}

func maxLoginClients() int { return slices.Max(loginLevels) }

// checkSameDatabase looks one of this run's rows up through the service.
func (b *bench) checkSameDatabase(ctx context.Context) error {
	if b.cfg.url == "" {
		return nil
	}
	c := httpClient(1, nil)
	defer closeClient(c)
	status, _, err := post(ctx, c, b.base+"/api/v1/registry/lookup", []byte(`{"inn":"`+b.lookupINN[0]+`"}`))
	if err != nil {
		return fmt.Errorf("bench: look-up through %s: %w", b.base, err)
	}
	if status != 200 {
		// 404: the row is not there; 429: the policy raised in --db does not apply there.
		return fmt.Errorf("bench: the service at %s answers %d to a look-up of a registry row the bench added to --db: it uses another database", b.base, status)
	}
	return nil
}

// benchOffices are real office codes (the seed's), spread over the generated rows.
var benchOffices = []string{"001", "002", "003", "004", "005", "007", "008", "012", "014", "019", "038", "039", "040"}

var benchNames = []string{"Асанов Айбек Маратович", "Өмүрбекова Айгүл Үсөновна", "Төлөнов Нурлан Каңкаевич",
	"Сүйүнбаева Жазгул Асановна", "Жумабеков Бакыт Сапарович", "Иманалиева Айжан Эсеновна"}

// writeBenchRows writes registry rows lo..hi-1 (CSV with its header): row i has the
// ИНН demo.GeneratedINN(i), distinct for every i.
func writeBenchRows(w io.Writer, lo, hi int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString("inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference\n"); err != nil {
		return err
	}
	for i := lo; i < hi; i++ {
		if _, err := fmt.Fprintf(bw, "%s,individual,%s,,,%s,\"г. Бишкек, ул. Токтогула %d\",active,\n",
			demo.GeneratedINN(i), benchNames[i%len(benchNames)], benchOffices[i%len(benchOffices)], 1+i%300); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// loadRows imports registry rows lo..hi-1 through the store's importer.
func (b *bench) loadRows(ctx context.Context, lo, hi int, source string) error {
	return b.importGenerated(ctx, source, func(w io.Writer) error { return writeBenchRows(w, lo, hi) })
}

// importGenerated streams the rows write produces through the store's importer; a
// generated row the importer rejects is a bug of the bench, reported with the first few.
func (b *bench) importGenerated(ctx context.Context, source string, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	defer pr.Close()
	go func() { pw.CloseWithError(write(pw)) }()
	var bad []string
	rep, err := b.db.ImportRegistry(ctx, benchActor, source, store.FormatCSV, pr, func(e store.LineError) {
		if len(bad) < 3 {
			bad = append(bad, e.String())
		}
	})
	if err != nil {
		return fmt.Errorf("bench: load registry rows: %w", err)
	}
	if rep.Rejected > 0 {
		return fmt.Errorf("bench: %d generated registry rows rejected: %s", rep.Rejected, strings.Join(bad, "; "))
	}
	return nil
}

// createAccounts gives n taxpayers access through the store's own services, as the
// regulation's flow does: the application (with its password), the office's receipt,
// and a supervisor's grant, which issues the login. One account per sign-in client, so
// concurrent sign-ins never share a login's failure count (PWD-3).
func (b *bench) createAccounts(ctx context.Context, n int) error {
	if err := b.ensureSupervisor(ctx); err != nil {
		return err
	}
	b.logins = make([]string, n)
	decisions := make([]time.Duration, 0, n)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan int)
		done     int
	)
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				login, took, err := b.grant(ctx, i)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					decisions = append(decisions, took)
				}
				b.logins[i] = login
				done++
				b.status("creating accounts for sign-in: %d of %d", done, n)
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	slices.Sort(decisions)
	b.rep.Decision = &decisionFigures{Decisions: len(decisions), Workers: runtime.NumCPU(),
		P50MS: quantileMS(decisions, 0.5), P99MS: quantileMS(decisions, 0.99), MaxMS: quantileMS(decisions, 1)}
	return ctx.Err()
}

// grant takes account i of the sign-in scenario through the access flow.
func (b *bench) grant(ctx context.Context, i int) (string, time.Duration, error) {
	// Each applicant from an address of its own, as at the offices' computers; one
	// address may form only store.ApplicationsPerHour applications an hour.
	login, took, err := b.grantINN(ctx, demo.GeneratedINN(b.rowBase+lookupPool+i), fmt.Sprintf("127.2.%d.%d", i>>8&255, i&255))
	if err != nil {
		return "", 0, fmt.Errorf("bench: account %d: %w", i, err)
	}
	return login, took, nil
}

// grantINN takes the subject inn through the access flow, applying from address, and
// returns the account's login and how long the decision took (ACC-6, ACC-7: the
// account, its login, the decision and its audit).
func (b *bench) grantINN(ctx context.Context, inn, address string) (string, time.Duration, error) {
	who := store.Actor{Name: "public", Address: address}
	app, err := b.db.CreateApplication(ctx, who, store.NewApplication{Kind: kabinet.KindAccess, INN: inn, Passport: benchPassport,
		Password: benchPassword, PasswordConfirm: benchPassword, Lang: "ru"})
	if err != nil {
		return "", 0, fmt.Errorf("apply for %s: %w", inn, err)
	}
	if _, err := b.db.Receive(ctx, b.supervisor, app.Code, true); err != nil {
		return "", 0, fmt.Errorf("receive %s: %w", app.Code, err)
	}
	t0 := time.Now()
	d, err := b.db.Decide(ctx, b.supervisor, app.Code, store.DecisionInput{Outcome: kabinet.Granted})
	if err != nil {
		return "", 0, fmt.Errorf("grant %s: %w", app.Code, err)
	}
	return d.Login, time.Since(t0), nil
}

// ensureSupervisor finds or creates the bench's supervisor, whose password is random
// and never shown: it only grants the bench's accounts through the store.
func (b *bench) ensureSupervisor(ctx context.Context) error {
	s, err := b.db.StaffByLogin(ctx, benchStaff)
	if kabinet.ErrorCode(err) == "staff_not_found" {
		raw := make([]byte, 18)
		if _, err := rand.Read(raw); err != nil {
			return err
		}
		s, err = b.db.CreateStaff(ctx, benchActor, store.NewStaff{Login: benchStaff, Name: "kabinet bench", Role: kabinet.RoleSupervisor,
			Password: "Kb!9" + hex.EncodeToString(raw)})
		if err != nil {
			return fmt.Errorf("bench: create the bench's supervisor: %w", err)
		}
	} else if err != nil {
		return err
	}
	if s.Role != kabinet.RoleSupervisor || !s.Active {
		return errors.New("bench: the staff account " + benchStaff + " exists but is not an active supervisor")
	}
	b.supervisor = store.StaffActor{Staff: s, Address: benchActor.Address}
	return nil
}

// registryRows counts the registry.
func (b *bench) registryRows(ctx context.Context) (int64, error) {
	var n int64
	if err := b.db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM taxpayers").Scan(&n); err != nil {
		return 0, fmt.Errorf("bench: count the registry: %w", err)
	}
	return n, nil
}

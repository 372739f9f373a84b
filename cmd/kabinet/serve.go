package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"time"

	"kabinet"
	"kabinet/password"
	"kabinet/store"
	"kabinet/web"
)

// serverFlags are the settings of a serving instance.
type serverFlags struct {
	db            string
	addr          string
	opsAddr       string
	noMigrate     bool
	secureCookies bool
	trusted       string
	baseURL       string
	hashMemory    uint
	hashTime      uint
	hashParallel  int
	hashWait      time.Duration
	logLevel      string
	// issue 12, points 8, 9, 16: deadlines and bounds
	requestTimeout  time.Duration
	janitorInterval time.Duration
	connsPerClient  int
	// issue 14, point 9: the largest registry file a supervisor uploads, MiB
	registryMiB int64
}

func (f *serverFlags) register(fs *flag.FlagSet, defaultAddr string) {
	fs.StringVar(&f.db, "db", "sqlite:kabinet.db", "database URL: sqlite:PATH or postgres://…")
	fs.StringVar(&f.addr, "addr", defaultAddr, "public address HOST:PORT")
	fs.StringVar(&f.opsAddr, "ops-addr", "127.0.0.1:9090", "operations address for /metrics and pprof (never public); empty to disable")
	fs.BoolVar(&f.noMigrate, "no-migrate", false, "do not migrate the schema on start")
	fs.BoolVar(&f.secureCookies, "secure-cookies", false, "the service is reached over TLS (directly or through a TLS proxy): Secure, __Host- cookies and HSTS")
	fs.StringVar(&f.trusted, "trusted-proxies", "", "comma-separated CIDRs of proxies whose X-Forwarded-For is believed")
	fs.StringVar(&f.baseURL, "base-url", "", "public URL printed on paper (default: http://ADDR)")
	fs.UintVar(&f.hashMemory, "hash-memory", 19456, "argon2id memory per hash, KiB")
	fs.UintVar(&f.hashTime, "hash-time", 2, "argon2id passes")
	fs.IntVar(&f.hashParallel, "hash-concurrency", runtime.NumCPU(), "argon2id hashes running at once (each holds hash-memory)")
	fs.DurationVar(&f.hashWait, "hash-wait", 3*time.Second, "how long a request waits for a hashing slot before 503")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.DurationVar(&f.requestTimeout, "request-timeout", web.DefaultRequestTimeout, "every request's deadline; on PostgreSQL also each statement's and lock wait's")
	fs.DurationVar(&f.janitorInterval, "janitor-interval", 10*time.Minute, "how often expired sign-in counts, sessions, rate-limit windows and old sign-in history are pruned")
	fs.IntVar(&f.connsPerClient, "max-conns-per-client", 64, "open connections one TCP peer address may hold (a proxy counts as one); 0: no cap")
	fs.Int64Var(&f.registryMiB, "registry-upload-max", web.DefaultMaxRegistryBytes>>20, "largest registry file a supervisor may upload in the back office, MiB (larger: kabinet registry import)")
}

func (f *serverFlags) hasher() (*password.Hasher, error) {
	if f.hashMemory < 8 || f.hashMemory > 1<<22 || f.hashTime < 1 || f.hashTime > 20 || f.hashParallel < 1 {
		return nil, usageError("hash parameters out of range: memory 8..4194304 KiB, time 1..20, concurrency ≥ 1")
	}
	p := password.Params{Memory: uint32(f.hashMemory), Time: uint32(f.hashTime), Threads: 1}
	collectForHashing(f.hashParallel, f.hashMemory) // gc.go
	return password.NewHasher(p, f.hashParallel, f.hashWait), nil
}

// app is one running instance: the store, the web server and its listeners.
type app struct {
	db      *store.DB
	web     *web.Server
	log     *slog.Logger
	public  *http.Server
	ops     *http.Server
	pubLn   net.Listener
	opsLn   net.Listener
	baseURL string
	// janitorEvery is how often the janitor prunes (--janitor-interval; 0: never).
	janitorEvery time.Duration
}

// writeTimeout is the public server's write limit: 30 s, or the request deadline and
// 15 s to send the answer when the deadline is longer.
func writeTimeout(request time.Duration) time.Duration {
	return max(30*time.Second, request+15*time.Second)
}

// openStore opens the database and, unless told not to, migrates it.
func openStore(ctx context.Context, url string, migrate bool, opt store.Options, out io.Writer) (*store.DB, error) {
	if migrate && opt.StatementTimeout > 0 {
		// Migrations run without the requests' statement_timeout: building an index
		// on a large table may take longer than any request may.
		mopt := opt
		mopt.StatementTimeout = 0
		mdb, err := openStore(ctx, url, true, mopt, out)
		if err != nil {
			return nil, err
		}
		mdb.Close()
		migrate = false
	}
	db, err := store.Open(ctx, url, opt)
	if err != nil {
		return nil, err
	}
	if migrate {
		applied, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		for _, m := range applied {
			fmt.Fprintf(out, "migrated: %s\n", m)
		}
	}
	return db, nil
}

// newApp opens the store and binds the listeners (so the address is known before serving).
func newApp(ctx context.Context, f serverFlags, clock kabinet.Clock, stdout, stderr io.Writer) (*app, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return nil, usageError("--log-level: %v", err)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	var trusted []netip.Prefix
	for _, s := range strings.Split(f.trusted, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, usageError("--trusted-proxies: %v", err)
		}
		trusted = append(trusted, p)
	}
	h, err := f.hasher()
	if err != nil {
		return nil, err
	}
	// Sign-ins in progress: twice the hashing slots, so a slot that frees always finds
	// the next check ready, while a flood waits at the door (up to --hash-wait, then
	// 503) instead of queueing its database writes in front of everything else.
	db, err := openStore(ctx, f.db, !f.noMigrate, store.Options{Clock: clock, Hasher: h,
		SignIns: 2 * f.hashParallel, SignInWait: f.hashWait, Log: logger, StatementTimeout: f.requestTimeout}, stdout)
	if err != nil {
		return nil, err
	}
	// A stored policy that does not read back is not replaced by the defaults: the
	// service does not start until it is corrected (issue 12, point 4).
	if _, err := db.Policy(ctx); kabinet.ErrorCode(err) == "invalid_policy" {
		db.Close()
		return nil, fmt.Errorf("the stored policy (settings, key 'policy') is not valid, so the service does not start: %v; "+
			"correct the JSON, or delete the row to return to the regulation's defaults", err)
	}
	a := &app{db: db, log: logger}
	if a.pubLn, err = net.Listen("tcp", f.addr); err != nil {
		db.Close()
		return nil, fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	a.baseURL = f.baseURL
	if a.baseURL == "" {
		a.baseURL = "http://" + a.pubLn.Addr().String()
	}
	a.pubLn = web.LimitConnsPerClient(a.pubLn, f.connsPerClient)
	a.janitorEvery = f.janitorInterval
	// The instance is named by its host and address: a background job it ran is marked
	// interrupted when it starts again (web.Config.Instance).
	host, _ := os.Hostname()
	a.web = web.New(web.Config{SecureCookies: f.secureCookies, TrustedProxies: trusted, BaseURL: a.baseURL, RequestTimeout: f.requestTimeout,
		MaxRegistryBytes: f.registryMiB << 20, Instance: host + " " + a.pubLn.Addr().String()},
		web.Deps{DB: db, Hasher: h, Clock: clock, Log: logger})
	// Slow clients cannot pin the server: every phase of a connection has a deadline
	// of at most 30 s (issue 12, point 16), and one address holds at most
	// --max-conns-per-client connections. The write limit leaves the handler its
	// --request-timeout and the answer time to be sent.
	a.public = &http.Server{Handler: a.web.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: writeTimeout(f.requestTimeout), IdleTimeout: 30 * time.Second, MaxHeaderBytes: 32 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	if f.opsAddr != "" {
		if a.opsLn, err = net.Listen("tcp", f.opsAddr); err != nil {
			a.pubLn.Close()
			db.Close()
			return nil, fmt.Errorf("listen on ops address %s: %w", f.opsAddr, err)
		}
		a.ops = &http.Server{Handler: a.web.OpsHandler(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 30 * time.Second}
	}
	return a, nil
}

// serve runs until ctx ends, then shuts down gracefully.
func (a *app) serve(ctx context.Context) error {
	errc := make(chan error, 2)
	go func() { errc <- a.public.Serve(a.pubLn) }()
	if a.ops != nil {
		go func() { errc <- a.ops.Serve(a.opsLn) }()
	}
	go a.janitor(ctx)
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Requests still running when the grace period ends are cut off: the operator
	// hears of it, and of a database that did not close cleanly.
	if serr := a.public.Shutdown(sctx); serr != nil {
		a.log.Error("shutdown: public server", slog.String("error", serr.Error()))
	}
	if a.ops != nil {
		if serr := a.ops.Shutdown(sctx); serr != nil {
			a.log.Error("shutdown: operations server", slog.String("error", serr.Error()))
		}
	}
	// Background jobs (a registry import) stop and record themselves interrupted
	// before the database closes.
	if jerr := a.web.Close(sctx); jerr != nil {
		a.log.Error("shutdown: background jobs", slog.String("error", jerr.Error()))
	}
	if cerr := a.db.Close(); cerr != nil {
		a.log.Error("shutdown: close the database", slog.String("error", cerr.Error()))
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// close releases the listeners and the database of an instance that never served.
func (a *app) close() {
	a.pubLn.Close()
	if a.opsLn != nil {
		a.opsLn.Close()
	}
	a.db.Close()
}

// janitor prunes what has expired (store.Prune) at start and every --janitor-interval.
// Instances may all run it: each prune is idempotent and works in short batches.
func (a *app) janitor(ctx context.Context) {
	if a.janitorEvery <= 0 {
		return
	}
	t := time.NewTicker(a.janitorEvery)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, min(a.janitorEvery, 5*time.Minute))
		p, err := a.db.Prune(pctx, store.DefaultRetention())
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Warn("janitor: prune", slog.String("error", err.Error()))
		case p != (store.Pruned{}):
			a.log.Info("janitor: pruned", slog.Int64("login_attempts", p.LoginAttempts), slog.Int64("sessions", p.Sessions),
				slog.Int64("rate_limits", p.RateLimits), slog.Int64("sign_ins", p.SignIns))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f serverFlags
	fs := newFlags("serve", stderr)
	f.register(fs, "127.0.0.1:8080")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := newApp(ctx, f, kabinet.SystemClock{}, stdout, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "kabinet: serving %s on %s (%s)\n", a.baseURL, a.pubLn.Addr(), a.db.Engine())
	if a.opsLn != nil {
		fmt.Fprintf(stdout, "kabinet: operations (/metrics, /debug/pprof) on http://%s\n", a.opsLn.Addr())
	}
	return a.serve(ctx)
}

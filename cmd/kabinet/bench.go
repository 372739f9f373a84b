package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"strconv"

	"kabinet"
	"kabinet/internal/bench"
)

// cmdBench runs `kabinet bench` with this binary's wiring of the service, so the bench
// measures the service exactly as serve runs it.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f serverFlags
	serveFlags := flag.NewFlagSet("kabinet serve", flag.ContinueOnError)
	f.register(serveFlags, "127.0.0.1:0")
	cfg := bench.Config{
		ServeFlags: serveFlags,
		Parse:      parse,
		Hasher:     f.hasher,
		Start: func(ctx context.Context, db string, log io.Writer) (*bench.Service, error) {
			s := f
			s.db, s.addr, s.opsAddr, s.noMigrate = db, "127.0.0.1:0", "", false
			a, err := newApp(ctx, s, kabinet.SystemClock{}, io.Discard, log)
			if err != nil {
				return nil, err
			}
			return &bench.Service{DB: a.db, Addr: a.pubLn.Addr(), Serve: a.serve, Close: a.close}, nil
		},
		Demo: loadDemo,
		ServeArgs: func(db string) []string {
			return []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--ops-addr", "", "--no-migrate",
				"--log-level", "error", "--hash-memory", strconv.FormatUint(uint64(f.hashMemory), 10),
				"--hash-time", strconv.FormatUint(uint64(f.hashTime), 10), "--hash-concurrency", strconv.Itoa(f.hashParallel),
				"--hash-wait", f.hashWait.String()}
		},
	}
	err := bench.Run(ctx, cfg, args, stdout, stderr)
	if ue := (*bench.UsageError)(nil); errors.As(err, &ue) {
		return usageError("%s", ue.Msg)
	}
	return err
}

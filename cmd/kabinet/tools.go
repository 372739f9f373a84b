package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"kabinet"
	"kabinet/password"
	"kabinet/store"
)

// toolHasher hashes for command-line tools: default parameters, one at a time.
func toolHasher() *password.Hasher {
	return password.NewHasher(password.DefaultParams(), 1, 0)
}

var cli = store.Actor{Name: "cli"}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("migrate", os.Stderr)
	dbURL := fs.String("db", "sqlite:kabinet.db", "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openStore(ctx, *dbURL, true, store.Options{}, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "schema is up to date")
	return nil
}

// badLinePrinter prints each rejected line as it comes, so a large file's errors
// stream out and memory stays flat.
func badLinePrinter(w io.Writer, file string) func(store.LineError) {
	return func(e store.LineError) { fmt.Fprintf(w, "%s:%d: %s\n", file, e.Line, e.Reason) }
}

func cmdRegistryImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return registryImport(ctx, args, stdout, stderr, progressFor(stderr))
}

// registryImport is `kabinet registry import`; its progress goes to stderr as env says.
func registryImport(ctx context.Context, args []string, stdout, stderr io.Writer, env progressEnv) error {
	fs := newFlags("registry import", stderr)
	dbURL := fs.String("db", "sqlite:kabinet.db", "database URL")
	format := fs.String("format", "", "csv or jsonl (default: by file name, then by content)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("registry import: name at least one FILE")
	}
	if *format != "" && *format != "csv" && *format != "jsonl" {
		return usageError("--format must be csv or jsonl")
	}
	db, err := openStore(ctx, *dbURL, true, store.Options{}, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	var total store.ImportReport
	for _, name := range fs.Args() {
		rep, err := importOne(ctx, db, name, *format, stderr, env)
		total.Read += rep.Read
		total.Loaded += rep.Loaded
		total.Rejected += rep.Rejected
		fmt.Fprintf(stdout, "%s: %d lines read, %d loaded, %d rejected\n", name, rep.Read, rep.Loaded, rep.Rejected)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(fs.Args()) > 1 {
		fmt.Fprintf(stdout, "total: %d lines read, %d loaded, %d rejected\n", total.Read, total.Loaded, total.Rejected)
	}
	if total.Rejected > 0 {
		return fmt.Errorf("%d lines rejected (the rest were loaded)", total.Rejected)
	}
	return nil
}

func importOne(ctx context.Context, db *store.DB, name, format string, stderr io.Writer, env progressEnv) (store.ImportReport, error) {
	f, err := os.Open(name)
	if err != nil {
		return store.ImportReport{}, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	br := bufio.NewReaderSize(f, 1<<16)
	head, _ := br.Peek(64)
	fmtv := store.RegistryFormat(format)
	if fmtv == "" {
		fmtv = store.DetectFormat(name, head)
	}
	var header int64
	if fmtv != store.FormatJSONL {
		header = 1
	}
	p := newImportProgress(stderr, env, filepath.Base(name), size, header)
	defer p.done()
	return db.ImportRegistry(ctx, cli, filepath.Base(name), fmtv, p.reader(br), p.onBad(badLinePrinter(stderr, name)))
}

func cmdOfficesImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("offices import", stderr)
	dbURL := fs.String("db", "sqlite:kabinet.db", "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("offices import: name exactly one FILE")
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openStore(ctx, *dbURL, true, store.Options{}, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.ImportOffices(ctx, cli, f, badLinePrinter(stderr, name))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d lines read, %d loaded, %d rejected\n", name, rep.Read, rep.Loaded, rep.Rejected)
	if rep.Rejected > 0 {
		return fmt.Errorf("%d lines rejected (the rest were loaded)", rep.Rejected)
	}
	return nil
}

func cmdStaffAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("staff add", os.Stderr)
	dbURL := fs.String("db", "sqlite:kabinet.db", "database URL")
	login := fs.String("login", "", "login (a-z, 0-9, . - _)")
	role := fs.String("role", "", "officer or supervisor")
	office := fs.String("office", "", "office code (officers only)")
	name := fs.String("name", "", "full name, printed on decisions")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *login == "" || *role == "" {
		return usageError("staff add: --login and --role are required")
	}
	// The password comes on standard input (one line), never on the command line,
	// where it would show in the process list and the shell's history.
	pw, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from standard input: %w", err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	if pw == "" {
		return usageError("staff add: give the password on standard input")
	}
	db, err := openStore(ctx, *dbURL, true, store.Options{Hasher: toolHasher()}, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.CreateStaff(ctx, cli, store.NewStaff{Login: *login, Name: *name, Role: kabinet.Role(*role), OfficeCode: *office, Password: pw})
	if err != nil {
		if e, ok := kabinet.AsError(err); ok && e.Code == "weak_password" {
			return fmt.Errorf("the password does not meet the policy: %v", e.Details["rules"])
		}
		return err
	}
	where := "every office"
	if s.OfficeCode != "" {
		where = "office " + s.OfficeCode
	}
	fmt.Fprintf(stdout, "created %s %s (%s)\n", s.Role, s.Login, where)
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("audit verify", os.Stderr)
	dbURL := fs.String("db", "sqlite:kabinet.db", "database URL")
	checkpoints := fs.String("checkpoints", "", "file of signed checkpoints (kabinet audit checkpoint) to check the log against: detects a truncated tail")
	keyFile := fs.String("key-file", "", "the checkpoints' signing key (with --checkpoints)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openStore(ctx, *dbURL, false, store.Options{}, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	against := ""
	if *checkpoints != "" {
		n, breaks, err := checkpointBreaks(ctx, db, *checkpoints, *keyFile)
		if err != nil {
			return err
		}
		rep.Breaks = append(rep.Breaks, breaks...)
		against = fmt.Sprintf(", %d checkpoints match", n)
	}
	if rep.OK() {
		fmt.Fprintf(stdout, "audit log intact: %d entries, head %d%s\n", rep.Entries, rep.Head, against)
		return nil
	}
	var b bytes.Buffer
	for _, br := range rep.Breaks {
		fmt.Fprintf(&b, "  %s\n", br)
	}
	fmt.Fprintf(stdout, "audit log BROKEN (%d entries checked):\n%s", rep.Entries, b.String())
	return fmt.Errorf("the audit log's chain is broken in %d places", len(rep.Breaks))
}

// Command kabinet is the Taxpayer Cabinet's one binary: the service, its database
// tools and its benchmark. Run `kabinet help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"kabinet"
)

const usage = `kabinet — the Taxpayer Cabinet of the State Tax Service (ИС «Кабинет налогоплательщика»)

Usage:
  kabinet demo [--dir DIR] [--addr HOST:PORT]      serve on an embedded demo database
  kabinet serve --db URL --addr HOST:PORT          serve for real (migrates on start unless --no-migrate)
  kabinet migrate --db URL                         bring the schema up to date
  kabinet registry import --db URL FILE…           load registry files (CSV or JSON Lines)
  kabinet offices import --db URL FILE             load the tax offices (code,name_ru,name_ky)
  kabinet staff add --db URL --login L --role officer|supervisor [--office CODE] [--name NAME]
                                                   create a back-office account; password on stdin
  kabinet audit verify --db URL [--checkpoints FILE --key-file K]
                                                   check the audit log's chain (and that it still holds
                                                   every checkpoint); non-zero on a break
  kabinet audit checkpoint --db URL --key-file K   print the log's head as a signed line (append it to a
                                                   file kept outside the database)
  kabinet backup --db sqlite:PATH FILE             consistent copy of a running SQLite database
  kabinet forms import --db URL FILE               load a new report form version (definition JSON)
  kabinet bench [--db URL] [--url URL] [--json] [--scenarios hash,login,…] [--seconds N]
                                                   measure what one box carries (shared BENCH.md)

URL is sqlite:PATH (default sqlite:kabinet.db) or postgres://…
Every flag also reads from the environment as KABINET_<NAME> (--db: KABINET_DB,
--ops-addr: KABINET_OPS_ADDR). Run a command with -h for its flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	os.Exit(code)
}

// run executes one command and returns the process exit code: 0 success, 1 failure,
// 2 usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "demo":
		err = cmdDemo(ctx, rest, stdout, stderr)
	case "serve":
		err = cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, rest, stdout)
	case "bench":
		err = cmdBench(ctx, rest, stdout, stderr)
	case "backup":
		err = cmdBackup(ctx, rest, stdout, stderr)
	case "registry", "offices", "staff", "audit", "forms":
		if len(rest) == 0 {
			err = usageError("%s: missing subcommand", cmd)
			break
		}
		switch cmd + " " + rest[0] {
		case "registry import":
			err = cmdRegistryImport(ctx, rest[1:], stdout, stderr)
		case "offices import":
			err = cmdOfficesImport(ctx, rest[1:], stdout, stderr)
		case "staff add":
			err = cmdStaffAdd(ctx, rest[1:], stdin, stdout)
		case "forms import":
			err = cmdFormsImport(ctx, rest[1:], stdout, stderr)
		case "audit verify":
			err = cmdAuditVerify(ctx, rest[1:], stdout)
		case "audit checkpoint":
			err = cmdAuditCheckpoint(ctx, rest[1:], stdout, stderr)
		default:
			err = usageError("unknown command %q", cmd+" "+rest[0])
		}
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = usageError("unknown command %q", cmd)
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue *usageErr
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "kabinet: %s\n\n%s", ue.msg, usage)
		return 2
	}
	if e, ok := kabinet.AsError(err); ok {
		fmt.Fprintf(stderr, "kabinet: %s\n", e.Message)
		return 1
	}
	fmt.Fprintf(stderr, "kabinet: %v\n", err)
	return 1
}

type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

func usageError(format string, args ...any) error {
	return &usageErr{msg: fmt.Sprintf(format, args...)}
}

// newFlags makes a flag set whose flags fall back to KABINET_<NAME> environment
// variables; call parse, not fs.Parse.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kabinet "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses args, then fills every flag not given on the command line from its
// environment variable.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		env := "KABINET_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := f.Value.Set(v); e != nil {
				err = usageError("%s=%q: %v", env, v, e)
			}
		}
	})
	return err
}

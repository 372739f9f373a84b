package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"kabinet"
	"kabinet/form"
	"kabinet/store"
)

// maxDefinitionFile bounds a form definition file.
const maxDefinitionFile = 4 << 20

// cliSupervisor is the command line acting as a supervisor: loading a form version is
// a supervisor's act (FIL-1), and the operator at the console holds the database. The
// audit log records it as staff:cli.
var cliSupervisor = store.StaffActor{Staff: kabinet.Staff{Login: "cli", Name: "command line", Role: kabinet.RoleSupervisor, Active: true}}

// cmdFormsImport: kabinet forms import --db URL FILE — load a new form version from a
// definition file (FIL-1) without a new release. The file is parsed and validated
// (form.Parse); a version the binary ships or the database holds is refused, and so is
// a period kind other than the form's other versions'. Running services pick it up
// within half a minute.
func cmdFormsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("forms import", stderr)
	dbURL := fs.String("db", "sqlite:kabinet.db", "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("forms import: name exactly one FILE")
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxDefinitionFile+1))
	f.Close()
	if err != nil {
		return err
	}
	if len(data) > maxDefinitionFile {
		return fmt.Errorf("%s: larger than %d bytes", name, maxDefinitionFile)
	}
	d, err := form.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	db, err := openStore(ctx, *dbURL, true, store.Options{}, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	// The catalogue as a service would hold it: shipped and loaded versions.
	cat, err := form.Embedded()
	if err != nil {
		return err
	}
	loaded, err := db.FormVersions(ctx)
	if err != nil {
		return err
	}
	for _, v := range loaded {
		if old, err := form.Parse(v.Definition); err == nil {
			cat.Add(old) // a stored version that no longer parses does not block a new one
		}
	}
	if err := cat.Add(d); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := db.AddFormVersion(ctx, cliSupervisor, d.Code, d.Version, data); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	to := "open"
	if d.ValidTo != "" {
		to = d.ValidTo
	}
	fmt.Fprintf(stdout, "loaded %s «%s»: %s periods from %s to %s, %d cells, %d tables, filed by %v\n",
		d.ID(), d.Title.RU, d.PeriodKind, d.ValidFrom, to, len(d.Cells), len(d.Tables), d.Filers)
	return nil
}

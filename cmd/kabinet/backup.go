package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"kabinet/store"
)

// cmdBackup copies a SQLite database while the service runs (store.Backup); on
// PostgreSQL it refuses and names pg_dump.
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	dbURL := fs.String("db", "sqlite:kabinet.db", "database URL")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kabinet backup --db sqlite:PATH FILE\n\nWrites a consistent copy of the running SQLite database to FILE (which must not exist).\nPostgreSQL: use pg_dump or pg_basebackup (README, «Backup and restore»).\n\n")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("backup: give exactly one FILE to write the copy to")
	}
	db, err := openStore(ctx, *dbURL, false, store.Options{}, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up to %s\n", fs.Arg(0))
	return nil
}

// cmdAuditCheckpoint prints the audit log's head as one signed line, to be appended
// to a file kept outside the database (store.AuditCheckpoint).
func cmdAuditCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit checkpoint", stderr)
	dbURL := fs.String("db", "sqlite:kabinet.db", "database URL")
	keyFile := fs.String("key-file", "", "file holding the checkpoint signing key (at least 16 bytes; not stored in the database)")
	if err := parse(fs, args); err != nil {
		return err
	}
	key, err := readCheckpointKey(*keyFile)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, *dbURL, false, store.Options{}, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.AuditCheckpoint(ctx)
	if err != nil {
		return err
	}
	line, err := store.SignCheckpoint(key, c)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, line)
	return nil
}

// readCheckpointKey reads the signing key; surrounding white space (a trailing
// newline) is not part of it.
func readCheckpointKey(path string) ([]byte, error) {
	if path == "" {
		return nil, usageError("--key-file is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key: %w", err)
	}
	key := bytes.TrimSpace(b)
	if len(key) < store.MinCheckpointKey {
		return nil, fmt.Errorf("checkpoint key %s: at least %d bytes needed, it has %d", path, store.MinCheckpointKey, len(key))
	}
	return key, nil
}

// checkpointBreaks checks the log against the signed checkpoints in file; a line
// that is not a valid checkpoint under the key is itself an error.
func checkpointBreaks(ctx context.Context, db *store.DB, file, keyFile string) (n int, breaks []string, err error) {
	key, err := readCheckpointKey(keyFile)
	if err != nil {
		return 0, nil, err
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	cps, err := store.ReadCheckpoints(key, f)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", file, err)
	}
	breaks, err = db.CheckAuditCheckpoints(ctx, cps)
	return len(cps), breaks, err
}

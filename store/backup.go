package store

import (
	"context"
	"errors"
	"fmt"
	"os"

	"kabinet"
)

// ErrBackupPostgres is returned by Backup on PostgreSQL, whose own tools make a
// consistent online copy better than this program could.
var ErrBackupPostgres = kabinet.Errorf(kabinet.KindUnprocessable, "backup_postgres",
	"kabinet backup copies SQLite databases only; back up PostgreSQL with pg_dump "+
		"(pg_dump --format=custom --file=kabinet.dump \"$KABINET_DB\", restore with pg_restore) "+
		"or a base backup (pg_basebackup) with WAL archiving; see the README, «Backup and restore»")

// Backup writes a consistent copy of a SQLite database to path while the service
// keeps running: VACUUM INTO reads one snapshot (WAL readers do not block writers or
// wait for them), so the copy holds exactly the transactions committed before it
// began, every audit entry with its head included. path must not exist; the copy is
// a complete database, opened like any other (restore = stop, replace the file, start).
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect == postgres {
		return ErrBackupPostgres
	}
	if path == "" {
		return kabinet.Errorf(kabinet.KindInvalid, "backup_path", "the backup file name is empty")
	}
	if _, err := os.Lstat(path); err == nil {
		return kabinet.Errorf(kabinet.KindConflict, "backup_exists", "%s already exists; a backup never overwrites a file", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: backup: %w", err)
	}
	if _, err := db.sql.ExecContext(ctx, "VACUUM INTO $1", path); err != nil {
		os.Remove(path) // a partial copy is no backup
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

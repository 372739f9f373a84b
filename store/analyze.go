package store

import (
	"context"
	"errors"
	"fmt"
)

// PostgreSQL plans every statement from the statistics ANALYZE gathers. Autovacuum
// gathers them by itself once a table has changed by 50 rows and a tenth of its size,
// but only when it gets round to it (or never, where it is turned off); until then the
// planner works from what it knew before the import — for a registry loaded into an
// empty table, nothing at all. A bulk import therefore ends with the ANALYZE an
// operator would run after it (issue 13), under the same threshold autovacuum uses, so
// a handful of corrected rows does not sample a registry of millions again.
//
// ANALYZE needs the table's owner: `kabinet registry import` runs as the owner role
// (README, «A separate database role»). Run by the service's role (the back office's
// import job), PostgreSQL skips it with a warning and autovacuum catches up later.
// SQLite's planner needs no statistics for the registry's reads (by primary key); there
// the import ends instead with the other thing an operator would do after a bulk load:
// a checkpoint that copies the write-ahead log into the database and empties it
// (TRUNCATE). The background checkpointer copies as the import goes, but the log file
// keeps its size, and a log of hundreds of megabytes left by a million rows slowed the
// reads that followed: bench's office list at a million seeded filings 1.86× its p99
// at ten thousand with the log left, 1.09× emptied (issue 13).

// analyzeThreshold and analyzeScale are autovacuum's defaults
// (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor).
const (
	analyzeThreshold = 50
	analyzeScale     = 0.1
)

// finishImport finishes an import that wrote rows rows. On PostgreSQL it runs
// ANALYZE on the registry when they are at least autovacuum's threshold of the table's
// size as the planner last knew it (a table never analysed always is); on SQLite it
// empties the log (EmptyLog) after 50 rows or more.
func (db *DB) finishImport(ctx context.Context, rows int) error {
	if rows < analyzeThreshold {
		return nil
	}
	if db.dialect == sqlite {
		_, err := db.EmptyLog(ctx)
		return err
	}
	var known float64 // pg_class.reltuples: -1 until the table is first analysed
	if err := db.sql.QueryRowContext(ctx, "SELECT reltuples FROM pg_class WHERE oid = 'taxpayers'::regclass").Scan(&known); err != nil {
		return fmt.Errorf("store: registry statistics: %w", err)
	}
	if known >= 0 && float64(rows) < analyzeThreshold+analyzeScale*known {
		return nil
	}
	if _, err := db.sql.ExecContext(ctx, "ANALYZE taxpayers"); err != nil {
		return fmt.Errorf("store: analyze the registry: %w", err)
	}
	return nil
}

// ErrLogBusy is EmptyLog's answer when another connection kept the checkpoint from
// finishing.
var ErrLogBusy = errors.New("store: SQLite's log is in use: not all of it was copied and emptied")

// EmptyLog copies SQLite's whole log into the database and truncates it, waiting (the
// busy timeout) for readers of older snapshots to finish; it returns the pages left,
// with ErrLogBusy, when a connection still blocked it: the background checkpointer
// copies them later, and only the log's size stays. On PostgreSQL it does nothing.
func (db *DB) EmptyLog(ctx context.Context) (left int, err error) {
	if db.dialect != sqlite {
		return 0, nil
	}
	busy, left, err := db.walCheckpoint(ctx, "TRUNCATE")
	switch {
	case err != nil:
		return 0, fmt.Errorf("store: empty the log: %w", err)
	case busy:
		return left, ErrLogBusy
	}
	return left, nil
}

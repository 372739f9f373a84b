package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// SQLite writes every commit to its write-ahead log and copies the log back into the
// database file now and then (a checkpoint). By default the commit that finds the log
// over 1,000 pages does that copy itself, inside the one writer's turn: a VAT batch
// spent an eighth of its time in such checkpoints and their fsync, with every officer
// waiting (issue 13). The checkpointer copies in the background instead, beside the
// writer (a PASSIVE checkpoint never blocks it), and the commits only append.
type checkpointer struct {
	once sync.Once
	quit chan struct{}
	done chan struct{}
}

// checkpointEvery is how often the checkpointer looks; a log the writers grew by more
// than checkpointBacklog pages since the last look is copied again at once.
const (
	checkpointEvery   = 250 * time.Millisecond
	checkpointBacklog = 1000
)

func (db *DB) startCheckpointer() {
	c := &db.checkpoints
	c.quit, c.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(c.done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.quit:
				return
			case <-t.C:
			}
			for range 8 { // at most a few rounds before looking at quit again
				if db.checkpoint() < checkpointBacklog {
					break
				}
			}
		}
	}()
}

// checkpoint copies what it can of the log into the database and returns how many
// pages of the log it could not (still in use by a reader, or written meanwhile).
func (db *DB) checkpoint() int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var busy, logPages, copied int
	if err := db.sql.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &copied); err != nil {
		db.log.Warn("store: SQLite checkpoint", "error", err)
		return 0
	}
	return logPages - copied
}

func (c *checkpointer) stop() {
	c.once.Do(func() {
		if c.quit != nil {
			close(c.quit)
			<-c.done
		}
	})
}

// checkpointedWait bounds WaitCheckpointed: a log that long behind is copied on by the
// background checkpointer anyway.
const checkpointedWait = 5 * time.Minute

// WaitCheckpointed returns once SQLite's write-ahead log is all copied into the
// database file, as the background checkpointer leaves it a while after a bulk load
// (a million rows leave a log of gigabytes): what a deployment has long finished before
// its registry or its filings are read at that size. It copies by PASSIVE checkpoints,
// which never block the writers, and gives up with an error after checkpointedWait.
// PostgreSQL: nothing to wait for.
func (db *DB) WaitCheckpointed(ctx context.Context) error {
	if db.dialect != sqlite {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, checkpointedWait)
	defer cancel()
	for {
		var busy, logPages, copied int
		if err := db.sql.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &copied); err != nil {
			return fmt.Errorf("store: SQLite checkpoint: %w", err)
		}
		// busy: another checkpoint (the background one) held the log, and the
		// counts say nothing; -1 and -1: not in WAL mode, nothing to copy.
		if busy == 0 && logPages <= copied {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("store: SQLite checkpoint: %d of %d log pages still to copy: %w", logPages-copied, logPages, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

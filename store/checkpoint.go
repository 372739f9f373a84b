package store

import (
	"context"
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
	_, left, err := db.walCheckpoint(ctx, "PASSIVE")
	if err != nil {
		db.log.Warn("store: SQLite checkpoint", "error", err)
		return 0
	}
	return left
}

// walCheckpoint runs one SQLite checkpoint in mode (PASSIVE, TRUNCATE): whether a
// reader or writer kept it from finishing, and how many pages of the log it left.
func (db *DB) walCheckpoint(ctx context.Context, mode string) (busy bool, left int, err error) {
	var b, logPages, copied int
	if err := db.sql.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&b, &logPages, &copied); err != nil {
		return false, 0, err
	}
	return b != 0, max(logPages-copied, 0), nil
}

func (c *checkpointer) stop() {
	c.once.Do(func() {
		if c.quit != nil {
			close(c.quit)
			<-c.done
		}
	})
}

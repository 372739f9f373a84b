package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kabinet/internal/dbtest"
)

// SQLite's commits only append to the write-ahead log; the log reaches the database
// file through the background checkpointer (checkpoint.go), not through the commit
// that happens to find it long. A registry import of some 20,000 rows is in the file
// itself shortly after, and the log is not left to grow without bound.
func TestSQLiteCheckpointsInTheBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kabinet.db")
	db, _ := open(t, "sqlite:"+path)
	size := func(name string) int64 {
		t.Helper()
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// Let the migration's pages settle first.
	time.Sleep(600 * time.Millisecond)
	before := size(path)
	if _, errs := loadRegistry(t, db, generatedRegistry(0, 20000)); len(errs) != 0 {
		t.Fatalf("registry: %v", errs[0])
	}
	deadline := time.Now().Add(10 * time.Second)
	for size(path) < before+1<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes (%d before the import; the log %d): nothing copied the log into it",
				size(path), before, size(path+"-wal"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if wal := size(path + "-wal"); wal > 64<<20 {
		t.Errorf("the log grew to %d bytes", wal)
	}
}

// After a bulk load, WaitCheckpointed returns only once the log is in the database
// file itself (the bench waits so before reading a million rows); on PostgreSQL it
// has nothing to wait for.
func TestWaitCheckpointed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kabinet.db")
	db, _ := open(t, "sqlite:"+path)
	ctx := context.Background()
	if err := db.WaitCheckpointed(ctx); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	before := fi.Size()
	if _, errs := loadRegistry(t, db, generatedRegistry(0, 20000)); len(errs) != 0 {
		t.Fatalf("registry: %v", errs[0])
	}
	if err := db.WaitCheckpointed(ctx); err != nil {
		t.Fatal(err)
	}
	// At once, not after the background checkpointer's next round.
	if fi, err = os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if fi.Size() < before+1<<20 {
		t.Errorf("the database file is %d bytes (%d before 20,000 rows): the log was not copied into it", fi.Size(), before)
	}
	// And all of it: a checkpoint that copies everything finds nothing more to add.
	if _, err := db.SQL().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if all, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if all.Size() != fi.Size() {
		t.Errorf("the database file was %d bytes when WaitCheckpointed returned, %d with the whole log copied", fi.Size(), all.Size())
	}

	pg, _ := open(t, dbtest.URL(t, dbtest.Engine{Name: "postgres"}))
	if err := pg.WaitCheckpointed(ctx); err != nil {
		t.Errorf("PostgreSQL: %v", err)
	}
}

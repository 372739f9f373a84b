package store_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"
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

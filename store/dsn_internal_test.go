package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A SQLite path with '#' or '%' opens the file it names: the URI's fragment once cut
// "a#1/kabinet.db" down to the file "a", which two tests then shared.
func TestSQLitePathWithURICharacters(t *testing.T) {
	for _, dir := range []string{"run#01", "100%", "a b"} {
		t.Run(dir, func(t *testing.T) {
			base := t.TempDir()
			path := filepath.Join(base, dir, "kabinet.db")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			db, err := Open(context.Background(), "sqlite:"+path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := db.sql.Exec("CREATE TABLE t (x INTEGER)"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the database is not at the path named: %v", err)
			}
			entries, _ := os.ReadDir(base)
			for _, e := range entries {
				if e.Name() != dir {
					t.Errorf("a stray file beside the folder: %s", e.Name())
				}
			}
		})
	}
}

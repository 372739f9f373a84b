package store_test

import (
	"context"
	"os"
	"testing"

	"kabinet/store"
)

// BenchmarkImport100k imports the rows of $KABINET_IMPORT_FILE (skipped without it);
// the import scenario of `kabinet bench` measures a million generated rows.
func BenchmarkImportFile(b *testing.B) {
	name := os.Getenv("KABINET_IMPORT_FILE")
	if name == "" {
		b.Skip("set KABINET_IMPORT_FILE")
	}
	for i := 0; i < b.N; i++ {
		db, err := store.Open(context.Background(), "sqlite:"+b.TempDir()+"/b.db", store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		db.Migrate(context.Background())
		f, _ := os.Open(name)
		rep, err := db.ImportRegistry(context.Background(), store.System, "b", store.FormatCSV, f, func(store.LineError) {})
		f.Close()
		if err != nil || rep.Loaded == 0 {
			b.Fatal(err)
		}
		db.Close()
	}
}

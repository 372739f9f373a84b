package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"kabinet/demo"
	"kabinet/internal/dbtest"
)

// generatedRegistry is a registry file of rows lo..hi-1 (demo.GeneratedINN).
func generatedRegistry(lo, hi int) string {
	var b strings.Builder
	b.WriteString("inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference\n")
	for i := lo; i < hi; i++ {
		fmt.Fprintf(&b, "%s,individual,Асанов Айбек Маратович,,,038,\"г. Нарын\",active,\n", demo.GeneratedINN(i))
	}
	return b.String()
}

// An import that changes a good share of the registry leaves PostgreSQL's statistics
// of it current (ANALYZE, as autovacuum would later); a few corrected rows do not
// sample the registry again.
func TestImportAnalyzesTheRegistry(t *testing.T) {
	db, _ := open(t, dbtest.URL(t, dbtest.Engine{Name: "postgres"}))
	ctx := context.Background()
	reltuples := func() float64 {
		t.Helper()
		var n float64
		if err := db.SQL().QueryRowContext(ctx, "SELECT reltuples FROM pg_class WHERE oid = 'taxpayers'::regclass").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := reltuples(); n >= 0 {
		t.Fatalf("a new registry already has statistics: reltuples %v", n)
	}
	if rep, bad := loadRegistry(t, db, generatedRegistry(0, 400)); rep.Loaded != 400 || len(bad) > 0 {
		t.Fatalf("import: %+v %v", rep, bad)
	}
	if n := reltuples(); n != 400 {
		t.Errorf("after importing 400 rows into an empty registry, the planner knows of %v", n)
	}
	// 39 rows: under 50 + 10% of 400, autovacuum's threshold.
	if rep, _ := loadRegistry(t, db, generatedRegistry(400, 439)); rep.Loaded != 39 {
		t.Fatalf("import: %+v", rep)
	}
	if n := reltuples(); n != 400 {
		t.Errorf("39 more rows analysed the registry again: reltuples %v", n)
	}
	// 100 more: over the threshold again.
	if rep, _ := loadRegistry(t, db, generatedRegistry(439, 539)); rep.Loaded != 100 {
		t.Fatalf("import: %+v", rep)
	}
	if n := reltuples(); n != 539 {
		t.Errorf("after 139 more rows the planner knows of %v, want 539", n)
	}
}

// A bulk import on SQLite ends with its write-ahead log copied into the database and
// emptied (analyze.go): a log left at hundreds of megabytes slowed the reads after it.
func TestImportEmptiesSQLiteLog(t *testing.T) {
	db, _ := open(t, dbtest.URL(t, dbtest.Engine{Name: "sqlite"}))
	ctx := context.Background()
	var seq int
	var name, file string
	if err := db.SQL().QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	logSize := func() int64 {
		t.Helper()
		st, err := os.Stat(file + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	if rep, bad := loadRegistry(t, db, generatedRegistry(0, 30)); rep.Loaded != 30 || len(bad) > 0 {
		t.Fatalf("import: %+v %v", rep, bad)
	}
	if n := logSize(); n == 0 {
		t.Fatal("30 rows left no log: the test sees nothing") // under the threshold: not emptied
	}
	if rep, bad := loadRegistry(t, db, generatedRegistry(30, 2030)); rep.Loaded != 2000 || len(bad) > 0 {
		t.Fatalf("import: %+v %v", rep, bad)
	}
	if n := logSize(); n != 0 {
		t.Errorf("after importing 2,000 rows SQLite's log holds %d bytes, want it emptied", n)
	}
}

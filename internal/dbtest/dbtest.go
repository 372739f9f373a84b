// Package dbtest gives tests a fresh database on each engine: SQLite in a temporary
// folder, and PostgreSQL in a schema of its own that is dropped afterwards.
//
// PostgreSQL is found at KABINET_TEST_POSTGRES, else at the local default
// (postgres://postgres@127.0.0.1:5432/test). Outside CI a missing PostgreSQL is
// reported loudly and its half of each test skipped; under CI (CI set) it fails the test.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// DefaultPostgres is the local PostgreSQL of the development machine and CI.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Engine is a database engine to test against.
type Engine struct {
	Name string // "sqlite" or "postgres"
}

// Engines lists both engines.
var Engines = []Engine{{"sqlite"}, {"postgres"}}

// PostgresURL returns the base URL of the test PostgreSQL.
func PostgresURL() string {
	if u := os.Getenv("KABINET_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgres
}

var (
	pgOnce sync.Once
	pgErr  error
)

func postgresReachable() error {
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pgErr = db.PingContext(ctx)
		if pgErr != nil && os.Getenv("CI") == "" {
			fmt.Fprintf(os.Stderr, "\n!!! dbtest: PostgreSQL at %s is not reachable (%v): PostgreSQL halves of storage tests are SKIPPED. Set KABINET_TEST_POSTGRES or start PostgreSQL.\n\n", PostgresURL(), pgErr)
		}
	})
	return pgErr
}

// URL returns the URL of a fresh, empty database on engine e for this test.
func URL(t testing.TB, e Engine) string {
	t.Helper()
	switch e.Name {
	case "sqlite":
		return "sqlite:" + filepath.Join(t.TempDir(), "kabinet.db")
	case "postgres":
		if err := postgresReachable(); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("PostgreSQL at %s is required under CI: %v", PostgresURL(), err)
			}
			t.Skipf("SKIPPED: PostgreSQL at %s not reachable: %v", PostgresURL(), err)
		}
		return freshSchema(t)
	}
	t.Fatalf("dbtest: unknown engine %q", e.Name)
	return ""
}

// freshSchema creates a schema for this test and returns a URL whose search_path is it.
func freshSchema(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "kt_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs f as a subtest on each engine with a fresh database URL.
func Each(t *testing.T, f func(t *testing.T, url string)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(e.Name, func(t *testing.T) {
			f(t, URL(t, e))
		})
	}
}

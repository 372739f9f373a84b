package main

import (
	"context"
	"database/sql"
	"testing"

	"kabinet/store"
)

// openForTest opens the database behind url for direct SQL, as an attacker with
// database access would.
func openForTest(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.SQL()
}

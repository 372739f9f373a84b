package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"kabinet"
)

// TestFaultClasses: issue 12 point 13 — the one classifier answers 503 `unavailable` for
// the database being unavailable and leaves every other error as it is.
func TestFaultClasses(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("store: x: %w", &pgconn.PgError{Code: code}) }
	for _, tc := range []struct {
		name        string
		err         error
		unavailable bool
	}{
		{"admin shutdown 57P01", pg("57P01"), true},
		{"cannot connect now 57P03", pg("57P03"), true},
		{"connection failure 08006", pg("08006"), true},
		{"disk full 53100", pg("53100"), true},
		{"statement timeout 57014", pg("57014"), true},
		{"lock timeout 55P03", pg("55P03"), true},
		{"serialization failure 40001", pg("40001"), true},
		{"bad connection", fmt.Errorf("w: %w", driver.ErrBadConn), true},
		{"EOF", io.ErrUnexpectedEOF, true},
		{"deadline", context.DeadlineExceeded, true},
		{"unique violation 23505", pg("23505"), false},
		{"syntax error 42601", pg("42601"), false},
		{"plain", errors.New("something else"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Fault(tc.err)
			if is := kabinet.ErrorCode(got) == "unavailable"; is != tc.unavailable {
				t.Fatalf("Fault(%v) = %v, want unavailable=%v", tc.err, got, tc.unavailable)
			}
			if !tc.unavailable && got != tc.err {
				t.Fatalf("Fault changed an error that is not a fault: %v", got)
			}
		})
	}
	// A domain error passes through untouched.
	dom := kabinet.Errorf(kabinet.KindConflict, "already_filed", "x")
	if Fault(dom) != error(dom) {
		t.Fatal("a domain error was reclassified")
	}
}

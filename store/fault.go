package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"kabinet"
)

// RetryAfter is the Retry-After, in seconds, of an answer refused because the
// database is unavailable: long enough for a restart or a fail-over to pass, short
// enough that a person retrying by hand does not notice.
const RetryAfter = 2

// Fault classifies a database error, the one place that does: a lost connection, a
// server shutting down or starting up, a full disk, a busy database or a deadline
// that ran out is the database being unavailable, answered 503 `unavailable` with
// Retry-After, and the caller may try again; anything else is returned as it is.
//
// The unavailable error's message names the class of fault and the SQLSTATE or SQLite
// code only, never the wrapped error's text, which may carry an identifier a caller
// put in its context.
func Fault(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := kabinet.AsError(err); ok {
		return err
	}
	class := faultClass(err)
	if class == "" {
		return err
	}
	return kabinet.Errorf(kabinet.KindUnavailable, "unavailable", "store: database unavailable: %s", class).
		With("retry_after", RetryAfter)
}

// faultClass names the fault that makes err a case of the database being
// unavailable, or "" when it is not one.
func faultClass(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03":
			return "server shutting down or starting up (SQLSTATE " + pe.Code + ")"
		case strings.HasPrefix(pe.Code, "08"):
			return "connection exception (SQLSTATE " + pe.Code + ")"
		case pe.Code == "53100":
			return "disk full (SQLSTATE 53100)"
		case strings.HasPrefix(pe.Code, "53"):
			return "insufficient resources (SQLSTATE " + pe.Code + ")"
		case pe.Code == "57014":
			return "statement cancelled or timed out (SQLSTATE 57014)"
		case pe.Code == "55P03":
			return "lock not available within lock_timeout (SQLSTATE 55P03)"
		case pe.Code == "40001", pe.Code == "40P01":
			return "serialization failure, retries exhausted (SQLSTATE " + pe.Code + ")"
		}
		return ""
	}
	var se *sqlitedrv.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary code under an extended one
		case sqlite3.SQLITE_FULL:
			return "disk full (SQLITE_FULL)"
		case sqlite3.SQLITE_IOERR:
			return "I/O error (SQLITE_IOERR)"
		case sqlite3.SQLITE_READONLY:
			return "database read-only (SQLITE_READONLY)"
		case sqlite3.SQLITE_CANTOPEN:
			return "cannot open the database file (SQLITE_CANTOPEN)"
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return "database busy (SQLITE_BUSY)"
		case sqlite3.SQLITE_NOMEM:
			return "out of memory (SQLITE_NOMEM)"
		}
		return ""
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "deadline exceeded or request cancelled"
	case errors.As(err, &ce):
		return "cannot connect"
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &ne), pgconn.Timeout(err):
		return "connection lost"
	}
	// Errors the drivers do not export a value for: pgx's "conn closed" after a fatal
	// error on the connection, database/sql's "database is closed".
	switch msg := err.Error(); {
	case strings.Contains(msg, "conn closed"), strings.Contains(msg, "unexpected EOF"):
		return "connection lost"
	case strings.Contains(msg, "sql: database is closed"):
		return "database closed"
	}
	return ""
}

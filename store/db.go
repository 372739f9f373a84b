// Package store keeps Kabinet's state in SQLite (the embedded default) or PostgreSQL
// (production) through database/sql, with one SQL text for both engines.
//
// Exported methods are the services the web layer calls: each validates its input,
// does any expensive work (password hashing) outside a transaction, then opens one
// short transaction that writes the change and its audit entry together.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	sqlitedrv "modernc.org/sqlite"     // registers "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"kabinet"
)

// Hasher hashes and verifies passwords (package password provides it).
type Hasher interface {
	Hash(ctx context.Context, pw string) (string, error)
	Verify(ctx context.Context, pw, encoded string) (ok, needsRehash bool, err error)
	VerifyDummy(ctx context.Context, pw string) error
}

// Options are the store's dependencies.
type Options struct {
	Clock  kabinet.Clock // defaults to the system clock
	Rand   io.Reader     // defaults to crypto/rand
	Hasher Hasher        // required for services that take passwords
	// SignIns bounds the sign-ins in progress on this instance (0: no bound); one that
	// cannot start within SignInWait is refused with password.ErrBusy (503) before it
	// touches the database. A flood of sign-ins then queues here, not as a wave of
	// write transactions in front of everything else, and memory stays bounded.
	SignIns    int
	SignInWait time.Duration
	// StatementTimeout, on PostgreSQL, is each connection's statement_timeout and
	// lock_timeout (0: the server's defaults); serve sets it to the request deadline.
	StatementTimeout time.Duration
	// Log receives the faults of writes that must happen though nobody waits for them
	// (a refused sign-in's audit entry, a given-back attempt); nil is slog.Default().
	Log *slog.Logger
}

// DB is an open database with the services built on it.
type DB struct {
	sql     *sql.DB
	dialect dialect
	url     string
	clock   kabinet.Clock
	rand    io.Reader
	hasher  Hasher
	policy  policyCache
	lookups *batcher[*lookupRequest]
	stmts   preparedStatements // SQLite (prepared.go)
	// vatDecisions commits the offices' VAT decisions in batches (vat_batch.go).
	vatDecisions *batcher[*vatDecisionRequest]
	// writer serialises this instance's SQLite transactions in Go. SQLite has one
	// writer at a time anyway (every transaction here begins IMMEDIATE); waiting on a
	// mutex queues writers fairly and at once, where SQLite's busy handler sleeps and
	// backs off, which under load cost half the throughput in bursts. Other processes
	// on the same file still meet the busy handler. A channel of one rather than a
	// mutex, so that a writer whose request's deadline passes stops waiting (issue 12,
	// point 9); blocked senders are served in order, as the mutex's waiters were.
	writer chan struct{}
	// checkpoints copies SQLite's log into the database in the background (checkpoint.go).
	checkpoints checkpointer
	// signIns admits sign-ins (Options.SignIns); nil admits all.
	signIns    chan struct{}
	signInWait time.Duration
	log        *slog.Logger
}

// Open connects to url: "sqlite:PATH" (or a bare path) or "postgres://…".
// It does not migrate; call Migrate.
func Open(ctx context.Context, rawURL string, opt Options) (*DB, error) {
	d, dsn, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	dsn = d.withTimeouts(dsn, opt.StatementTimeout)
	sdb, err := sql.Open(d.driver(), dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	d.configurePool(sdb)
	db := &DB{sql: sdb, dialect: d, url: rawURL, clock: opt.Clock, rand: opt.Rand, hasher: opt.Hasher}
	if db.clock == nil {
		db.clock = kabinet.SystemClock{}
	}
	if db.rand == nil {
		db.rand = rand.Reader
	}
	if db.log = opt.Log; db.log == nil {
		db.log = slog.Default()
	}
	db.writer = make(chan struct{}, 1)
	db.lookups = newLookupBatcher(db)
	db.vatDecisions = newVATDecisionBatcher(db)
	if opt.SignIns > 0 {
		db.signIns, db.signInWait = make(chan struct{}, opt.SignIns), opt.SignInWait
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := ping(pctx, sdb); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", d, err)
	}
	if d == sqlite {
		db.startCheckpointer()
	}
	return db, nil
}

// ping opens the first connection. Several instances opening one new SQLite file
// at once race to switch it to WAL: that switch needs the file to themselves, and
// SQLite answers BUSY at once, without its busy handler, to the one that would
// otherwise deadlock. Such a connection is discarded, so trying again (bounded by
// ctx) finds the file switched.
func ping(ctx context.Context, sdb *sql.DB) error {
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := sdb.PingContext(ctx)
		var se *sqlitedrv.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

var sqlitePathEscaper = strings.NewReplacer("%", "%25", "#", "%23")

// parseURL picks the engine and builds the driver's connection string.
func parseURL(raw string) (dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"), !strings.Contains(raw, "://"):
		path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if path == "" {
			return 0, "", fmt.Errorf("store: %q: empty SQLite path", raw)
		}
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		// busy_timeout first so the other pragmas wait too; immediate transactions take
		// the write lock at BEGIN, so two writers never deadlock upgrading a read lock.
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "foreign_keys(ON)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "wal_autocheckpoint(0)") // the checkpointer's work (checkpoint.go)
		q.Add("_txlock", "immediate")
		// The path is a URI path: a '#' would start a fragment and cut the file name
		// short (a folder named "a#1" opened the file "a"), a '%' would be read as an
		// escape. Escape both so the database is the file the operator named.
		return sqlite, "file:" + sqlitePathEscaper.Replace(path) + "?" + q.Encode(), nil
	}
	return 0, "", fmt.Errorf("store: %q: the database URL must be sqlite:PATH or postgres://…", raw)
}

// Close closes the database.
func (db *DB) Close() error {
	db.lookups.stop()
	db.vatDecisions.stop()
	db.checkpoints.stop()
	db.stmts.close()
	return db.sql.Close()
}

// Engine names the engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.String() }

// Now is the store's clock.
func (db *DB) Now() time.Time { return db.clock.Now() }

// SQL exposes the pool, for tests and the benchmark.
func (db *DB) SQL() *sql.DB { return db.sql }

// Ping checks that the database answers (readiness).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.sql.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx is a transaction with the fixed time of the operation it serves.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

// inTx runs fn in a transaction, committing when it returns nil. On PostgreSQL a
// serialization failure or deadlock is retried a few times (as pkgsite's Transact).
// Any error it returns has passed through Fault, so a database outage is unavailable.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	return Fault(db.retry(ctx, func() error { return db.tryTx(ctx, fn) }))
}

// retry runs a transaction's attempt again, a few times with a short pause, while it
// fails with a serialization failure or deadlock.
func (db *DB) retry(ctx context.Context, attempt func() error) error {
	for n := 0; ; n++ {
		err := attempt()
		if err == nil || n >= 3 || !db.dialect.retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(n+1) * 5 * time.Millisecond):
		}
	}
}

func (db *DB) tryTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.dialect == sqlite {
		select {
		case db.writer <- struct{}{}:
		case <-ctx.Done():
			return db.unavailable("wait for the writer", ctx.Err())
		}
		defer func() { <-db.writer }()
	}
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return db.unavailable("begin", err)
	}
	tx := &Tx{Tx: stx, db: db, now: db.clock.Now().UTC().Truncate(time.Millisecond)}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return db.unavailable("commit", err)
	}
	return nil
}

// errNoRows is sql.ErrNoRows.
var errNoRows = sql.ErrNoRows

// unavailable wraps an error of op: a database fault (Fault) becomes 503
// unavailable, never the SQL text; anything else is wrapped with op.
func (db *DB) unavailable(op string, err error) error {
	if f := Fault(err); f != err {
		return f
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// ms converts a time to stored milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored milliseconds to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// fromNullMS converts a nullable stored time.
func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func nullMS(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(*t), Valid: true}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

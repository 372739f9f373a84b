package store

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite's driver keeps no prepared statement: every statement text is parsed and
// compiled again each time it runs, which on the hottest paths cost more than running
// it (a staff session's look-up, 135 µs, was mostly its parse; a batch of VAT
// decisions spent half its time parsing its inserts). preparedStatements keeps one
// *sql.Stmt per text for the DB's life (database/sql prepares it once per pooled
// connection). PostgreSQL needs none of this: pgx already prepares and caches each
// statement text per connection.
type preparedStatements struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// prepared returns text's statement, preparing it the first time.
func (db *DB) prepared(ctx context.Context, text string) (*sql.Stmt, error) {
	p := &db.stmts
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[text]; ok {
		return st, nil
	}
	st, err := db.sql.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[text] = st
	return st, nil
}

func (p *preparedStatements) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = nil
}

// queryRowOften is db.sql.QueryRowContext for a statement the service runs on every
// request: prepared once on SQLite.
func (db *DB) queryRowOften(ctx context.Context, text string, args ...any) *sql.Row {
	if db.dialect == sqlite {
		if st, err := db.prepared(ctx, text); err == nil {
			return st.QueryRowContext(ctx, args...)
		}
		// Not prepared (a closed or busy database): run it as it is, and meet the error there.
	}
	return db.sql.QueryRowContext(ctx, text, args...)
}

// stmtOften is text's statement in tx, prepared once per connection (SQLite only).
func (tx *Tx) stmtOften(ctx context.Context, text string) (*sql.Stmt, error) {
	st, err := tx.db.prepared(ctx, text)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st), nil
}

// execOften is tx.ExecContext for a statement a batch runs once a row: prepared once
// on SQLite.
func (tx *Tx) execOften(ctx context.Context, text string, args ...any) (sql.Result, error) {
	if tx.db.dialect == sqlite {
		st, err := tx.stmtOften(ctx, text)
		if err != nil {
			return nil, err
		}
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, text, args...)
}

// queryRowOften is tx.QueryRowContext for a statement a batch runs once a row.
func (tx *Tx) queryRowOften(ctx context.Context, text string, args ...any) *sql.Row {
	if tx.db.dialect == sqlite {
		if st, err := tx.stmtOften(ctx, text); err == nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return tx.QueryRowContext(ctx, text, args...)
}

// queryOften is tx.QueryContext for a statement a batch runs every time: prepared
// once on SQLite.
func (tx *Tx) queryOften(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	if tx.db.dialect == sqlite {
		st, err := tx.stmtOften(ctx, text)
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, text, args...)
}

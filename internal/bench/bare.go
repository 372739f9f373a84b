package bench

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kabinet/demo"
)

// The importer's own limit (BENCH.md, import): the rate at which the same database
// takes the same rows when nothing but inserting them is done — one prepared INSERT,
// executed row after row in large transactions, into a scratch table shaped like the
// registry (its columns, primary key, index and reference to the offices), no file,
// no parsing, no checks, no audit. The importer is judged against it, not against a
// figure that depends on the box.

// bareTable is the scratch table; it is dropped before and after.
const bareTable = "kabinet_bench_bare_taxpayers"

// bareTxRows rows go in one transaction; barePipeline of them in one round trip on
// PostgreSQL, so that the figure is the database's rate, not the loopback's latency.
const (
	bareTxRows   = 10_000
	barePipeline = 500
)

// bareInsert inserts rows lo..hi-1 (the rows writeBenchRows writes) into the scratch
// table and returns how many it inserted and how long that took.
func (b *bench) bareInsert(ctx context.Context, lo, hi int) (*bareFigures, error) {
	q := b.db.SQL()
	if err := b.dropBare(ctx); err != nil {
		return nil, err
	}
	if err := b.createBare(ctx); err != nil {
		return nil, err
	}
	defer b.dropBare(context.WithoutCancel(ctx))
	insert := fmt.Sprintf(`INSERT INTO %s (inn, kind, name, head_position, head_name, office_code, address, status, fraud_reference,
		vat_registered_on, reports, updated_at) VALUES ($1, 'individual', $2, '', '', $3, $4, 'active', '', NULL, '', $5)`, bareTable)
	now := time.Now().UnixMilli()
	row := func(i int) []any {
		return []any{demo.GeneratedINN(i), benchNames[i%len(benchNames)], benchOffices[i%len(benchOffices)],
			fmt.Sprintf("г. Бишкек, ул. Токтогула %d", 1+i%300), now}
	}
	start := time.Now()
	stop := b.progressLine(func() string {
		return fmt.Sprintf("%-30s %6.1f s", fmt.Sprintf("import: bare insert, %d rows", hi-lo), time.Since(start).Seconds())
	})
	var err error
	if b.db.Engine() == "postgres" {
		err = bareInsertPipelined(ctx, q, insert, lo, hi, row)
	} else {
		err = bareInsertEach(ctx, q, insert, lo, hi, row)
	}
	el := time.Since(start)
	stop()
	if err != nil {
		return nil, fmt.Errorf("bench: bare insert: %w", err)
	}
	return &bareFigures{Rows: int64(hi - lo), Seconds: round2(el.Seconds()), PerSecond: round1(float64(hi-lo) / max(el.Seconds(), 1e-9))}, nil
}

// bareInsertEach runs the prepared INSERT once a row (SQLite: in-process, no round trip).
func bareInsertEach(ctx context.Context, q *sql.DB, insert string, lo, hi int, row func(int) []any) error {
	st, err := q.PrepareContext(ctx, insert)
	if err != nil {
		return err
	}
	defer st.Close()
	for from := lo; from < hi && ctx.Err() == nil; from += bareTxRows {
		tx, err := q.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		// Without a context that can end: each statement would start watchers of it.
		txst := tx.StmtContext(context.WithoutCancel(ctx), st)
		for i := from; i < min(from+bareTxRows, hi); i++ {
			if _, err := txst.ExecContext(context.WithoutCancel(ctx), row(i)...); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// bareInsertPipelined runs the prepared INSERT once a row, barePipeline rows a round
// trip (PostgreSQL's extended protocol, prepared once by pgx's statement cache).
func bareInsertPipelined(ctx context.Context, q *sql.DB, insert string, lo, hi int, row func(int) []any) error {
	conn, err := q.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		c := sc.Conn()
		for from := lo; from < hi; from += bareTxRows {
			tx, err := c.Begin(ctx)
			if err != nil {
				return err
			}
			for p := from; p < min(from+bareTxRows, hi); p += barePipeline {
				batch := &pgx.Batch{}
				for i := p; i < min(p+barePipeline, from+bareTxRows, hi); i++ {
					batch.Queue(insert, row(i)...)
				}
				if err := tx.SendBatch(ctx, batch).Close(); err != nil {
					tx.Rollback(ctx)
					return err
				}
			}
			if err := tx.Commit(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// createBare creates the scratch table in the registry's shape.
func (b *bench) createBare(ctx context.Context) error {
	q := b.db.SQL()
	if b.db.Engine() == "postgres" {
		// LIKE … INCLUDING ALL copies the columns, defaults, constraints and indexes;
		// the reference to the offices is added as the registry's own.
		for _, s := range []string{
			fmt.Sprintf("CREATE TABLE %s (LIKE taxpayers INCLUDING ALL)", bareTable),
			fmt.Sprintf("ALTER TABLE %s ADD FOREIGN KEY (office_code) REFERENCES offices (code)", bareTable),
		} {
			if _, err := q.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("bench: create %s: %w", bareTable, err)
			}
		}
		return nil
	}
	// SQLite keeps each table's and index's CREATE statement: the registry's, renamed.
	rs, err := q.QueryContext(ctx, "SELECT sql FROM sqlite_master WHERE tbl_name = 'taxpayers' AND sql IS NOT NULL ORDER BY type DESC")
	if err != nil {
		return fmt.Errorf("bench: read the registry's schema: %w", err)
	}
	var stmts []string
	for rs.Next() {
		var s string
		if err := rs.Scan(&s); err != nil {
			rs.Close()
			return fmt.Errorf("bench: read the registry's schema: %w", err)
		}
		stmts = append(stmts, registryName.ReplaceAllString(s, bareTable))
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return fmt.Errorf("bench: read the registry's schema: %w", err)
	}
	if len(stmts) == 0 {
		return fmt.Errorf("bench: the registry's schema is not in sqlite_master")
	}
	for _, s := range stmts {
		if _, err := q.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("bench: create %s: %w", bareTable, err)
		}
	}
	return nil
}

// registryName is the registry's name in its CREATE statements, index names included
// (taxpayers_office → kabinet_bench_bare_taxpayers_office).
var registryName = regexp.MustCompile(`\btaxpayers`)

func (b *bench) dropBare(ctx context.Context) error {
	if _, err := b.db.SQL().ExecContext(ctx, "DROP TABLE IF EXISTS "+bareTable); err != nil {
		return fmt.Errorf("bench: drop %s: %w", bareTable, err)
	}
	return nil
}

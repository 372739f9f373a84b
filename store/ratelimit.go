package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kabinet"
)

// limit counts one event against key in a fixed window held in the database, so the
// limit holds across instances, and refuses with rate_limited when the count passes max.
// The upsert is atomic: concurrent requests never read-then-write the same count.
func (tx *Tx) limit(ctx context.Context, key string, max int, window time.Duration) error {
	n, start, err := tx.count(ctx, key, window)
	if err != nil {
		return err
	}
	if n > max {
		return rateLimited(tx.now, start, window)
	}
	return nil
}

// rateLimited is the refusal of a count past its window's maximum, saying when the
// window ends.
func rateLimited(now time.Time, start int64, window time.Duration) error {
	retry := fromMS(start).Add(window).Sub(now)
	if retry < time.Second {
		retry = time.Second
	}
	return kabinet.Errorf(kabinet.KindTooMany, "rate_limited", "too many requests from this client; retry in %s", retry.Round(time.Second)).
		With("retry_after", int(retry.Round(time.Second).Seconds()))
}

// rows is what the look-up batch's readers need of *sql.Rows and pgx.Rows alike.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// count adds one to key's window (starting a new window when the old one has passed)
// and returns the count and the window's start.
func (tx *Tx) count(ctx context.Context, key string, window time.Duration) (n int, start int64, err error) {
	now := ms(tx.now)
	expired := ms(tx.now.Add(-window))
	err = tx.QueryRowContext(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.count + 1 END,
			window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END
		RETURNING count, window_start`, key, now, expired).Scan(&n, &start)
	if err != nil {
		return 0, 0, fmt.Errorf("store: rate limit %s: %w", keyKind(key), err)
	}
	return n, start, nil
}

// PruneRateLimits removes windows older than maxAge; the janitor calls it.
func (db *DB) PruneRateLimits(ctx context.Context, maxAge time.Duration) (int64, error) {
	res, err := db.sql.ExecContext(ctx, "DELETE FROM rate_limits WHERE window_start < $1", ms(db.clock.Now().Add(-maxAge)))
	if err != nil {
		return 0, fmt.Errorf("store: prune rate limits: %w", err)
	}
	return res.RowsAffected()
}

// Limit counts one event against key and refuses with rate_limited past max per window.
func (db *DB) Limit(ctx context.Context, key string, max int, window time.Duration) error {
	return db.inTx(ctx, func(tx *Tx) error { return tx.limit(ctx, key, max, window) })
}

// keyKind is what a rate-limit key counts ("lookup", "signin", …), for error texts:
// the rest of the key is a client address or a login, which no error text carries.
func keyKind(key string) string {
	if kind, _, ok := strings.Cut(key, ":"); ok {
		return kind
	}
	return "unnamed"
}

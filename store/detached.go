package store

import (
	"context"
	"log/slog"
	"time"
)

// mustWriteTimeout bounds a write that must happen after its client has gone.
const mustWriteTimeout = 10 * time.Second

// detached returns a context for a write that must happen whatever the client does —
// a refused sign-in's history row and audit entry (SEC-1, CAB-1), an attempt given
// back (PWD-3): a client that hangs up does not cancel it, and a database that hangs
// does not hold it longer than mustWriteTimeout.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), mustWriteTimeout)
}

// logFault logs a write that failed where there is nobody left to refuse: its error
// is never dropped silently.
func (db *DB) logFault(ctx context.Context, what string, err error) {
	db.log.LogAttrs(ctx, slog.LevelError, "store: "+what+" failed", slog.String("error", err.Error()))
}

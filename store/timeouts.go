package store

import (
	"net/url"
	"strconv"
	"time"
)

// withTimeouts adds PostgreSQL's own bounds to every connection of the pool
// (Options.StatementTimeout): statement_timeout and lock_timeout end a statement the
// server cannot finish within the request's budget, and
// idle_in_transaction_session_timeout ends a transaction whose client has stopped
// talking, so its locks are not held until TCP gives up. They back up the request's
// context, which ends the wait on this side: a hung server cannot be told anything.
// Settings the URL names itself are left as they are. SQLite needs none: its waits are
// bounded by busy_timeout and the context.
func (d dialect) withTimeouts(dsn string, budget time.Duration) string {
	if d != postgres || budget <= 0 {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // the driver reports it
	}
	q := u.Query()
	msText := strconv.FormatInt(budget.Milliseconds(), 10)
	for _, k := range []string{"statement_timeout", "lock_timeout"} {
		if !q.Has(k) {
			q.Set(k, msText)
		}
	}
	if !q.Has("idle_in_transaction_session_timeout") {
		q.Set("idle_in_transaction_session_timeout", strconv.FormatInt(2*budget.Milliseconds(), 10))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

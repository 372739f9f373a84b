package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"kabinet"
)

// policyTTL is how long an instance keeps the policy it read before reading it again.
// Every sign-in and look-up needs the policy; reading it once a second instead of once
// a request saves a database round trip on the hot paths, and a supervisor's change
// reaches every other instance within the second (at once on the instance that made it).
const policyTTL = time.Second

// policyCache is one instance's copy of the stored policy. Its age is measured on the
// machine's monotonic clock, not the injected one: it is a cache, not a rule of the law.
type policyCache struct {
	mu   sync.Mutex
	p    kabinet.Policy
	read time.Time // zero: nothing cached
}

func (c *policyCache) get() (kabinet.Policy, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.p, !c.read.IsZero() && time.Since(c.read) < policyTTL
}

func (c *policyCache) put(p kabinet.Policy) {
	c.mu.Lock()
	c.p, c.read = p, time.Now()
	c.mu.Unlock()
}

func (c *policyCache) forget() {
	c.mu.Lock()
	c.read = time.Time{}
	c.mu.Unlock()
}

// Policy returns the policy in force (PWD-6): the regulation's defaults with any
// values a supervisor has changed. A stored policy that does not read back
// (kabinet.ParsePolicy: an unknown field name, a value that does not validate) is an
// invalid_policy error, never the defaults in its place; `kabinet serve` refuses to start on it.
func (db *DB) Policy(ctx context.Context) (kabinet.Policy, error) {
	if p, ok := db.policy.get(); ok {
		return p, nil
	}
	p, err := db.readPolicy(ctx)
	if err == nil {
		db.policy.put(p)
	}
	return p, err
}

func (db *DB) readPolicy(ctx context.Context) (kabinet.Policy, error) {
	p := kabinet.DefaultPolicy()
	var v string
	err := db.sql.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'policy'").Scan(&v)
	if errors.Is(err, errNoRows) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("store: read policy: %w", err)
	}
	p, _, err = kabinet.ParsePolicy([]byte(v))
	return p, err
}

// SetPolicy changes the policy (PWD-6); a supervisor's action, audited with the old
// and new values.
func (db *DB) SetPolicy(ctx context.Context, who Actor, p kabinet.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var old any
	switch o, err := db.readPolicy(ctx); {
	case kabinet.ErrorCode(err) == "invalid_policy":
		old = "invalid: " + err.Error() // a supervisor's new policy replaces a stored one that does not validate
	case err != nil:
		return err
	default:
		old = o
	}
	b, _ := json.Marshal(p)
	defer db.policy.forget()
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('policy', $1)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(b)); err != nil {
			return fmt.Errorf("store: set policy: %w", err)
		}
		return tx.audit(ctx, who, "policy.change", "policy", map[string]any{"old": old, "new": p})
	})
}

// upgradeStoredPolicy rewrites a policy stored under the old untagged field names in
// the tagged form, once, as the schema is migrated; one that does not read is left
// as it is for `kabinet serve` to refuse.
func (tx *Tx) upgradeStoredPolicy(ctx context.Context) error {
	var v string
	err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'policy'").Scan(&v)
	if errors.Is(err, errNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: read policy: %w", err)
	}
	p, legacy, err := kabinet.ParsePolicy([]byte(v))
	if err != nil || !legacy {
		return nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE settings SET value = $1 WHERE key = 'policy'", string(b)); err != nil {
		return fmt.Errorf("store: upgrade stored policy: %w", err)
	}
	return tx.audit(ctx, System, "policy.upgrade", "policy", map[string]any{"from": "untagged field names"})
}

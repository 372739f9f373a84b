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
// values a supervisor has changed.
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
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return kabinet.DefaultPolicy(), fmt.Errorf("store: stored policy is not valid JSON: %w", err)
	}
	return p, nil
}

// SetPolicy changes the policy (PWD-6); a supervisor's action, audited with the old
// and new values.
func (db *DB) SetPolicy(ctx context.Context, who Actor, p kabinet.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	old, err := db.readPolicy(ctx)
	if err != nil {
		return err
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

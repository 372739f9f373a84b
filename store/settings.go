package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"kabinet"
)

// Policy returns the policy in force (PWD-6): the regulation's defaults with any
// values a supervisor has changed.
func (db *DB) Policy(ctx context.Context) (kabinet.Policy, error) {
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
	old, err := db.Policy(ctx)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(p)
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('policy', $1)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(b)); err != nil {
			return fmt.Errorf("store: set policy: %w", err)
		}
		return tx.audit(ctx, who, "policy.change", "policy", map[string]any{"old": old, "new": p})
	})
}

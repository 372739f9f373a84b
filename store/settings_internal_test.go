package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
)

// Issue 12, point 4 (PWD-6): a policy stored under the old untagged names reads as it
// was and is rewritten in the tagged form once, as the schema is migrated; a stored
// policy with a name the service does not know, or that does not validate, is an
// invalid_policy error — never the regulation's defaults in its place.
func TestStoredPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := Open(ctx, url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		store := func(v string) {
			t.Helper()
			if _, err := db.sql.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('policy', $1)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, v); err != nil {
				t.Fatal(err)
			}
			db.policy.forget()
		}
		stored := func() string {
			var v string
			if err := db.sql.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'policy'").Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		store(`{"PasswordMinLength":8,"PasswordSpecials":"!@#$%^&*","MaxFailures":5,"LockDuration":2700000000000,"InactivityMonths":6,` +
			`"DecisionDeadline":1200000000000,"AnnulmentDays":2,"SessionIdle":1800000000000,"SessionAbsolute":43200000000000,` +
			`"AddressFailuresPerHour":30,"LookupsPerMinute":30,"VATMaxQuantity":10000,"VATDays":2}`)
		p, err := db.Policy(ctx)
		if err != nil || p.MaxFailures != 5 || p.LockDuration != 45*time.Minute {
			t.Fatalf("legacy policy read: %+v %v", p, err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if v := stored(); !strings.Contains(v, `"max_failures":5`) || !strings.Contains(v, `"lock_duration_ns":2700000000000`) || strings.Contains(v, "MaxFailures") {
			t.Errorf("legacy policy not rewritten in the tagged form: %s", v)
		}
		db.policy.forget()
		if p, err := db.Policy(ctx); err != nil || p.MaxFailures != 5 || p.LockDuration != 45*time.Minute {
			t.Errorf("rewritten policy read: %+v %v", p, err)
		}
		evs, err := db.ListAudit(ctx, AuditFilter{Subject: "policy"})
		if err != nil || len(evs) != 1 || evs[0].Action != "policy.upgrade" {
			t.Errorf("the upgrade is audited once: %+v %v", evs, err)
		}

		// A renamed field is not silently the default.
		store(`{"max_failures":5,"lock_minutes":45}`)
		if _, err := db.Policy(ctx); kabinet.ErrorCode(err) != "invalid_policy" {
			t.Errorf("unknown field: %v, want invalid_policy", err)
		}
		store(`{"max_failures":0}`)
		if _, err := db.Policy(ctx); kabinet.ErrorCode(err) != "invalid_policy" {
			t.Errorf("invalid value: %v, want invalid_policy", err)
		}
		// A supervisor's valid policy replaces the broken one.
		good := kabinet.DefaultPolicy()
		good.MaxFailures = 4
		if err := db.SetPolicy(ctx, System, good); err != nil {
			t.Fatal(err)
		}
		if p, err := db.Policy(ctx); err != nil || p != good {
			t.Errorf("after SetPolicy: %+v %v", p, err)
		}
	})
}

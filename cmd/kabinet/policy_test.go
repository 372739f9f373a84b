package main

import (
	"context"
	"flag"
	"io"
	"strings"
	"testing"

	"kabinet"
	"kabinet/internal/dbtest"
)

// Issue 12, point 4: `kabinet serve` refuses to start, with a clear message, on a
// stored policy that does not read back (an unknown field name, an invalid value);
// one stored under the old untagged names starts.
func TestServeRefusesInvalidPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		if code, out, errs := kabinetCmd(t, "", "migrate", "--db", url); code != 0 {
			t.Fatalf("migrate: %d %s %s", code, out, errs)
		}
		db := openForTest(t, url)
		setPolicy := func(v string) {
			t.Helper()
			if _, err := db.Exec(`INSERT INTO settings (key, value) VALUES ('policy', $1)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, v); err != nil {
				t.Fatal(err)
			}
		}
		for name, v := range map[string]string{
			"a renamed field":  `{"max_failures":5,"lock_minutes":45}`,
			"an invalid value": `{"max_failures":0}`,
		} {
			setPolicy(v)
			code, _, errs := kabinetCmd(t, "", "serve", "--db", url, "--addr", "127.0.0.1:0", "--ops-addr", "", "--no-migrate")
			if code != 1 || !strings.Contains(errs, "stored policy") || !strings.Contains(errs, "does not start") || !strings.Contains(errs, "invalid_policy") {
				t.Errorf("%s: exit %d, stderr %q", name, code, errs)
			}
		}
		// The old untagged form starts, with its values.
		setPolicy(`{"PasswordMinLength":8,"PasswordSpecials":"!@#$%^&*","MaxFailures":5,"LockDuration":2700000000000,"InactivityMonths":6,` +
			`"DecisionDeadline":1200000000000,"AnnulmentDays":2,"SessionIdle":1800000000000,"SessionAbsolute":43200000000000,` +
			`"AddressFailuresPerHour":30,"LookupsPerMinute":30,"VATMaxQuantity":10000,"VATDays":2}`)
		var f serverFlags
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		f.register(fs, "127.0.0.1:0")
		if err := fs.Parse([]string{"--db", url, "--ops-addr", "", "--no-migrate"}); err != nil {
			t.Fatal(err)
		}
		a, err := newApp(context.Background(), f, kabinet.SystemClock{}, io.Discard, io.Discard)
		if err != nil {
			t.Fatalf("legacy policy: %v", err)
		}
		defer a.close()
		if p, err := a.db.Policy(context.Background()); err != nil || p.MaxFailures != 5 {
			t.Errorf("legacy policy in force: %+v %v", p, err)
		}
	})
}

package store_test

import (
	"context"
	"testing"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// PWD-4: a session that must change its password is refused filing and VAT acts with
// the policy's period of inactivity (the supervisor's to change), which the message
// names, not a fixed six months.
func TestPasswordChangeRequiredCarriesThePolicysPeriod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newFilingWorld(t, url)
		ctx := context.Background()
		pol := kabinet.DefaultPolicy()
		pol.InactivityMonths = 3
		if err := w.db.SetPolicy(ctx, store.System, pol); err != nil {
			t.Fatal(err)
		}
		s := w.session
		s.MustChange = true
		_, _, filing := w.db.SubmitFiling(ctx, w.who, s, filingPassword, report("STI-161", "2026-07", kabinet.FilingInitial, q3Due, "1"))
		_, vat := w.db.ApplyVAT(ctx, w.who, s, filingPassword, 100)
		for name, err := range map[string]error{"filing": filing, "VAT": vat} {
			e, ok := kabinet.AsError(err)
			if !ok || e.Code != "password_change_required" || e.Kind != kabinet.KindForbidden {
				t.Fatalf("%s: %v, want password_change_required", name, err)
			}
			if m, _ := e.Details["months"].(int); m != 3 {
				t.Errorf("%s: months %v, want the policy's 3", name, e.Details["months"])
			}
		}
	})
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// Issue 12, point 6 (SEC-1): a TOTP code is accepted once; the same valid code again
// (a replay within its window) is refused, and so is the code that confirmed enrolment.
func TestTOTPReplayRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		s, err := db.CreateStaff(ctx, store.System, store.NewStaff{Login: "boss", Name: "Boss", Role: kabinet.RoleSupervisor, Password: "Boss!2026xy"})
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := db.NewTOTPSecret("boss")
		if err != nil {
			t.Fatal(err)
		}
		code := func() string {
			c, err := totp.GenerateCode(secret, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		enrol := code()
		if err := db.ConfirmTOTP(ctx, store.System, s.ID, secret, enrol); err != nil {
			t.Fatal(err)
		}
		who := store.Actor{Name: "public", Address: "192.0.2.7"}
		signIn := func(otp string) error {
			_, err := db.SignInStaff(ctx, who, store.Credentials{Login: "boss", Password: "Boss!2026xy", OTP: otp})
			return err
		}
		if err := signIn(enrol); err == nil {
			t.Errorf("the enrolment code signed in too")
		}
		clock.Advance(30 * time.Second)
		c := code()
		if err := signIn(c); err != nil {
			t.Fatalf("first use of a valid code: %v", err)
		}
		clock.Advance(5 * time.Second)
		if err := signIn(c); kabinet.ErrorCode(err) != "invalid_credentials" {
			t.Errorf("the same code again: %v, want invalid_credentials", err)
		}
		clock.Advance(30 * time.Second)
		if err := signIn(code()); err != nil {
			t.Errorf("the next step's code: %v", err)
		}
	})
}

// Issue 12, point 6 (ACC-10): an officer's unlock of a taxpayer of another office is
// refused and audited.
func TestRefusedUnlockAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _, login := withAccount(t, url)
		ctx := context.Background()
		other, err := db.CreateStaff(ctx, store.System, store.NewStaff{Login: "bishkek", Name: "Other", Role: kabinet.RoleOfficer, OfficeCode: "002", Password: "Bishkek!2026x"})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Unlock(ctx, store.StaffActor{Staff: other, Address: "192.0.2.9"}, login)
		if kabinet.ErrorCode(err) != "wrong_office" {
			t.Fatalf("unlock by another office: %v", err)
		}
		evs, err := db.ListAudit(ctx, store.AuditFilter{Subject: "11705198700772", Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range evs {
			if e.Action == "account.unlock.refused" && e.Actor == "staff:bishkek" {
				found = true
			}
		}
		if !found {
			t.Errorf("refused unlock not audited: %+v", evs)
		}
	})
}

// Issue 12, point 6 (PWD-3): the per-address throttle's retry_after is the time until
// the address's hour-long window frees, not a constant.
func TestSignInThrottleRetryAfter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		p := kabinet.DefaultPolicy()
		p.AddressFailuresPerHour = p.MaxFailures
		if err := db.SetPolicy(ctx, store.System, p); err != nil {
			t.Fatal(err)
		}
		who := store.Actor{Name: "public", Address: "192.0.2.66"}
		logins := []string{"np00000001", "np00000002", "np00000003", "np00000004"}
		for _, l := range logins[:3] {
			if _, err := db.SignIn(ctx, who, store.Credentials{Login: l, Password: "Wrong!2026x"}); kabinet.ErrorCode(err) != "invalid_credentials" {
				t.Fatalf("failure %s: %v", l, err)
			}
		}
		clock.Advance(20 * time.Minute)
		_, err := db.SignIn(ctx, who, store.Credentials{Login: logins[3], Password: "Wrong!2026x"})
		e, ok := kabinet.AsError(err)
		if !ok || e.Code != "rate_limited" {
			t.Fatalf("fourth failure from one address: %v", err)
		}
		if got := e.Details["retry_after"]; got != 40*60 {
			t.Errorf("retry_after %v, want %d (the window frees 40 minutes later)", got, 40*60)
		}
	})
}

// Issue 12, point 6 (ACC-8): a database fault while verifying a decision is an error,
// not "no such decision".
func TestVerifyDecisionFault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		if _, err := db.VerifyDecision(ctx, "038-2026-000001", "ABCD-EFGH"); kabinet.ErrorKind(err) != kabinet.KindNotFound {
			t.Fatalf("unknown decision: %v", err)
		}
		db.Close()
		_, err := db.VerifyDecision(ctx, "038-2026-000001", "ABCD-EFGH")
		if err == nil || kabinet.ErrorKind(err) == kabinet.KindNotFound {
			t.Errorf("closed database: %v, want a fault, not not-found", err)
		}
	})
}

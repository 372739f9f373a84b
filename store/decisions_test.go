package store_test

import (
	"context"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// Decisions on applications and an office's own annulment share one numbering and one
// verification (ACC-8, ANN-3); the older undecided application is superseded (RST-2);
// the board flags deadlines by the root's rules (ACC-9, ANN-2).
func TestDecisionsShareNumbering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock, login := withAccount(t, url)
		ctx := context.Background()
		officer, err := db.StaffByLogin(ctx, "naryn")
		if err != nil {
			t.Fatal(err)
		}
		s := store.StaffActor{Staff: officer}
		form := func() kabinet.Application {
			t.Helper()
			a, err := db.CreateApplication(ctx, store.Actor{Name: "public", Address: "192.0.2.2"}, store.NewApplication{Kind: kabinet.KindAccess,
				INN: "11705198700772", Passport: "AN 4890152", Password: "Луна2019!", PasswordConfirm: "Луна2019!"})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		older, newer := form(), form()
		if _, err := db.Receive(ctx, s, older.Code, true); kabinet.ErrorCode(err) != "superseded" {
			t.Errorf("RST-2 the older application: %v", err)
		}
		other := store.StaffActor{Staff: kabinet.Staff{Login: "bishkek", Role: kabinet.RoleOfficer, OfficeCode: "002"}}
		if _, err := db.Receive(ctx, other, newer.Code, true); kabinet.ErrorCode(err) != "wrong_office" {
			t.Errorf("ACC-10: %v", err)
		}
		if _, err := db.Decide(ctx, s, newer.Code, store.DecisionInput{Outcome: kabinet.Granted}); kabinet.ErrorCode(err) != "not_received" {
			t.Errorf("deciding before receipt: %v", err)
		}
		if _, err := db.Receive(ctx, s, newer.Code, true); err != nil {
			t.Fatal(err)
		}
		clock.Advance(21 * time.Minute)
		b, err := db.Board(ctx, officer)
		if err != nil || len(b.Access) != 1 || !b.Access[0].Overdue {
			t.Fatalf("ACC-9 the board after 21 minutes: %+v %v", b.Access, err)
		}
		d1, err := db.Decide(ctx, s, newer.Code, store.DecisionInput{Outcome: kabinet.Refused, Ground: kabinet.GroundNoRegistration})
		if err != nil || d1.OnTime || d1.ApplicationCode != newer.Code {
			t.Fatalf("ACC-9 a late refusal: %+v %v", d1, err)
		}
		d2, err := db.AnnulForFraud(ctx, s, login, "fraud_evidence", "Акт № 7")
		if err != nil || !d2.OnTime || d2.ApplicationCode != "" || d2.Login != login {
			t.Fatalf("ANN-3: %+v %v", d2, err)
		}
		for i, d := range []kabinet.Decision{d1, d2} {
			got, err := db.VerifyDecision(ctx, d.Number, d.VerificationCode)
			if err != nil || got.Number != d.Number || got.Outcome != d.Outcome || got.ApplicationCode != d.ApplicationCode || got.Login != d.Login {
				t.Errorf("ACC-8 decision %d verified as %+v, %v; issued %+v", i+1, got, err, d)
			}
		}
		// The first decision was the grant of withAccount: one sequence for all three.
		if d1.Number != "038-2026-000002" || d2.Number != "038-2026-000003" {
			t.Errorf("ACC-8 numbers %s, %s: want one sequence", d1.Number, d2.Number)
		}
	})
}

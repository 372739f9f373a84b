package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// history is the outcomes of the account's sign-in history, newest first, as the
// cabinet shows them (CAB-1).
func history(t *testing.T, db *store.DB, login string) []string {
	t.Helper()
	ctx := context.Background()
	acct, err := db.AccountByLogin(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	home, err := db.Cabinet(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range home.SignIns {
		out = append(out, r.Outcome+"@"+r.Address)
	}
	return out
}

// CAB-1: the sign-in history tells the truth. An attempt the lock refuses — even with
// the right password — appears in the account's history; a wrong current password on
// the change-password screen appears as that, not as a failed sign-in, yet counts
// toward the lock as the Guide says every wrong password does (PWD-3, Guide 3); a
// password confirming an act is named as such too. The audit log keeps the actions
// auth.failure, auth.lock and auth.locked, saying where the password was typed.
func TestSignInHistoryTellsTheTruth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock, login := withAccount(t, url)
		ctx := context.Background()
		intruder := store.Actor{Name: "public", Address: "198.51.100.7"}
		owner := store.Actor{Name: "public", Address: "192.0.2.20"}
		signIn := func(who store.Actor, pw string) (store.SignInResult, error) {
			return db.SignIn(ctx, who, store.Credentials{Login: login, Password: pw})
		}

		t.Run("CAB-1 PWD-3 an attempt refused during a lock is in the history, the right password included", func(t *testing.T) {
			for _, pw := range []string{"Неверный1!", "Неверный2!", "Неверный3!"} {
				signIn(intruder, pw)
			}
			if _, err := signIn(owner, "Луна2018!"); kabinet.ErrorCode(err) != "account_locked" {
				t.Fatalf("the right password during the lock: %v", err)
			}
			got := history(t, db, login)
			want := []string{"locked@192.0.2.20", "lock@198.51.100.7", "failure@198.51.100.7", "failure@198.51.100.7"}
			if len(got) < len(want) || strings.Join(got[:len(want)], " ") != strings.Join(want, " ") {
				t.Fatalf("history %v, want it to begin %v", got, want)
			}
		})
		t.Run("PWD-3 an unknown login's refused attempts belong to no account", func(t *testing.T) {
			for i := 0; i < 4; i++ {
				db.SignIn(ctx, intruder, store.Credentials{Login: "np00000000", Password: "x"})
			}
			if n := countRows(t, db, "SELECT COUNT(*) FROM sign_ins WHERE login = $1 AND account_id IS NOT NULL", "np00000000"); n != 0 {
				t.Errorf("%d attempts on an unknown login were given an account", n)
			}
			if n := countRows(t, db, "SELECT COUNT(*) FROM sign_ins WHERE login = $1 AND outcome = 'locked'", "np00000000"); n != 1 {
				t.Errorf("%d attempts on the unknown login refused by its lock recorded, want 1 (the fourth)", n)
			}
		})

		var sess store.Session
		t.Run("the lock ends; the owner signs in", func(t *testing.T) {
			clock.Advance(20 * time.Minute)
			res, err := signIn(owner, "Луна2018!")
			if err != nil {
				t.Fatal(err)
			}
			if sess, err = db.SessionByToken(ctx, res.Token); err != nil {
				t.Fatal(err)
			}
		})
		change := func(current string) error {
			_, err := db.ChangePassword(ctx, owner, sess, store.PasswordChange{Current: current, New: "Солнце2026!", Confirm: "Солнце2026!", CodeWord: "мишка"})
			return err
		}
		t.Run("CAB-1 PWD-3 a wrong current password on the change-password screen is recorded as that, and counted", func(t *testing.T) {
			if err := change("Неверный4!"); kabinet.ErrorCode(err) != "wrong_current_password" {
				t.Fatalf("wrong current password: %v", err)
			}
			if got := history(t, db, login); got[0] != "password_failure@192.0.2.20" || got[1] != "success@192.0.2.20" {
				t.Fatalf("history %v, want password_failure then success", got)
			}
			// Counted: the next wrong sign-in has one attempt left, not two.
			_, err := signIn(intruder, "Неверный5!")
			if e, _ := kabinet.AsError(err); e == nil || e.Details["attempts_left"] != 1 {
				t.Fatalf("PWD-3 the wrong current password was not counted: %v", err)
			}
			// The third wrong password in a row, on the change screen, locks, and says so.
			if err := change("Неверный6!"); kabinet.ErrorCode(err) != "account_locked" {
				t.Fatalf("PWD-3 the third wrong password, typed on the change screen: %v", err)
			}
			if err := change("Луна2018!"); kabinet.ErrorCode(err) != "account_locked" {
				t.Fatalf("PWD-3 the right current password during the lock: %v", err)
			}
			got := history(t, db, login)
			want := []string{"password_locked@192.0.2.20", "password_lock@192.0.2.20", "failure@198.51.100.7", "password_failure@192.0.2.20"}
			if strings.Join(got[:len(want)], " ") != strings.Join(want, " ") {
				t.Fatalf("history %v, want it to begin %v", got, want)
			}
			acct, _ := db.AccountByLogin(ctx, login)
			home, _ := db.Cabinet(ctx, acct)
			locks := 0
			for _, n := range home.Notifications {
				if n.Kind == "lock" {
					locks++
				}
			}
			if locks != 2 {
				t.Errorf("CAB-1 %d lock notifications, want 2 (one per lock)", locks)
			}
		})
		t.Run("SEC-1 the audit log keeps the actions and says where the password was typed", func(t *testing.T) {
			evs, err := db.ListAudit(ctx, store.AuditFilter{Subject: "taxpayer:" + login, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range evs {
				var d map[string]any
				json.Unmarshal([]byte(e.Details), &d)
				at, _ := d["at"].(string)
				got = append(got, e.Action+"/"+at)
			}
			want := "auth.locked/password_change auth.lock/password_change auth.failure/ auth.failure/password_change"
			if len(got) < 4 || strings.Join(got[:4], " ") != want {
				t.Errorf("audit %v, want it to begin %s", got, want)
			}
		})
		t.Run("CAB-1 a password confirming an act is named as such", func(t *testing.T) {
			clock.Advance(20 * time.Minute)
			_, err := db.CreateApplication(ctx, owner, store.NewApplication{Kind: kabinet.KindAnnulment, INN: "11705198700772",
				Passport: "AN 4890152", CurrentPassword: "Неверный7!"})
			if kabinet.ErrorCode(err) != "invalid_credentials" {
				t.Fatalf("annulment with a wrong password: %v", err)
			}
			if got := history(t, db, login); got[0] != "confirm_failure@192.0.2.20" {
				t.Fatalf("history %v, want confirm_failure first", got)
			}
		})
	})
}

// CheckDecision is Decide's checks without the decision: the confirmation step before
// a grant shows only what Decide would then do (ACC-6, ACC-10), and writes nothing but
// the audit entry of another office's attempt.
func TestCheckDecision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		loadRegistry(t, db, registryCSV)
		naryn, err := db.CreateStaff(ctx, store.System, store.NewStaff{Login: "naryn", Name: "Осмонов Талант", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Naryn!2026x"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := db.CreateStaff(ctx, store.System, store.NewStaff{Login: "oktyabr", Role: kabinet.RoleOfficer, OfficeCode: "001", Password: "Oktyabr!2026"})
		if err != nil {
			t.Fatal(err)
		}
		officer, stranger := store.StaffActor{Staff: naryn}, store.StaffActor{Staff: other}
		apply := func(inn string) string {
			a, err := db.CreateApplication(ctx, store.Actor{Name: "public", Address: "192.0.2.1"}, store.NewApplication{Kind: kabinet.KindAccess,
				INN: inn, Passport: "AN 4890152", Password: "Луна2018!", PasswordConfirm: "Луна2018!"})
			if err != nil {
				t.Fatal(err)
			}
			return a.Code
		}
		grant := store.DecisionInput{Outcome: kabinet.Granted}
		code, fraud := apply("11705198700772"), apply("20107198200456")

		if _, err := db.CheckDecision(ctx, officer, code, grant); kabinet.ErrorCode(err) != "not_received" {
			t.Errorf("ACC-6 a grant before receipt: %v", err)
		}
		for _, c := range []string{code, fraud} {
			if _, err := db.Receive(ctx, officer, c, true); err != nil {
				t.Fatal(err)
			}
		}
		a, err := db.CheckDecision(ctx, officer, code, grant)
		if err != nil || a.Code != code || a.Status != kabinet.StatusReceived || a.INN != "11705198700772" {
			t.Fatalf("ACC-6 the grant may be issued: %+v %v", a, err)
		}
		if _, err := db.CheckDecision(ctx, officer, code, store.DecisionInput{Outcome: kabinet.Refused}); kabinet.ErrorCode(err) != "invalid_ground" {
			t.Errorf("ACC-6 a refusal without a ground: %v", err)
		}
		if _, err := db.CheckDecision(ctx, officer, fraud, grant); kabinet.ErrorCode(err) != "fraud_evidence" {
			t.Errorf("ACC-6 a grant to a subject with the fraud mark: %v", err)
		}
		if _, err := db.CheckDecision(ctx, officer, "0000-0000-0000", grant); kabinet.ErrorKind(err) != kabinet.KindNotFound {
			t.Errorf("an unknown code: %v", err)
		}
		_, err = db.CheckDecision(ctx, stranger, code, grant)
		if e, _ := kabinet.AsError(err); e == nil || e.Code != "wrong_office" || e.Details["office"] != "038" {
			t.Errorf("ACC-10 another office: %v", err)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'application.decide.refused' AND subject = $1", code); n != 1 {
			t.Errorf("ACC-10 another office's attempt audited %d times, want 1", n)
		}
		// Nothing was decided: the application waits, and the decision counter did not move.
		if a, _ := db.Application(ctx, code); a.Status != kabinet.StatusReceived || a.DecisionNumber != "" {
			t.Errorf("the check decided: %+v", a)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM decisions"); n != 0 {
			t.Errorf("%d decisions after checks alone", n)
		}
		d, err := db.Decide(ctx, officer, code, grant)
		if err != nil || d.Login == "" {
			t.Fatalf("the confirmed grant: %+v %v", d, err)
		}
		if _, err := db.CheckDecision(ctx, officer, code, grant); kabinet.ErrorCode(err) != "already_decided" {
			t.Errorf("a second confirmation: %v", err)
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/password"
	"kabinet/store"
)

// withAccount opens a fresh database on url in which the Guide's taxpayer has been
// granted access with the Guide's example password «Луна2018!», and returns its login.
func withAccount(t *testing.T, url string) (*store.DB, *kabinet.ManualClock, string) {
	t.Helper()
	db, clock := open(t, url)
	return db, clock, granted(t, db, "Луна2018!")
}

// granted forms, receives and grants an access application for the Guide's taxpayer
// and returns the login.
func granted(t *testing.T, db *store.DB, pw string) string {
	t.Helper()
	ctx := context.Background()
	loadRegistry(t, db, registryCSV)
	officer, err := db.CreateStaff(ctx, store.System, store.NewStaff{Login: "naryn", Name: "Осмонов", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Naryn!2026x"})
	if err != nil && kabinet.ErrorCode(err) != "login_taken" {
		t.Fatal(err)
	}
	app, err := db.CreateApplication(ctx, store.Actor{Name: "public", Address: "192.0.2.1"}, store.NewApplication{Kind: kabinet.KindAccess,
		INN: "11705198700772", Passport: "AN 4890152", Password: pw, PasswordConfirm: pw})
	if err != nil {
		t.Fatal(err)
	}
	s := store.StaffActor{Staff: officer}
	if _, err := db.Receive(ctx, s, app.Code, true); err != nil {
		t.Fatal(err)
	}
	d, err := db.Decide(ctx, s, app.Code, store.DecisionInput{Outcome: kabinet.Granted})
	if err != nil {
		t.Fatal(err)
	}
	return d.Login
}

func TestSignInLock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock, login := withAccount(t, url)
		ctx := context.Background()
		who := store.Actor{Name: "public", Address: "192.0.2.10"}
		signIn := func(pw string) error {
			_, err := db.SignIn(ctx, who, store.Credentials{Login: login, Password: pw})
			return err
		}
		t.Run("PWD-3 a success resets the count", func(t *testing.T) {
			if err := signIn("wrong1!Aa"); kabinet.ErrorCode(err) != "invalid_credentials" {
				t.Fatal(err)
			}
			if err := signIn("wrong2!Aa"); kabinet.ErrorCode(err) != "invalid_credentials" {
				t.Fatal(err)
			}
			if err := signIn("Луна2018!"); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("PWD-3 lock at the third failure", func(t *testing.T) {
			e1 := signIn("wrong1!Aa")
			if e, _ := kabinet.AsError(e1); e == nil || e.Details["attempts_left"] != 2 {
				t.Fatalf("first failure: %v", e1)
			}
			signIn("wrong2!Aa")
			err := signIn("wrong3!Aa")
			e, _ := kabinet.AsError(err)
			if e == nil || e.Code != "account_locked" || e.Kind != kabinet.KindLocked {
				t.Fatalf("third failure: %v", err)
			}
			until, _ := time.Parse(time.RFC3339, e.Details["locked_until"].(string))
			if !until.Equal(clock.Now().Add(20 * time.Minute).Truncate(time.Second)) {
				t.Errorf("locked until %v, want now+20m", until)
			}
		})
		t.Run("PWD-3 even the right password is refused while locked", func(t *testing.T) {
			clock.Advance(19*time.Minute + 59*time.Second)
			if err := signIn("Луна2018!"); kabinet.ErrorCode(err) != "account_locked" {
				t.Fatalf("during the lock: %v", err)
			}
		})
		t.Run("PWD-3 unlocks by itself at 20 minutes; the count starts again", func(t *testing.T) {
			clock.Advance(time.Second)
			if err := signIn("wrong4!Aa"); kabinet.ErrorCode(err) != "invalid_credentials" {
				t.Fatalf("first failure after the lock: %v", err)
			}
			if err := signIn("Луна2018!"); err != nil {
				t.Fatalf("after the lock: %v", err)
			}
		})
		t.Run("PWD-3 unknown logins are counted and locked the same way", func(t *testing.T) {
			var codes []string
			for i := 0; i < 4; i++ {
				_, err := db.SignIn(ctx, who, store.Credentials{Login: "np00000000", Password: "x"})
				codes = append(codes, kabinet.ErrorCode(err))
			}
			want := "invalid_credentials invalid_credentials account_locked account_locked"
			if strings.Join(codes, " ") != want {
				t.Errorf("unknown login: %v, want %s", codes, want)
			}
		})
		t.Run("CAB-1 sign-ins recorded", func(t *testing.T) {
			acct, _ := db.AccountByLogin(ctx, login)
			home, err := db.Cabinet(ctx, acct)
			if err != nil {
				t.Fatal(err)
			}
			if len(home.SignIns) < 5 || home.SignIns[0].Outcome != "success" || home.SignIns[0].Address != "192.0.2.10" {
				t.Errorf("sign-ins %+v", home.SignIns)
			}
			kinds := map[string]bool{}
			for _, n := range home.Notifications {
				kinds[n.Kind] = true
			}
			if !kinds["decision"] || !kinds["lock"] {
				t.Errorf("notifications %+v", home.Notifications)
			}
		})
		t.Run("SEC-1 sign-ins, failures and locks audited", func(t *testing.T) {
			evs, _ := db.ListAudit(ctx, store.AuditFilter{Limit: 500})
			seen := map[string]bool{}
			for _, e := range evs {
				seen[e.Action] = true
			}
			for _, a := range []string{"auth.signin", "auth.failure", "auth.lock", "auth.locked"} {
				if !seen[a] {
					t.Errorf("no %s in the audit log", a)
				}
			}
		})
	})
}

func TestSignInThrottlePerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		pol := kabinet.DefaultPolicy()
		pol.AddressFailuresPerHour = 5
		if err := db.SetPolicy(ctx, store.System, pol); err != nil {
			t.Fatal(err)
		}
		who := store.Actor{Name: "public", Address: "198.51.100.9"}
		var last error
		for i := 0; i < 6; i++ {
			_, last = db.SignIn(ctx, who, store.Credentials{Login: "np0000000" + string(rune('a'+i)), Password: "x"})
		}
		if kabinet.ErrorCode(last) != "rate_limited" {
			t.Fatalf("PWD-3 one address failing against many logins: %v", last)
		}
		// The logins tried were not locked by the throttled attempt.
		if _, err := db.SignIn(ctx, store.Actor{Name: "public", Address: "198.51.100.10"}, store.Credentials{Login: "np0000000f", Password: "x"}); kabinet.ErrorCode(err) != "invalid_credentials" {
			t.Errorf("a throttled attempt counted against the login: %v", err)
		}
	})
}

func TestInactivity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock, login := withAccount(t, url)
		ctx := context.Background()
		who := store.Actor{Name: "public", Address: "192.0.2.11"}
		t.Run("PWD-4 six months less a day: no change required", func(t *testing.T) {
			clock.Set(clock.Now().AddDate(0, 6, -1))
			res, err := db.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"})
			if err != nil || res.MustChange {
				t.Fatalf("%+v %v", res, err)
			}
		})
		t.Run("PWD-4 six months and a day: change first", func(t *testing.T) {
			clock.Set(clock.Now().AddDate(0, 6, 1))
			res, err := db.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"})
			if err != nil || !res.MustChange {
				t.Fatalf("%+v %v", res, err)
			}
			sess, err := db.SessionByToken(ctx, res.Token)
			if err != nil || !sess.MustChange {
				t.Fatalf("session %+v %v", sess, err)
			}
			// A second sign-in without changing still requires it.
			res2, _ := db.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"})
			if !res2.MustChange {
				t.Error("abandoning the change screen lifts the requirement")
			}
			ch := func(cur, nw, conf, cw string) error {
				_, err := db.ChangePassword(ctx, who, sess, store.PasswordChange{Current: cur, New: nw, Confirm: conf, CodeWord: cw})
				return err
			}
			cases := []struct{ cur, nw, conf, cw, code string }{
				{"Андей2019!", "Луна2018*", "Луна2018*", "мишка", "wrong_current_password"},
				{"Луна2018!", "Луна2018!", "Луна2018!", "мишка", "same_password"},
				{"Луна2018!", "луна2018*", "луна2018*", "мишка", "weak_password"},
				{"Луна2018!", "Луна2018*", "Луна2018#", "мишка", "password_mismatch"},
				{"Луна2018!", "Луна2018*", "Луна2018*", "ab", "invalid_code_word"},
				{"Луна2018!", "Aa!11705198700772", "Aa!11705198700772", "мишка", "weak_password"},
			}
			for _, c := range cases {
				if err := ch(c.cur, c.nw, c.conf, c.cw); kabinet.ErrorCode(err) != c.code {
					t.Errorf("PWD-1 PWD-4 change %+v: %v", c, err)
				}
			}
			// Guide: current Андей2019!-style old password, new Луна2018*, code word «мишка».
			tok, err := db.ChangePassword(ctx, who, sess, store.PasswordChange{Current: "Луна2018!", New: "Луна2018*", Confirm: "Луна2018*", CodeWord: "мишка"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SessionByToken(ctx, res.Token); err == nil {
				t.Error("SEC-4 the old session survives a password change")
			}
			if s, err := db.SessionByToken(ctx, tok); err != nil || s.MustChange {
				t.Errorf("new session %+v %v", s, err)
			}
			res3, err := db.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018*"})
			if err != nil || res3.MustChange {
				t.Errorf("after the change: %+v %v", res3, err)
			}
		})
	})
}

func TestSessionTimeouts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock, login := withAccount(t, url)
		ctx := context.Background()
		who := store.Actor{Name: "public", Address: "192.0.2.12"}
		res, _ := db.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"})
		t.Run("SEC-4 idle timeout 30 minutes", func(t *testing.T) {
			clock.Advance(29 * time.Minute)
			if _, err := db.SessionByToken(ctx, res.Token); err != nil {
				t.Fatalf("at 29 minutes: %v", err)
			}
			clock.Advance(29 * time.Minute) // activity at 29 reset the idle clock
			if _, err := db.SessionByToken(ctx, res.Token); err != nil {
				t.Fatalf("29 minutes after activity: %v", err)
			}
			clock.Advance(31 * time.Minute)
			if _, err := db.SessionByToken(ctx, res.Token); kabinet.ErrorCode(err) != "session_expired" {
				t.Fatalf("after 31 idle minutes: %v", err)
			}
		})
		t.Run("SEC-4 absolute timeout 12 hours", func(t *testing.T) {
			r, _ := db.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"})
			for i := 1; i <= 30; i++ {
				clock.Advance(29 * time.Minute)
				if _, err := db.SessionByToken(ctx, r.Token); err != nil {
					if i*29 < 12*60 {
						t.Fatalf("ended early at %d minutes: %v", i*29, err)
					}
					return
				}
			}
			t.Fatal("session outlived 12 hours")
		})
		t.Run("SEC-4 sign-out ends the session server-side", func(t *testing.T) {
			r, _ := db.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"})
			if err := db.SignOut(ctx, who, r.Token); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SessionByToken(ctx, r.Token); err == nil {
				t.Error("session alive after sign-out")
			}
		})
	})
}

// PWD-3: 50 wrong attempts fired at once through two instances on one database
// check at most three passwords before the lock.
func TestSignInConcurrentTwoInstances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		_, clock, login := withAccount(t, url)
		ctx := context.Background()
		// The (at most three) password checks are held until the other attempts have
		// all been answered, so every attempt overlaps the checks in flight.
		const attempts, checks = 50, 3
		gate := make(chan struct{})
		var answered atomic.Int64
		hasher := &hashCounter{Hasher: testHasher(), gate: gate}
		var instances []*store.DB
		for i := 0; i < 2; i++ {
			inst, err := store.Open(ctx, url, store.Options{Clock: clock, Hasher: hasher})
			if err != nil {
				t.Fatal(err)
			}
			defer inst.Close()
			instances = append(instances, inst)
		}
		var wg sync.WaitGroup
		var locked, invalid, other atomic.Int64
		start := make(chan struct{})
		for i := 0; i < attempts; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				who := store.Actor{Name: "public", Address: "203.0.113." + string(rune('0'+i%10))}
				_, err := instances[i%2].SignIn(ctx, who, store.Credentials{Login: login, Password: "wrong!Aa1"})
				if answered.Add(1) == attempts-checks {
					close(gate)
				}
				switch kabinet.ErrorCode(err) {
				case "account_locked":
					locked.Add(1)
				case "invalid_credentials":
					invalid.Add(1)
				default:
					other.Add(1)
					t.Errorf("unexpected: %v", err)
				}
			}(i)
		}
		close(start)
		wg.Wait()
		if n := hasher.calls.Load(); n > 3 {
			t.Errorf("PWD-3: %d password checks under 50 concurrent attempts, want at most 3", n)
		}
		if invalid.Load() != 2 || locked.Load() != 48 {
			t.Errorf("PWD-3: %d invalid, %d locked, %d other; want 2 invalid then locked", invalid.Load(), locked.Load(), other.Load())
		}
		if _, err := instances[0].SignIn(ctx, store.Actor{Address: "203.0.113.99"}, store.Credentials{Login: login, Password: "Луна2018!"}); kabinet.ErrorCode(err) != "account_locked" {
			t.Errorf("right password during the lock: %v", err)
		}
	})
}

// PWD-3 fail closed: if the attempt cannot be recorded, the sign-in is refused.
func TestSignInFailsClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _, login := withAccount(t, url)
		if _, err := db.SQL().Exec("DROP TABLE login_attempts"); err != nil {
			t.Fatal(err)
		}
		_, err := db.SignIn(context.Background(), store.Actor{Address: "192.0.2.5"}, store.Credentials{Login: login, Password: "Луна2018!"})
		if kabinet.ErrorCode(err) != "unavailable" {
			t.Errorf("PWD-3 with the count unwritable: %v", err)
		}
	})
}

// gateHasher lets a test hold a password check open, or answer busy.
type gateHasher struct {
	*password.Hasher
	busy    atomic.Bool
	entered chan struct{}
	hold    chan struct{}
}

func (g *gateHasher) Verify(ctx context.Context, pw, enc string) (bool, bool, error) {
	if g.busy.Load() {
		return false, false, password.ErrBusy
	}
	if g.hold != nil {
		g.entered <- struct{}{}
		<-g.hold
	}
	return g.Hasher.Verify(ctx, pw, enc)
}

func (g *gateHasher) VerifyDummy(ctx context.Context, pw string) error {
	_, _, err := g.Verify(ctx, pw, "")
	return err
}

// A flood of sign-ins waits at the door, not in the database: past the bound a sign-in
// is refused busy (503) before any attempt is counted; and an attempt whose password
// could not be checked for lack of a hashing slot counts toward no lock (PWD-3).
func TestSignInAdmission(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		_, clock, login := withAccount(t, url)
		ctx := context.Background()
		g := &gateHasher{Hasher: testHasher()}
		inst, err := store.Open(ctx, url, store.Options{Clock: clock, Hasher: g, SignIns: 1, SignInWait: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Close()
		who := store.Actor{Name: "public", Address: "192.0.2.77"}
		wrong := store.Credentials{Login: login, Password: "Неверный2018!"}
		t.Run("PWD-3 SEC-2 past the bound: busy, and nothing counted", func(t *testing.T) {
			g.entered, g.hold = make(chan struct{}), make(chan struct{})
			first := make(chan error)
			go func() {
				_, err := inst.SignIn(ctx, who, wrong)
				first <- err
			}()
			<-g.entered // the first sign-in holds the only place, inside its check
			for i := 0; i < 5; i++ {
				if _, err := inst.SignIn(ctx, who, wrong); !errors.Is(err, password.ErrBusy) {
					t.Fatalf("sign-in %d past the bound: %v", i+2, err)
				}
			}
			close(g.hold)
			if err := <-first; kabinet.ErrorCode(err) != "invalid_credentials" {
				t.Fatalf("the admitted sign-in: %v", err)
			}
			g.entered, g.hold = nil, nil
			// Only the admitted attempt counted: two more wrong ones lock, not fewer.
			if _, err := inst.SignIn(ctx, who, wrong); kabinet.ErrorCode(err) != "invalid_credentials" {
				t.Fatalf("second failure: %v", err)
			}
			if _, err := inst.SignIn(ctx, who, wrong); kabinet.ErrorCode(err) != "account_locked" {
				t.Fatalf("third failure: %v", err)
			}
			clock.Advance(21 * time.Minute)
		})
		t.Run("PWD-3 no hashing slot: the attempt is given back", func(t *testing.T) {
			g.busy.Store(true)
			for i := 0; i < 5; i++ {
				if _, err := inst.SignIn(ctx, who, wrong); !errors.Is(err, password.ErrBusy) {
					t.Fatalf("busy sign-in %d: %v", i+1, err)
				}
			}
			g.busy.Store(false)
			if _, err := inst.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"}); err != nil {
				t.Fatalf("five busy answers locked the account: %v", err)
			}
		})
	})
}

package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/password"
	"kabinet/store"
)

// hangUpHasher is a client hanging up while its password is checked: the check
// completes, and by then the request's context is cancelled.
type hangUpHasher struct {
	*password.Hasher
	cancel context.CancelFunc
}

func (h *hangUpHasher) Verify(ctx context.Context, pw, enc string) (bool, bool, error) {
	ok, rehash, err := h.Hasher.Verify(ctx, pw, enc)
	h.cancel()
	return ok, rehash, err
}

func (h *hangUpHasher) VerifyDummy(ctx context.Context, pw string) error {
	_, _, err := h.Verify(ctx, pw, "")
	return err
}

// countRows counts the rows of a query.
func countRows(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// SEC-1, CAB-1: a failed sign-in whose client hangs up during the password check still
// leaves its sign-in row and its auth.failure audit entry; so does a locking one.
func TestSignInHangUpStillRecorded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		_, clock, login := withAccount(t, url)
		h := &hangUpHasher{Hasher: testHasher()}
		inst, err := store.Open(context.Background(), url, store.Options{Clock: clock, Hasher: h})
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Close()
		who := store.Actor{Name: "public", Address: "192.0.2.44"}
		for i, want := range []string{"failure", "failure", "lock"} {
			ctx, cancel := context.WithCancel(context.Background())
			h.cancel = cancel
			_, err := inst.SignIn(ctx, who, store.Credentials{Login: login, Password: "Неверный2018!"})
			cancel()
			if err == nil {
				t.Fatalf("attempt %d: a wrong password signed in", i+1)
			}
			if n := countRows(t, inst, "SELECT COUNT(*) FROM sign_ins WHERE login = $1 AND outcome = $2", login, want); n == 0 {
				t.Errorf("CAB-1: attempt %d (%s) of a client that hung up left no sign-in row", i+1, want)
			}
			if n := countRows(t, inst, "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject = $2", "auth."+want, "taxpayer:"+login); n == 0 {
				t.Errorf("SEC-1: attempt %d of a client that hung up left no auth.%s audit entry", i+1, want)
			}
		}
		if n := countRows(t, inst, "SELECT COUNT(*) FROM sign_ins WHERE login = $1 AND outcome <> 'success'", login); n != 3 {
			t.Errorf("CAB-1: %d failed sign-in rows, want 3", n)
		}

		// A right password whose client hangs up resets the count (PWD-3): it is not
		// left counted as a failure.
		clock.Advance(21 * time.Minute)
		ctx, cancel := context.WithCancel(context.Background())
		h.cancel = cancel
		if _, err := inst.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"}); err != nil {
			t.Fatalf("right password, client hung up: %v", err)
		}
		cancel()
		if n := countRows(t, inst, "SELECT COUNT(*) FROM sign_ins WHERE login = $1 AND outcome = 'success'", login); n != 1 {
			t.Errorf("CAB-1: %d success rows, want 1", n)
		}
		if n := countRows(t, inst, "SELECT failures FROM login_attempts WHERE login_key = $1", "t:"+login); n != 0 {
			t.Errorf("PWD-3: %d failures left after a right password whose client hung up", n)
		}
	})
}

// PWD-2: a hash made under lower parameters is upgraded at the next sign-in to the
// hasher's parameters, recorded in the PHC string; the password still works, through
// the new parameters and through an instance still on the old ones.
func TestSignInUpgradesHash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		low, clock, login := withAccount(t, url) // hashed with m=64,t=1,p=1
		ctx := context.Background()
		hashOf := func(table, where string, arg any) string {
			var h string
			if err := low.SQL().QueryRow("SELECT password_hash FROM "+table+" WHERE "+where+" = $1", arg).Scan(&h); err != nil {
				t.Fatal(err)
			}
			return h
		}
		before := hashOf("accounts", "login", login)
		if !strings.HasPrefix(before, "$argon2id$v=19$m=64,t=1,p=1$") {
			t.Fatalf("the account's hash was not made with the low parameters: %s", before)
		}
		staffBefore := hashOf("staff", "login", "naryn")

		high := password.NewHasher(password.Params{Memory: 128, Time: 2, Threads: 1}, 2, 5*time.Second)
		inst, err := store.Open(ctx, url, store.Options{Clock: clock, Hasher: high})
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Close()
		who := store.Actor{Name: "public", Address: "192.0.2.45"}
		if _, err := inst.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"}); err != nil {
			t.Fatal(err)
		}
		after := hashOf("accounts", "login", login)
		if !strings.HasPrefix(after, "$argon2id$v=19$m=128,t=2,p=1$") {
			t.Errorf("PWD-2: the hash was not upgraded at sign-in: %s", after)
		}
		if _, err := inst.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"}); err != nil {
			t.Errorf("PWD-2: the password after the upgrade: %v", err)
		}
		if got := hashOf("accounts", "login", login); got != after {
			t.Errorf("PWD-2: an up-to-date hash was replaced again")
		}
		if _, err := low.SignIn(ctx, who, store.Credentials{Login: login, Password: "Луна2018!"}); err != nil {
			t.Errorf("PWD-2: the upgraded hash on an instance with the old parameters: %v", err)
		}
		if _, err := inst.SignIn(ctx, who, store.Credentials{Login: login, Password: "Неверный2018!"}); kabinet.ErrorCode(err) != "invalid_credentials" {
			t.Errorf("a wrong password after the upgrade: %v", err)
		}

		// Staff hashes are upgraded the same way (SEC-1: the same rules).
		if _, err := inst.SignInStaff(ctx, who, store.Credentials{Login: "naryn", Password: "Naryn!2026x"}); err != nil {
			t.Fatal(err)
		}
		if got := hashOf("staff", "login", "naryn"); got == staffBefore || !strings.HasPrefix(got, "$argon2id$v=19$m=128,t=2,p=1$") {
			t.Errorf("PWD-2: the staff hash was not upgraded: %s", got)
		}
		if _, err := low.SignInStaff(ctx, who, store.Credentials{Login: "naryn", Password: "Naryn!2026x"}); err != nil {
			t.Errorf("PWD-2: staff sign-in after the upgrade: %v", err)
		}
	})
}

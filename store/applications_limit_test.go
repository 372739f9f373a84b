package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/password"
	"kabinet/store"
)

// hashCounter counts every hash and password check it is asked for. A check
// waits for gate, when one is set, so a test can hold the checks open until every
// other attempt has been answered: the widest overlap, without a sleep.
type hashCounter struct {
	*password.Hasher
	calls atomic.Int64
	gate  <-chan struct{}
}

func (h *hashCounter) Hash(ctx context.Context, pw string) (string, error) {
	h.calls.Add(1)
	return h.Hasher.Hash(ctx, pw)
}

func (h *hashCounter) Verify(ctx context.Context, pw, enc string) (bool, bool, error) {
	h.calls.Add(1)
	if h.gate != nil {
		select {
		case <-h.gate:
		case <-ctx.Done():
		case <-time.After(10 * time.Second): // a broken rule lets more checks in than the gate expects
		}
	}
	return h.Hasher.Verify(ctx, pw, enc)
}

func (h *hashCounter) VerifyDummy(ctx context.Context, pw string) error {
	h.calls.Add(1)
	return h.Hasher.VerifyDummy(ctx, pw)
}

// ACC-4, SEC-2: a client address past its limit of applications is refused before any
// password is hashed or checked, for access and for annulment alike.
func TestApplicationLimitBeforeHashing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		_, clock, _ := withAccount(t, url)
		ctx := context.Background()
		h := &hashCounter{Hasher: testHasher()}
		inst, err := store.Open(ctx, url, store.Options{Clock: clock, Hasher: h})
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Close()
		const addr = "198.51.100.200"
		for i := 0; i < store.ApplicationsPerHour; i++ {
			if err := inst.Limit(ctx, "apply:"+addr, store.ApplicationsPerHour, time.Hour); err != nil {
				t.Fatalf("event %d within the limit: %v", i+1, err)
			}
		}
		who := store.Actor{Name: "public", Address: addr}
		for _, n := range []store.NewApplication{
			{Kind: kabinet.KindAccess, INN: "11705198700772", Passport: "AN 4890152", Password: "Луна2019!", PasswordConfirm: "Луна2019!"},
			{Kind: kabinet.KindAnnulment, INN: "11705198700772", Passport: "AN 4890152", CurrentPassword: "Луна2018!"},
			{Kind: kabinet.KindAccess, INN: "01503201010123", Passport: "AN 4890152", Password: "Луна2019!", PasswordConfirm: "Луна2019!"},
		} {
			_, err := inst.CreateApplication(ctx, who, n)
			if kabinet.ErrorCode(err) != "rate_limited" || kabinet.ErrorKind(err) != kabinet.KindTooMany {
				t.Errorf("%s past the limit: %v, want rate_limited", n.Kind, err)
			}
		}
		if c := h.calls.Load(); c != 0 {
			t.Errorf("%d password hashes or checks for applications refused by the limit, want 0", c)
		}
		// Another address is not held back, and its application costs its hash.
		if _, err := inst.CreateApplication(ctx, store.Actor{Name: "public", Address: "198.51.100.201"}, store.NewApplication{Kind: kabinet.KindAccess,
			INN: "01503201010123", Passport: "AN 4890152", Password: "Луна2019!", PasswordConfirm: "Луна2019!"}); err != nil {
			t.Fatal(err)
		}
		if c := h.calls.Load(); c != 1 {
			t.Errorf("%d hashes for one application within the limit, want 1", c)
		}
	})
}

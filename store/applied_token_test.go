package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/ident"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// ACC-4, SEC-2: the page of the application just formed finds it by an opaque token of
// which the database keeps only the hash; another instance on the same database finds
// it too; only within its time; and once forgotten («Готово») nowhere.
func TestFormedTokenFindsTheApplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		loadRegistry(t, db, registryCSV)
		token, err := db.NewFormedToken()
		if err != nil {
			t.Fatal(err)
		}
		if len(token) < 22 { // 128 bits in base64url
			t.Fatalf("token %q is shorter than 128 bits", token)
		}
		if other, _ := db.NewFormedToken(); other == token {
			t.Fatal("two tokens alike")
		}
		a, err := db.CreateApplication(ctx, store.Actor{Name: "public", Address: "192.0.2.1"}, store.NewApplication{Kind: kabinet.KindAccess,
			INN: "11705198700772", Passport: "AN 4890152", Password: "Луна2019!", PasswordConfirm: "Луна2019!", FormedToken: token})
		if err != nil {
			t.Fatal(err)
		}
		// An application formed without a token (the API) has none to be found by.
		if _, err := db.CreateApplication(ctx, store.Actor{Name: "api", Address: "192.0.2.2"}, store.NewApplication{Kind: kabinet.KindAccess,
			INN: "01503201010123", Passport: "AN 4890152", Password: "Луна2019!", PasswordConfirm: "Луна2019!"}); err != nil {
			t.Fatal(err)
		}

		var stored sql.NullString
		if err := db.SQL().QueryRow("SELECT formed_token FROM applications WHERE code = $1", a.Code).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored.String != ident.TokenHash(token) || strings.Contains(stored.String, token) {
			t.Fatalf("stored %q, want only the token's SHA-256", stored.String)
		}
		var withToken int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM applications WHERE formed_token IS NOT NULL").Scan(&withToken); err != nil {
			t.Fatal(err)
		}
		if withToken != 1 {
			t.Fatalf("%d applications with a token, want only the one formed with it", withToken)
		}
		// Nothing in the audit log carries the token or its hash.
		var leaked int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE details LIKE $1 OR details LIKE $2",
			"%"+token+"%", "%"+ident.TokenHash(token)+"%").Scan(&leaked); err != nil {
			t.Fatal(err)
		}
		if leaked != 0 {
			t.Fatalf("%d audit entries carry the token", leaked)
		}

		since := clock.Now().Add(-30 * time.Minute)
		other, err := store.Open(ctx, url, store.Options{Clock: clock, Hasher: testHasher()})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		for name, inst := range map[string]*store.DB{"this instance": db, "another instance": other} {
			got, err := inst.FormedApplication(ctx, token, since)
			if err != nil || got.Code != a.Code || got.INN != a.INN || len(got.History) != 1 {
				t.Fatalf("%s: %+v, %v", name, got, err)
			}
		}
		forged, _ := db.NewFormedToken()
		for name, tok := range map[string]string{"unknown": forged, "empty": "", "the hash itself": ident.TokenHash(token),
			"the code": a.Code, "too long": token + strings.Repeat("x", 100)} {
			if _, err := db.FormedApplication(ctx, tok, since); kabinet.ErrorCode(err) != "application_not_found" {
				t.Errorf("%s token: %v, want application_not_found", name, err)
			}
		}
		if _, err := db.FormedApplication(ctx, token, a.FilledAt.Add(time.Millisecond)); kabinet.ErrorCode(err) != "application_not_found" {
			t.Errorf("formed before since: %v, want application_not_found", err)
		}
		if err := db.ForgetFormed(ctx, forged); err != nil {
			t.Fatal(err)
		}
		if _, err := other.FormedApplication(ctx, token, since); err != nil {
			t.Fatalf("forgetting another token forgot this one: %v", err)
		}
		if err := other.ForgetFormed(ctx, token); err != nil {
			t.Fatal(err)
		}
		for name, inst := range map[string]*store.DB{"this instance": db, "another instance": other} {
			if _, err := inst.FormedApplication(ctx, token, since); kabinet.ErrorCode(err) != "application_not_found" {
				t.Errorf("%s after ForgetFormed: %v, want application_not_found", name, err)
			}
		}
		if got, err := db.Application(ctx, a.Code); err != nil || got.Status != kabinet.StatusFormed {
			t.Fatalf("forgetting the token changed the application: %+v, %v", got, err)
		}
	})
}

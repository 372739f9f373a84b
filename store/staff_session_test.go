package store_test

import (
	"context"
	"reflect"
	"testing"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// A back-office request reads its session and its staff account in one statement
// (StaffSessionByToken); it must answer exactly as the two reads did.
func TestStaffSessionByToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newVATWorld(t, url)
		ctx := context.Background()
		res, err := w.db.SignInStaff(ctx, w.who, store.Credentials{Login: "naryn", Password: "Naryn!2026x"})
		if err != nil {
			t.Fatal(err)
		}
		s, st, err := w.db.StaffSessionByToken(ctx, res.Token)
		if err != nil {
			t.Fatal(err)
		}
		alone, err := w.db.StaffByID(ctx, s.SubjectID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Principal != "staff" || st.Login != "naryn" || st.OfficeCode != "038" || !st.Active || st.PasswordHash == "" ||
			!reflect.DeepEqual(st, alone) {
			t.Errorf("session %+v staff %+v, alone %+v", s, st, alone)
		}
		plain, err := w.db.SessionByToken(ctx, res.Token)
		if err != nil || !reflect.DeepEqual(plain, s) {
			t.Errorf("SessionByToken %+v %v, want %+v", plain, err, s)
		}
		// Another first character (the token's own one time in 64 when it was always "x").
		unknown := "x" + res.Token[1:]
		if unknown == res.Token {
			unknown = "y" + res.Token[1:]
		}
		for what, token := range map[string]string{"no token": "", "an unknown token": unknown,
			"a taxpayer's token": w.token(t, "01503201010123")} {
			if _, _, err := w.db.StaffSessionByToken(ctx, token); kabinet.ErrorCode(err) != "not_signed_in" {
				t.Errorf("%s: %v, want not_signed_in", what, err)
			}
		}
		if err := w.db.SetStaffActive(ctx, w.central, "naryn", false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.db.StaffSessionByToken(ctx, res.Token); kabinet.ErrorCode(err) != "not_signed_in" {
			t.Errorf("a disabled officer's session: %v, want not_signed_in (it ended)", err)
		}
	})
}

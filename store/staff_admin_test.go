package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// staffActor creates a staff account as the CLI does and returns it acting from an address.
func staffActor(t *testing.T, db *store.DB, n store.NewStaff) store.StaffActor {
	t.Helper()
	s, err := db.CreateStaff(context.Background(), store.System, n)
	if err != nil {
		t.Fatal(err)
	}
	return store.StaffActor{Staff: s, Address: "192.0.2.10"}
}

// lastAudit returns the newest audit entry of action on subject, failing if there is none.
func lastAudit(t *testing.T, db *store.DB, action, subject string) kabinet.AuditEvent {
	t.Helper()
	p, err := db.SearchAudit(context.Background(), store.AuditQuery{Action: action, Subject: subject, Limit: 1})
	if err != nil || len(p.Events) == 0 {
		t.Fatalf("SEC-1 no audit entry %s on %s (%v)", action, subject, err)
	}
	return p.Events[0]
}

// Issue 14, point 9 (SEC-1): a supervisor creates an officer (password policy, second
// factor required from the start), disables and enables them, and resets their second
// factor; an officer may do none of it; a supervisor cannot disable themselves; every
// act is audited in the supervisor's name.
func TestStaffAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		sup := staffActor(t, db, store.NewStaff{Login: "boss", Name: "Boss", Role: kabinet.RoleSupervisor, Password: "Boss!2026xy"})
		officer := staffActor(t, db, store.NewStaff{Login: "naryn", Name: "Осмонов", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Naryn!2026x"})

		newOfficer := store.NewStaff{Login: "Talas.1", Name: "Асанов Бакыт", Role: kabinet.RoleOfficer, OfficeCode: "041", Password: "Талас!2026x"}
		if _, err := db.AddStaff(ctx, officer, newOfficer); kabinet.ErrorCode(err) != "supervisor_only" {
			t.Fatalf("an officer creates staff: %v", err)
		}
		weak := newOfficer
		weak.Password = "talas"
		if _, err := db.AddStaff(ctx, sup, weak); kabinet.ErrorCode(err) != "weak_password" {
			t.Fatalf("PWD-1 a weak password: %v", err)
		}
		created, err := db.AddStaff(ctx, sup, newOfficer)
		if err != nil {
			t.Fatal(err)
		}
		if created.Login != "talas.1" || !created.TOTPRequired || !created.Active {
			t.Fatalf("created %+v", created)
		}
		if e := lastAudit(t, db, "staff.create", "staff:talas.1"); e.Actor != "staff:boss" || e.Address != "192.0.2.10" ||
			!strings.Contains(e.Details, `"totp_required":true`) || strings.Contains(e.Details, "Талас!2026x") {
			t.Errorf("SEC-1 staff.create entry %+v", e)
		}
		if _, err := db.AddStaff(ctx, sup, newOfficer); kabinet.ErrorCode(err) != "login_taken" {
			t.Errorf("the same login again: %v", err)
		}
		list, err := db.ListStaff(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var logins []string
		for _, m := range list {
			logins = append(logins, m.Login)
			if m.Login == "talas.1" && (m.TOTPEnrolled || !m.TOTPRequired || m.OfficeCode != "041" || m.Name != "Асанов Бакыт") {
				t.Errorf("listed %+v", m)
			}
		}
		if got := strings.Join(logins, " "); got != "boss naryn talas.1" {
			t.Errorf("list order %q, want supervisors first, then by office", got)
		}

		// The new officer signs in with the supervisor's initial password and enrols.
		who := store.Actor{Name: "public", Address: "192.0.2.20"}
		res, err := db.SignInStaff(ctx, who, store.Credentials{Login: "talas.1", Password: "Талас!2026x"})
		if err != nil {
			t.Fatal(err)
		}
		secret, _, _ := db.NewTOTPSecret("talas.1")
		code, _ := totp.GenerateCode(secret, clock.Now())
		if err := db.ConfirmTOTP(ctx, store.System, created.ID, secret, code); err != nil {
			t.Fatal(err)
		}

		// Disable: refused to an officer and for oneself; ends the sessions; no sign-in.
		if err := db.SetStaffActive(ctx, officer, "talas.1", false); kabinet.ErrorCode(err) != "supervisor_only" {
			t.Errorf("an officer disables: %v", err)
		}
		if err := db.SetStaffActive(ctx, sup, "BOSS", false); kabinet.ErrorCode(err) != "own_account" {
			t.Errorf("a supervisor disables themselves: %v", err)
		}
		if err := db.SetStaffActive(ctx, sup, "nobody", false); kabinet.ErrorCode(err) != "staff_not_found" {
			t.Errorf("an unknown login: %v", err)
		}
		if err := db.SetStaffActive(ctx, sup, "no\x00body", false); kabinet.ErrorCode(err) != "staff_not_found" {
			t.Errorf("SEC-3 a login with NUL: %v", err)
		}
		if err := db.SetStaffActive(ctx, sup, "talas.1", false); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionByToken(ctx, res.Token); err == nil {
			t.Errorf("SEC-4 the disabled officer's session lives on")
		}
		clock.Advance(30 * time.Second)
		code, _ = totp.GenerateCode(secret, clock.Now())
		if _, err := db.SignInStaff(ctx, who, store.Credentials{Login: "talas.1", Password: "Талас!2026x", OTP: code}); err == nil {
			t.Errorf("a disabled officer signs in")
		}
		lastAudit(t, db, "staff.disable", "staff:talas.1")
		if err := db.SetStaffActive(ctx, sup, "talas.1", true); err != nil {
			t.Fatal(err)
		}
		lastAudit(t, db, "staff.enable", "staff:talas.1")
		clock.Advance(30 * time.Second)
		code, _ = totp.GenerateCode(secret, clock.Now())
		res, err = db.SignInStaff(ctx, who, store.Credentials{Login: "talas.1", Password: "Талас!2026x", OTP: code})
		if err != nil {
			t.Fatalf("enabled again: %v", err)
		}

		// Reset the second factor: forgotten, required, sessions ended; the password
		// alone signs in again, to enrol.
		if err := db.ResetStaffTOTP(ctx, officer, "talas.1"); kabinet.ErrorCode(err) != "supervisor_only" {
			t.Errorf("an officer resets: %v", err)
		}
		if err := db.ResetStaffTOTP(ctx, sup, "boss"); kabinet.ErrorCode(err) != "own_account" {
			t.Errorf("a supervisor resets their own: %v", err)
		}
		if err := db.ResetStaffTOTP(ctx, sup, "talas.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionByToken(ctx, res.Token); err == nil {
			t.Errorf("SEC-4 the session lives on after the reset")
		}
		st, _ := db.StaffByLogin(ctx, "talas.1")
		if st.TOTPSecret != "" || !st.TOTPRequired {
			t.Errorf("after the reset: secret %q, required %v", st.TOTPSecret, st.TOTPRequired)
		}
		if e := lastAudit(t, db, "staff.totp_reset", "staff:talas.1"); e.Actor != "staff:boss" || !strings.Contains(e.Details, `"was_enrolled":true`) {
			t.Errorf("SEC-1 staff.totp_reset entry %+v", e)
		}
		if _, err := db.SignInStaff(ctx, who, store.Credentials{Login: "talas.1", Password: "Талас!2026x"}); err != nil {
			t.Errorf("the password alone after the reset (to enrol again): %v", err)
		}
		if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("SEC-1 chain: %v %v", err, rep.Breaks)
		}
	})
}

// Issue 14, point 9: a supervisor adds and renames offices, with the offices file's
// checks naming the field; an unchanged office writes nothing; the counts per office.
func TestSaveOffice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		loadRegistry(t, db, registryCSV)
		sup := staffActor(t, db, store.NewStaff{Login: "boss", Role: kabinet.RoleSupervisor, Password: "Boss!2026xy"})
		officer := staffActor(t, db, store.NewStaff{Login: "naryn", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Naryn!2026x"})

		o := kabinet.Office{Code: " 099 ", NameRU: "Новый р-н", NameKY: "Жаңы району"}
		if _, err := db.SaveOffice(ctx, officer, o); kabinet.ErrorCode(err) != "supervisor_only" {
			t.Errorf("an officer adds an office: %v", err)
		}
		for _, c := range []struct {
			o     kabinet.Office
			code  string
			field string
		}{
			{kabinet.Office{Code: "99", NameRU: "a", NameKY: "b"}, "invalid_office_code", "code"},
			{kabinet.Office{Code: "09a", NameRU: "a", NameKY: "b"}, "invalid_office_code", "code"},
			{kabinet.Office{Code: "099", NameRU: "  ", NameKY: "b"}, "office_name_required", "name_ru"},
			{kabinet.Office{Code: "099", NameRU: "a", NameKY: ""}, "office_name_required", "name_ky"},
			{kabinet.Office{Code: "099", NameRU: "a\x00", NameKY: "b"}, "invalid_text", "name_ru"},
			{kabinet.Office{Code: "099", NameRU: "a", NameKY: "\xff"}, "invalid_text", "name_ky"},
		} {
			_, err := db.SaveOffice(ctx, sup, c.o)
			e, _ := kabinet.AsError(err)
			if e == nil || e.Code != c.code || e.Details["field"] != c.field {
				t.Errorf("SEC-3 %+v: %v, want %s on %s", c.o, err, c.code, c.field)
			}
		}
		created, err := db.SaveOffice(ctx, sup, o)
		if err != nil || !created {
			t.Fatalf("add: %v %v", created, err)
		}
		if got, _ := db.Office(ctx, "099"); got.NameRU != "Новый р-н" || got.NameKY != "Жаңы району" {
			t.Errorf("added %+v", got)
		}
		lastAudit(t, db, "office.create", "office:099")
		o.NameRU = "Новый район"
		if created, err := db.SaveOffice(ctx, sup, o); err != nil || created {
			t.Fatalf("rename: %v %v", created, err)
		}
		if e := lastAudit(t, db, "office.rename", "office:099"); !strings.Contains(e.Details, `"was_ru":"Новый р-н"`) {
			t.Errorf("office.rename entry %s", e.Details)
		}
		before, _ := db.SearchAudit(ctx, store.AuditQuery{Subject: "office:099"})
		if _, err := db.SaveOffice(ctx, sup, o); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.SearchAudit(ctx, store.AuditQuery{Subject: "office:099"}); len(after.Events) != len(before.Events) {
			t.Errorf("an unchanged office was audited again")
		}

		counts, err := db.OfficeCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c := counts["038"]; c.Staff != 1 || c.Taxpayers != 3 {
			t.Errorf("038 counts %+v, want 1 staff and 3 taxpayers", c)
		}
		if c := counts["002"]; c.Staff != 0 || c.Taxpayers != 1 {
			t.Errorf("002 counts %+v", c)
		}

		// The offices file through the supervisor: ImportOffices' rules and audit entry.
		var bad []store.LineError
		rep, err := db.ImportOfficesAs(ctx, sup, strings.NewReader("code,name_ru,name_ky\n098,Ещё,Дагы\n1x,Плохой,Жаман\n"),
			func(e store.LineError) { bad = append(bad, e) })
		if err != nil || rep.Loaded != 1 || rep.Rejected != 1 || len(bad) != 1 || bad[0].Line != 3 {
			t.Errorf("offices file: %+v %v %v", rep, bad, err)
		}
		if e := lastAudit(t, db, "offices.import", ""); e.Actor != "staff:boss" {
			t.Errorf("offices.import by %s", e.Actor)
		}
		if _, err := db.ImportOfficesAs(ctx, officer, strings.NewReader("code,name_ru,name_ky\n"), func(store.LineError) {}); kabinet.ErrorCode(err) != "supervisor_only" {
			t.Errorf("an officer loads offices: %v", err)
		}
	})
}

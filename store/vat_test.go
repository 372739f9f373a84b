package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

const vatPassword = "Луна2018!"

// vatRegistry: a VAT payer (the legal entity), a VAT payer from tomorrow, and a subject
// that is not one. The optional columns follow the required ones.
const vatRegistry = `inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports
01503201010123,legal,ОсОО «Нарын Агро Өнүгүү»,Директор,Өмүрбеков Үсөн Каңкаевич,038,"г. Нарын",active,,2020-01-15,STI-091 STI-161
20107198200456,entrepreneur,Жумабеков Бакыт Асанович,,,038,"с. Ак-Кыя",active,,2019-03-01,STI-091
11705198700772,individual,Кашкариева Жазгул Бейшенбековна,,,038,"Нарын",active,,,STI-155
21503199100333,entrepreneur,Асанов Нурлан,,,038,"Нарын",active,,2026-11-23,
`

// vatWorld is a migrated database with the registry above, staff of two offices and a
// supervisor, and the subjects' cabinet sessions.
type vatWorld struct {
	db      *store.DB
	clock   *kabinet.ManualClock
	url     string
	naryn   store.StaffActor // officer of 038, the subjects' office
	bishkek store.StaffActor // officer of 002
	central store.StaffActor // supervisor
	who     store.Actor
}

func newVATWorld(t *testing.T, url string) *vatWorld {
	t.Helper()
	w := &vatWorld{url: url, who: store.Actor{Name: "public", Address: "192.0.2.9"}}
	w.db, w.clock = open(t, url)
	if _, bad := loadRegistry(t, w.db, vatRegistry); len(bad) > 0 {
		t.Fatalf("registry: %v", bad)
	}
	ctx := context.Background()
	staff := func(login string, role kabinet.Role, office string) store.StaffActor {
		s, err := w.db.CreateStaff(ctx, store.System, store.NewStaff{Login: login, Name: login, Role: role, OfficeCode: office, Password: "Naryn!2026x"})
		if err != nil {
			t.Fatal(err)
		}
		return store.StaffActor{Staff: s, Address: "10.0.0.1"}
	}
	w.naryn, w.bishkek, w.central = staff("naryn", kabinet.RoleOfficer, "038"), staff("bishkek", kabinet.RoleOfficer, "002"),
		staff("central", kabinet.RoleSupervisor, "")
	return w
}

// session gives the subject access through the store's own services and signs it in.
// Each subject forms its application from an address of its own (ApplicationsPerHour).
func (w *vatWorld) session(t *testing.T, innValue string) store.Session {
	t.Helper()
	s, err := w.db.SessionByToken(context.Background(), w.token(t, innValue))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// token is session's sign-in token.
func (w *vatWorld) token(t *testing.T, innValue string) string {
	t.Helper()
	ctx := context.Background()
	from := store.Actor{Name: "public", Address: "198.51.100." + innValue[9:]}
	app, err := w.db.CreateApplication(ctx, from, store.NewApplication{Kind: kabinet.KindAccess, INN: innValue,
		Passport: "AN 4890152", Password: vatPassword, PasswordConfirm: vatPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Receive(ctx, w.naryn, app.Code, true); err != nil {
		t.Fatal(err)
	}
	d, err := w.db.Decide(ctx, w.naryn, app.Code, store.DecisionInput{Outcome: kabinet.Granted})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.db.SignIn(ctx, from, store.Credentials{Login: d.Login, Password: vatPassword})
	if err != nil {
		t.Fatal(err)
	}
	return res.Token
}

func (w *vatWorld) apply(t *testing.T, s store.Session, quantity int) kabinet.VATApplication {
	t.Helper()
	a, err := w.db.ApplyVAT(context.Background(), w.who, s, vatPassword, quantity)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := kabinet.ErrorCode(err); err == nil || got != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func TestRegistryVATColumns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		ctx := context.Background()
		t.Run("VAT-1 FIL-8 the optional columns load", func(t *testing.T) {
			rep, bad := loadRegistry(t, db, vatRegistry)
			if rep.Loaded != 4 || len(bad) != 0 {
				t.Fatalf("%+v %v", rep, bad)
			}
			tp, err := db.Taxpayer(ctx, "01503201010123")
			if err != nil {
				t.Fatal(err)
			}
			if tp.VATRegisteredOn == nil || kabinet.DateOf(*tp.VATRegisteredOn).ISO() != "2020-01-15" ||
				!reflect.DeepEqual(tp.Reports, []string{"STI-091", "STI-161"}) {
				t.Errorf("VAT payer: %v %v", tp.VATRegisteredOn, tp.Reports)
			}
			tp, _ = db.Taxpayer(ctx, "11705198700772")
			if tp.VATRegisteredOn != nil || !reflect.DeepEqual(tp.Reports, []string{"STI-155"}) {
				t.Errorf("not a VAT payer: %v %v", tp.VATRegisteredOn, tp.Reports)
			}
		})
		t.Run("VAT-1 a file without them loads as before and keeps what a newer file loaded", func(t *testing.T) {
			rep, bad := loadRegistry(t, db, registryCSV)
			if rep.Loaded != 4 || len(bad) != 0 {
				t.Fatalf("%+v %v", rep, bad)
			}
			tp, _ := db.Taxpayer(ctx, "01503201010123")
			if tp.VATRegisteredOn == nil || !reflect.DeepEqual(tp.Reports, []string{"STI-091", "STI-161"}) || tp.Name != "ОсОО «Нарын Агро Өнүгүү»" {
				t.Errorf("after a file without the columns: %+v", tp)
			}
			tp, _ = db.Taxpayer(ctx, "12503199000111") // new in this file
			if tp.VATRegisteredOn != nil || tp.Reports != nil {
				t.Errorf("a new row without the columns: %+v", tp)
			}
		})
		t.Run("VAT-1 the header decides: one optional column alone", func(t *testing.T) {
			text := "reports,inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference\n" +
				"sti-107  STI-107,20107198200456,entrepreneur,Жумабеков Бакыт Асанович,,,038,с. Ак-Кыя,active,\n"
			if rep, bad := loadRegistry(t, db, text); rep.Loaded != 1 || len(bad) != 0 {
				t.Fatalf("%+v %v", rep, bad)
			}
			tp, _ := db.Taxpayer(ctx, "20107198200456")
			if !reflect.DeepEqual(tp.Reports, []string{"STI-107"}) || tp.VATRegisteredOn == nil || kabinet.DateOf(*tp.VATRegisteredOn).ISO() != "2019-03-01" {
				t.Errorf("%v %v", tp.Reports, tp.VATRegisteredOn)
			}
		})
		t.Run("VAT-1 a column present and empty clears it", func(t *testing.T) {
			text := "inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports\n" +
				"20107198200456,entrepreneur,Жумабеков Бакыт Асанович,,,038,с. Ак-Кыя,active,,,\n"
			if rep, bad := loadRegistry(t, db, text); rep.Loaded != 1 || len(bad) != 0 {
				t.Fatalf("%+v %v", rep, bad)
			}
			tp, _ := db.Taxpayer(ctx, "20107198200456")
			if tp.Reports != nil || tp.VATRegisteredOn != nil {
				t.Errorf("%v %v", tp.Reports, tp.VATRegisteredOn)
			}
		})
		t.Run("VAT-1 a bad date or code is a rejected line with its number and reason", func(t *testing.T) {
			text := "inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports\n" +
				"01503201010123,legal,ОсОО,Директор,Ы,038,Нарын,active,,2020-02-30,\n" +
				"20107198200456,entrepreneur,Ж,,,038,Нарын,active,,15.01.2020,\n" +
				"11705198700772,individual,К,,,038,Нарын,active,,,STI-91\n" +
				"21503199100333,entrepreneur,А,,,038,Нарын,active,,,STI-091 ФНО-1\n" +
				"12503199000111,individual,А,,,002,Бишкек,active,,2021-06-01,STI-091\n"
			rep, bad := loadRegistry(t, db, text)
			if rep.Loaded != 1 || len(bad) != 4 {
				t.Fatalf("%+v %v", rep, bad)
			}
			for i, want := range []struct {
				line   int
				reason string
			}{{2, "vat_registered_on"}, {3, "vat_registered_on"}, {4, `reports: "STI-91"`}, {5, `"ФНО-1"`}} {
				if bad[i].Line != want.line || !strings.Contains(bad[i].Reason, want.reason) {
					t.Errorf("bad line %d: %+v, want line %d with %q", i, bad[i], want.line, want.reason)
				}
			}
		})
		t.Run("VAT-1 JSON Lines with the same keys", func(t *testing.T) {
			text := `{"inn":"01503201010123","kind":"legal","name":"ОсОО","head_position":"Директор","head_name":"Ы","office_code":"038","address":"a","status":"active","vat_registered_on":"2024-07-01","reports":"STI-091"}
{"inn":"20107198200456","kind":"entrepreneur","name":"Ж","office_code":"038","address":"a","status":"active","vat_registered_on":"2024-13-01"}
{"inn":"11705198700772","kind":"individual","name":"К","office_code":"038","address":"a","status":"active","reports":"STI-091 X"}
{"inn":"11705198700772","kind":"individual","name":"К","office_code":"038","address":"a","status":"active","vat_registered_on":null}
`
			var bad []store.LineError
			rep, err := db.ImportRegistry(ctx, store.System, "t.jsonl", store.FormatJSONL, strings.NewReader(text),
				func(e store.LineError) { bad = append(bad, e) })
			if err != nil || rep.Loaded != 2 || len(bad) != 2 || bad[0].Line != 2 || bad[1].Line != 3 ||
				!strings.Contains(bad[0].Reason, "vat_registered_on") || !strings.Contains(bad[1].Reason, "reports") {
				t.Fatalf("%+v %v %v", rep, bad, err)
			}
			tp, _ := db.Taxpayer(ctx, "01503201010123")
			if tp.VATRegisteredOn == nil || kabinet.DateOf(*tp.VATRegisteredOn).ISO() != "2024-07-01" || !reflect.DeepEqual(tp.Reports, []string{"STI-091"}) {
				t.Errorf("%v %v", tp.VATRegisteredOn, tp.Reports)
			}
			// The line without "reports" kept the stored codes; its null date cleared none it had.
			tp, _ = db.Taxpayer(ctx, "11705198700772")
			if tp.VATRegisteredOn != nil || !reflect.DeepEqual(tp.Reports, []string{"STI-155"}) || tp.Name != "К" {
				t.Errorf("%+v", tp)
			}
		})
	})
}

func TestVATApplyAndDecide(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newVATWorld(t, url)
		ctx := context.Background()
		legal := w.session(t, "01503201010123")

		t.Run("VAT-1 only a VAT payer may apply", func(t *testing.T) {
			wantCode(t, "not a VAT payer", func() error {
				_, err := w.db.ApplyVAT(ctx, w.who, w.session(t, "11705198700772"), vatPassword, 10)
				return err
			}(), "not_vat_payer")
			wantCode(t, "a VAT payer only from tomorrow", func() error {
				_, err := w.db.ApplyVAT(ctx, w.who, w.session(t, "21503199100333"), vatPassword, 10)
				return err
			}(), "not_vat_payer")
		})
		t.Run("VAT-2 the quantity is 1 … the policy maximum", func(t *testing.T) {
			for _, q := range []int{0, -1, 10_001} {
				_, err := w.db.ApplyVAT(ctx, w.who, legal, vatPassword, q)
				wantCode(t, fmt.Sprint("quantity ", q), err, "invalid_quantity")
			}
		})
		t.Run("VAT-2 PWD-3 a wrong password is refused and counted", func(t *testing.T) {
			_, err := w.db.ApplyVAT(ctx, w.who, legal, "Wrong!pass1", 10)
			wantCode(t, "wrong password", err, "invalid_credentials")
			// Two more in a row lock the account, as at sign-in.
			w.db.ApplyVAT(ctx, w.who, legal, "Wrong!pass2", 10)
			_, err = w.db.ApplyVAT(ctx, w.who, legal, "Wrong!pass3", 10)
			wantCode(t, "third wrong password", err, "account_locked")
			_, err = w.db.ApplyVAT(ctx, w.who, legal, vatPassword, 10)
			wantCode(t, "the right password while locked", err, "account_locked")
			w.clock.Advance(21 * time.Minute)
		})

		var app kabinet.VATApplication
		t.Run("VAT-2 the application, its code and its deadline", func(t *testing.T) {
			submitted := w.clock.Now()
			app = w.apply(t, legal, 100)
			if len(app.Code) != 12 || app.Status != kabinet.VATApplicationOpen || app.Quantity != 100 || app.OfficeCode != "038" ||
				!app.DueAt.Equal(kabinet.VATDecisionDue(submitted, kabinet.DefaultPolicy())) {
				t.Errorf("%+v", app)
			}
			list, err := w.db.VATApplications(ctx, "01503201010123")
			if err != nil || len(list) != 1 || list[0].Code != app.Code || list[0].Status != kabinet.VATApplicationOpen {
				t.Errorf("cabinet: %+v %v", list, err)
			}
		})
		t.Run("VAT details at most one open application (409 application_open)", func(t *testing.T) {
			_, err := w.db.ApplyVAT(ctx, w.who, legal, vatPassword, 5)
			wantCode(t, "second open application", err, "application_open")
			if e, ok := kabinet.AsError(err); !ok || e.Details["code"] != app.Code {
				t.Errorf("the open application's code: %v", err)
			}
		})
		t.Run("VAT-2 the board of the subject's office, with the deadline flags", func(t *testing.T) {
			for _, s := range []kabinet.Staff{w.naryn.Staff, w.central.Staff} {
				items, err := w.db.OfficeVATApplications(ctx, s)
				if err != nil || len(items) != 1 || items[0].Code != app.Code || items[0].Overdue || items[0].DueToday {
					t.Errorf("%s: %+v %v", s.Login, items, err)
				}
			}
			if items, _ := w.db.OfficeVATApplications(ctx, w.bishkek.Staff); len(items) != 0 {
				t.Errorf("another office's board: %+v", items)
			}
		})
		t.Run("ACC-10 another office: 403 wrong_office, audited", func(t *testing.T) {
			_, err := w.db.OfficeVATApplication(ctx, w.bishkek, app.Code)
			wantCode(t, "view", err, "wrong_office")
			_, err = w.db.DecideVAT(ctx, w.bishkek, app.Code, true, "", "")
			wantCode(t, "decide", err, "wrong_office")
			if kabinet.ErrorKind(err) != kabinet.KindForbidden {
				t.Errorf("kind %v", kabinet.ErrorKind(err))
			}
			evs, _ := w.db.ListAudit(ctx, store.AuditFilter{Actor: "staff:bishkek"})
			actions := map[string]bool{}
			for _, ev := range evs {
				actions[ev.Action] = true
			}
			if !actions["vat.view.refused"] || !actions["vat.decide.refused"] {
				t.Errorf("audit: %v", actions)
			}
			got, err := w.db.OfficeVATApplication(ctx, w.naryn, strings.ToLower(app.Code))
			if err != nil || got.Status != kabinet.VATApplicationOpen {
				t.Errorf("own office: %+v %v", got, err)
			}
		})
		t.Run("VAT-3 a refusal on another ground states it", func(t *testing.T) {
			_, err := w.db.DecideVAT(ctx, w.naryn, app.Code, false, kabinet.VATGroundOther, " ")
			wantCode(t, "other without text", err, "ground_text_required")
			_, err = w.db.DecideVAT(ctx, w.naryn, app.Code, false, "no_registration", "")
			wantCode(t, "a ground off the list", err, "invalid_ground")
		})
		var d kabinet.VATDecision
		t.Run("VAT-3 VAT-4 assignment: numbered, ranges from AA 0000001, notified", func(t *testing.T) {
			var err error
			d, err = w.db.DecideVAT(ctx, w.naryn, app.Code, true, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if d.Outcome != kabinet.Assigned || !reflect.DeepEqual(d.Ranges, []kabinet.VATRange{{Series: "AA", From: 1, To: 100}}) ||
				!strings.HasPrefix(d.Number, "038-2026-") || len(d.VerificationCode) == 0 || !d.OnTime || d.Officer != "naryn" {
				t.Errorf("%+v", d)
			}
			list, _ := w.db.VATApplications(ctx, "01503201010123")
			if len(list) != 1 || list[0].Status != kabinet.VATApplicationAssigned || list[0].Decision == nil ||
				list[0].Decision.Number != d.Number || len(list[0].Ranges) != 1 || list[0].Ranges[0].AnnulledFrom != 0 {
				t.Errorf("cabinet after the decision: %+v", list)
			}
			acct, _ := w.db.AccountByINN(ctx, "01503201010123")
			home, err := w.db.Cabinet(ctx, acct)
			if err != nil || len(home.Notifications) == 0 || home.Notifications[0].Kind != "vat_decision" || home.Notifications[0].Params["number"] != d.Number {
				t.Errorf("notification: %+v %v", home.Notifications, err)
			}
			if items, _ := w.db.OfficeVATApplications(ctx, w.naryn.Staff); len(items) != 0 {
				t.Errorf("a decided application stays on the board: %+v", items)
			}
			_, err = w.db.DecideVAT(ctx, w.naryn, app.Code, true, "", "")
			wantCode(t, "decided twice", err, "already_decided")
		})
		t.Run("ACC-8 VAT details the decision is verified like an access decision", func(t *testing.T) {
			v, err := w.db.VerifyVATDecision(ctx, d.Number, strings.ToLower(d.VerificationCode))
			if err != nil || v.Number != d.Number || !reflect.DeepEqual(v.Ranges, d.Ranges) || v.ApplicationCode != app.Code {
				t.Errorf("%+v %v", v, err)
			}
			wrong := "0000000000"[:len(d.VerificationCode)]
			_, err = w.db.VerifyVATDecision(ctx, d.Number, wrong)
			wantCode(t, "wrong code", err, "decision_not_found")
			_, err = w.db.VerifyVATDecision(ctx, "038-2026-999999", d.VerificationCode)
			wantCode(t, "unknown number", err, "decision_not_found")
			// One numbering for every decision, but a VAT paper never passes as an access
			// decision: the access look-up and verification do not find it.
			_, err = w.db.Decision(ctx, d.Number)
			wantCode(t, "a VAT decision as an access decision", err, "decision_not_found")
			_, err = w.db.VerifyDecision(ctx, d.Number, d.VerificationCode)
			wantCode(t, "a VAT decision verified as an access decision", err, "decision_not_found")
		})
		t.Run("VAT-3 the fraud mark bars assignment (409 fraud_evidence); refusal on it", func(t *testing.T) {
			ent := w.session(t, "20107198200456")
			a := w.apply(t, ent, 10)
			// The registry is refreshed with the fraud mark after the application.
			fraud := strings.Replace(vatRegistry, ",active,,2019-03-01,", ",active,Акт № 12-04/118,2019-03-01,", 1)
			loadRegistry(t, w.db, fraud)
			_, err := w.db.DecideVAT(ctx, w.naryn, a.Code, true, "", "")
			wantCode(t, "assign", err, "fraud_evidence")
			if kabinet.ErrorKind(err) != kabinet.KindConflict {
				t.Errorf("kind %v", kabinet.ErrorKind(err))
			}
			if next, _ := w.db.VATSequence(ctx); next != 100 {
				t.Errorf("a barred assignment moved the sequence to %d", next)
			}
			rd, err := w.db.DecideVAT(ctx, w.naryn, a.Code, false, kabinet.VATGroundFraud, "")
			if err != nil || rd.Outcome != kabinet.Refused || rd.Ground != kabinet.VATGroundFraud || len(rd.Ranges) != 0 {
				t.Fatalf("%+v %v", rd, err)
			}
			list, _ := w.db.VATApplications(ctx, "20107198200456")
			if len(list) != 1 || list[0].Status != kabinet.VATApplicationRefused || list[0].Decision.Ground != kabinet.VATGroundFraud {
				t.Errorf("%+v", list)
			}
			// Refused, the subject may apply again.
			b := w.apply(t, ent, 1)
			rd, err = w.db.DecideVAT(ctx, w.central, b.Code, false, kabinet.VATGroundOther, "сведения не подтверждены")
			if err != nil || rd.Text != "сведения не подтверждены" || rd.Officer != "central" {
				t.Errorf("a supervisor refuses on another ground: %+v %v", rd, err)
			}
			if v, err := w.db.VATDecision(ctx, rd.Number); err != nil || v.Text != rd.Text || v.Ground != kabinet.VATGroundOther {
				t.Errorf("stored: %+v %v", v, err)
			}
		})
		t.Run("VAT-2 ANN-2 due today, then overdue", func(t *testing.T) {
			a := w.apply(t, legal, 3)
			w.clock.Set(a.DueAt.Add(-time.Hour))
			items, _ := w.db.OfficeVATApplications(ctx, w.naryn.Staff)
			if len(items) != 1 || !items[0].DueToday || items[0].Overdue || items[0].SecondsLeft != 3600 {
				t.Errorf("due today: %+v", items)
			}
			w.clock.Set(a.DueAt.Add(time.Second))
			items, _ = w.db.OfficeVATApplications(ctx, w.naryn.Staff)
			if len(items) != 1 || items[0].DueToday || !items[0].Overdue {
				t.Errorf("overdue: %+v", items)
			}
			d, err := w.db.DecideVAT(ctx, w.naryn, a.Code, true, "", "")
			if err != nil || d.OnTime || !reflect.DeepEqual(d.Ranges, []kabinet.VATRange{{Series: "AA", From: 101, To: 103}}) {
				t.Errorf("a late assignment: %+v %v", d, err)
			}
		})
	})
}

// VAT details: submissions at once, on two instances, leave one open application.
// Three at once, not more: each confirms with the password, and PWD-3 counts every
// check in flight as a failure until it is checked, so a fourth concurrent check of
// one account meets the lock by design (signin_lock.go), right password or not.
func TestVATOneOpenApplicationConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newVATWorld(t, url)
		s := w.session(t, "01503201010123")
		other, err := store.Open(context.Background(), url, store.Options{Clock: w.clock, Hasher: testHasher()})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := w.db
				if i%2 == 1 {
					db = other
				}
				_, errs[i] = db.ApplyVAT(context.Background(), w.who, s, vatPassword, 10)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch kabinet.ErrorCode(err) {
			case "application_open":
			case "internal":
				if err == nil {
					ok++
					continue
				}
				t.Error(err)
			default:
				t.Error(err)
			}
		}
		list, _ := w.db.VATApplications(context.Background(), "01503201010123")
		if ok != 1 || len(list) != 1 {
			t.Errorf("%d accepted, %d stored: %v", ok, len(list), errs)
		}
	})
}

// VAT-4: concurrent assignments on two instances take disjoint, contiguous runs of the
// national sequence, each its full quantity; the one that crosses a series' end is
// split in two ranges in consecutive series.
func TestVATConcurrentAssignments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newVATWorld(t, url)
		ctx := context.Background()
		const n = 100
		// 100 VAT payers of office 038: entrepreneurs born 01.01.1980, serials 00001…
		var csv strings.Builder
		csv.WriteString("inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports\n")
		inns := make([]string, n)
		for i := range inns {
			inns[i] = fmt.Sprintf("201011980%05d", i+1)
			fmt.Fprintf(&csv, "%s,entrepreneur,Плательщик %d,,,038,Нарын,active,,2021-01-01,\n", inns[i], i+1)
		}
		if rep, bad := loadRegistry(t, w.db, csv.String()); rep.Loaded != n || len(bad) > 0 {
			t.Fatalf("%+v %v", rep, bad)
		}
		apps := make([]kabinet.VATApplication, n)
		total := 0
		for i, innValue := range inns {
			// Multiples of 10 against 5,005 left in AA: no assignment ends exactly at the
			// series' end, so exactly one crosses it.
			apps[i] = w.apply(t, w.session(t, innValue), 10*(1+i%20))
			total += apps[i].Quantity
		}
		start := int64(kabinet.VATNumbersPerSeries - 5005)
		if err := w.db.SetVATSequenceForTest(ctx, start); err != nil {
			t.Fatal(err)
		}
		other, err := store.Open(ctx, url, store.Options{Clock: w.clock, Hasher: testHasher()})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()

		decisions := make([]kabinet.VATDecision, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range apps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := w.db
				if i%2 == 1 {
					db = other
				}
				decisions[i], errs[i] = db.DecideVAT(ctx, w.naryn, apps[i].Code, true, "", "")
			}()
		}
		wg.Wait()
		type run struct {
			from, to int64 // positions, both included
			app      int
		}
		var runs []run
		split := 0
		numbers := map[string]bool{}
		for i, d := range decisions {
			if errs[i] != nil {
				t.Fatalf("assignment %d: %v", i, errs[i])
			}
			got := 0
			for _, r := range d.Ranges {
				got += r.Quantity()
				si, _ := kabinet.ParseVATSeries(r.Series)
				runs = append(runs, run{kabinet.VATPosition(si, r.From), kabinet.VATPosition(si, r.To), i})
			}
			if got != apps[i].Quantity {
				t.Errorf("VAT-4 the full quantity: assignment %d got %d of %d", i, got, apps[i].Quantity)
			}
			if numbers[d.Number] {
				t.Errorf("decision number %s twice", d.Number)
			}
			numbers[d.Number] = true
			if len(d.Ranges) == 2 {
				split++
				if d.Ranges[0].Series != "AA" || d.Ranges[0].To != 9_999_999 || d.Ranges[1].Series != "AB" || d.Ranges[1].From != 1 {
					t.Errorf("VAT-4 the split: %v", d.Ranges)
				}
			} else if len(d.Ranges) != 1 {
				t.Errorf("assignment %d has %d ranges", i, len(d.Ranges))
			}
		}
		if split != 1 {
			t.Errorf("VAT-4 %d assignments crossed the series' end, want exactly 1", split)
		}
		sort.Slice(runs, func(i, j int) bool { return runs[i].from < runs[j].from })
		at := start
		for _, r := range runs {
			if r.from != at {
				t.Fatalf("VAT-4 a gap or an overlap at position %d: the next range starts at %d", at, r.from)
			}
			at = r.to + 1
		}
		if at != start+int64(total) {
			t.Errorf("VAT-4 the ranges end at %d, want %d", at, start+int64(total))
		}
		if next, _ := other.VATSequence(ctx); next != start+int64(total) {
			t.Errorf("the sequence is at %d, want %d", next, start+int64(total))
		}
		// The database agrees: each assignment's first number answers for its ИНН only.
		for i, d := range decisions[:5] {
			r := d.Ranges[0]
			if st, err := w.db.CheckVATNumber(ctx, r.Series, r.From, inns[i]); err != nil || st != kabinet.VATAssigned {
				t.Errorf("VAT-6 %s %d for its ИНН: %v %v", r.Series, r.From, st, err)
			}
			if st, _ := w.db.CheckVATNumber(ctx, r.Series, r.From, inns[(i+1)%n]); st != kabinet.VATNotAssigned {
				t.Errorf("VAT-6 for another ИНН: %v", st)
			}
		}
	})
}

func TestVATExhaustion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newVATWorld(t, url)
		ctx := context.Background()
		s := w.session(t, "01503201010123")
		if err := w.db.SetVATSequenceForTest(ctx, kabinet.VATCapacity-5); err != nil {
			t.Fatal(err)
		}
		a := w.apply(t, s, 10)
		_, err := w.db.DecideVAT(ctx, w.naryn, a.Code, true, "", "")
		wantCode(t, "VAT-4 ten numbers with five left after ZZ", err, "series_exhausted")
		if kabinet.ErrorKind(err) != kabinet.KindConflict {
			t.Errorf("kind %v", kabinet.ErrorKind(err))
		}
		if next, _ := w.db.VATSequence(ctx); next != kabinet.VATCapacity-5 {
			t.Errorf("a refused allocation moved the sequence to %d", next)
		}
		if list, _ := w.db.VATApplications(ctx, "01503201010123"); len(list) != 1 || list[0].Status != kabinet.VATApplicationOpen {
			t.Errorf("the application stays open: %+v", list)
		}
		if _, err := w.db.DecideVAT(ctx, w.naryn, a.Code, false, kabinet.VATGroundOther, "номера исчерпаны"); err != nil {
			t.Fatal(err)
		}
		b := w.apply(t, s, 5)
		d, err := w.db.DecideVAT(ctx, w.naryn, b.Code, true, "", "")
		if err != nil || !reflect.DeepEqual(d.Ranges, []kabinet.VATRange{{Series: "ZZ", From: 9_999_995, To: 9_999_999}}) {
			t.Fatalf("VAT-4 the last five numbers of ZZ: %+v %v", d, err)
		}
		c := w.apply(t, s, 1)
		_, err = w.db.DecideVAT(ctx, w.naryn, c.Code, true, "", "")
		wantCode(t, "VAT-4 after ZZ 9999999", err, "series_exhausted")
	})
}

func TestVATUnusedAndCheck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newVATWorld(t, url)
		ctx := context.Background()
		const legalINN, entINN = "01503201010123", "20107198200456"
		legal := w.session(t, legalINN)
		d, err := w.db.DecideVAT(ctx, w.naryn, w.apply(t, legal, 100).Code, true, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d.Ranges, []kabinet.VATRange{{Series: "AA", From: 1, To: 100}}) {
			t.Fatalf("%v", d.Ranges)
		}
		check := func(series string, number int, innValue string) kabinet.VATNumberState {
			t.Helper()
			st, err := w.db.CheckVATNumber(ctx, series, number, innValue)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		t.Run("VAT-6 assigned to that ИНН; another ИНН or another number: not_assigned", func(t *testing.T) {
			for _, c := range []struct {
				series string
				number int
				inn    string
				want   kabinet.VATNumberState
			}{
				{"AA", 1, legalINN, kabinet.VATAssigned},
				{"aa", 100, legalINN, kabinet.VATAssigned},
				{"AA", 50, entINN, kabinet.VATNotAssigned},
				{"AA", 101, legalINN, kabinet.VATNotAssigned},
				{"AB", 1, legalINN, kabinet.VATNotAssigned},
			} {
				if got := check(c.series, c.number, c.inn); got != c.want {
					t.Errorf("%s %d %s: %s, want %s", c.series, c.number, c.inn, got, c.want)
				}
			}
			_, err := w.db.CheckVATNumber(ctx, "A1", 1, legalINN)
			wantCode(t, "series", err, "invalid_series")
			_, err = w.db.CheckVATNumber(ctx, "AA", 10_000_000, legalINN)
			wantCode(t, "number", err, "invalid_number")
			_, err = w.db.CheckVATNumber(ctx, "AA", 1, "123")
			wantCode(t, "ИНН", err, "invalid_inn")
		})
		t.Run("VAT-5 the unused tail is annulled for good", func(t *testing.T) {
			err := w.db.ReportUnusedVAT(ctx, w.who, legal, "Wrong!pass1", "AA", 60, 100)
			wantCode(t, "wrong password", err, "invalid_credentials")
			wantCode(t, "not to the range's end", w.db.ReportUnusedVAT(ctx, w.who, legal, vatPassword, "AA", 60, 99), "invalid_tail")
			wantCode(t, "not this subject's range", w.db.ReportUnusedVAT(ctx, w.who, legal, vatPassword, "AB", 1, 100), "range_not_found")
			if err := w.db.ReportUnusedVAT(ctx, w.who, legal, vatPassword, "aa", 60, 100); err != nil {
				t.Fatal(err)
			}
			wantCode(t, "again", w.db.ReportUnusedVAT(ctx, w.who, legal, vatPassword, "AA", 70, 100), "already_annulled")
			if check("AA", 59, legalINN) != kabinet.VATAssigned || check("AA", 60, legalINN) != kabinet.VATAnnulled ||
				check("AA", 100, legalINN) != kabinet.VATAnnulled || check("AA", 60, entINN) != kabinet.VATNotAssigned {
				t.Error("VAT-6 after the notice")
			}
			// A later notice may annul more of the same range.
			if err := w.db.ReportUnusedVAT(ctx, w.who, legal, vatPassword, "AA", 55, 100); err != nil {
				t.Fatal(err)
			}
			list, _ := w.db.VATApplications(ctx, legalINN)
			if len(list) != 1 || len(list[0].Ranges) != 1 || list[0].Ranges[0].AnnulledFrom != 55 {
				t.Errorf("the cabinet shows the annulled part: %+v", list)
			}
			evs, _ := w.db.ListAudit(ctx, store.AuditFilter{Subject: legalINN})
			n := 0
			for _, ev := range evs {
				if ev.Action == "vat.unused" {
					n++
				}
			}
			if n != 2 {
				t.Errorf("%d vat.unused audit entries, want 2", n)
			}
		})
		t.Run("VAT-5 VAT-4 annulled numbers are never handed out again", func(t *testing.T) {
			ent := w.session(t, entINN)
			d, err := w.db.DecideVAT(ctx, w.naryn, w.apply(t, ent, 10).Code, true, "", "")
			if err != nil || !reflect.DeepEqual(d.Ranges, []kabinet.VATRange{{Series: "AA", From: 101, To: 110}}) {
				t.Fatalf("%+v %v", d, err)
			}
			if check("AA", 60, entINN) != kabinet.VATNotAssigned || check("AA", 60, legalINN) != kabinet.VATAnnulled {
				t.Error("an annulled number changed hands")
			}
		})
	})
}

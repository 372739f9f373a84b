package web_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
	"kabinet/web"
)

// grantAccess runs an access application through to a grant and returns the login.
func grantAccess(t *testing.T, subject, officer *client, inn, pw string) string {
	t.Helper()
	code := apply(t, subject, inn, pw)
	officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}, 200, "")
	d := officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}, 201, "").json(t)
	return d["login"].(string)
}

func TestAnnulmentByApplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		officer, subject, login := granted(t, e)

		// The subject is signed in on instance B as well.
		onB := e.second(t, url).signedIn(t, login, "Луна2018!")
		onB.expect(t, "GET", "/api/v1/me", nil, 200, "")

		var code string
		t.Run("ANN-1 formed on the public page with ИНН, 106 and the current password", func(t *testing.T) {
			body := func(pw string) map[string]string {
				return map[string]string{"kind": "annulment", "inn": guideINN, "passport": "AN 4890152", "current_password": pw}
			}
			subject.expect(t, "POST", "/api/v1/applications", body("Неверный1!"), 401, "invalid_credentials")
			noAccount := map[string]string{"kind": "annulment", "inn": "01503201010123", "passport": "AN 4890152", "current_password": "Луна2018!"}
			subject.expect(t, "POST", "/api/v1/applications", noAccount, 401, "invalid_credentials") // no hint to an outsider
			a := subject.expect(t, "POST", "/api/v1/applications", body("Луна2018!"), 201, "").json(t)
			code = a["code"].(string)
			if a["kind"] != "annulment" || a["status"] != "formed" {
				t.Errorf("%v", a)
			}
			pdf := subject.do(t, "POST", "/api/v1/applications/form.pdf", map[string]string{"code": code, "inn": guideINN})
			if pdf.status != 200 {
				t.Errorf("printable annulment: %d", pdf.status)
			}
		})
		t.Run("ANN-2 two calendar days from receipt on the board", func(t *testing.T) {
			// Received on Monday 23.11.2026 at 09:00 Bishkek: due by the end of Wednesday 25.11.
			r := officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}, 200, "").json(t)
			due, _ := time.Parse(time.RFC3339, r["due_at"].(string))
			if got := due.In(kabinet.Bishkek).Format("02.01.2006 15:04:05"); got != "25.11.2026 23:59:59" {
				t.Errorf("due %s", got)
			}
			board := func() map[string]any {
				b := officer.expect(t, "GET", "/api/v1/office/board", nil, 200, "").json(t)
				return b["annulments"].([]any)[0].(map[string]any)
			}
			if it := board(); it["due_today"] != false || it["overdue"] != false {
				t.Errorf("Monday: %v", it)
			}
			e.clock.Advance(2 * 24 * time.Hour) // Wednesday 09:00
			officer.staffLogin(t, "naryn", "Naryn!2026x")
			if it := board(); it["due_today"] != true || it["overdue"] != false {
				t.Errorf("Wednesday: %v", it)
			}
			e.clock.Advance(15 * time.Hour) // Thursday 00:00
			officer.staffLogin(t, "naryn", "Naryn!2026x")
			if it := board(); it["overdue"] != true {
				t.Errorf("Thursday: %v", it)
			}
		})
		t.Run("ANN-4 entered: the login cannot sign in, sessions end on every instance", func(t *testing.T) {
			onB.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 200, "")
			onB.expect(t, "GET", "/api/v1/me", nil, 200, "")
			d := officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}, 201, "").json(t)
			if d["on_time"] != false || d["login"] != login {
				t.Errorf("late annulment: %v", d)
			}
			onB.expect(t, "GET", "/api/v1/me", nil, 401, "not_signed_in")
			subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 403, "account_annulled")
			// An outsider with a wrong password learns nothing about the annulment.
			subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Чужой2018!"}, 401, "invalid_credentials")
		})
		t.Run("ANN-4 RST-1 a new access application reactivates the same login", func(t *testing.T) {
			again := grantAccess(t, subject, officer, guideINN, "Солнце2026!")
			if again != login {
				t.Errorf("login %s became %s", login, again)
			}
			subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Солнце2026!"}, 200, "")
		})
		t.Run("ANN-1 from inside the cabinet", func(t *testing.T) {
			a := subject.expect(t, "POST", "/api/v1/me/annulment", map[string]string{"passport": "AN4890152"}, 201, "").json(t)
			if a["kind"] != "annulment" {
				t.Errorf("%v", a)
			}
		})
	})
}

func TestAnnulmentOnFraud(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		officer, subject, login := granted(t, e)
		other := e.client()
		other.staffLogin(t, "oktyabr", "Oktyabr!2026")
		onB := e.second(t, url).signedIn(t, login, "Луна2018!")
		pending := apply(t, subject, guideINN, "Новый2026!") // a restoration waiting at the office

		t.Run("ACC-10 ANN-3 only the subject's office or a supervisor", func(t *testing.T) {
			other.expect(t, "POST", "/api/v1/office/accounts/"+login+"/annul", map[string]string{"ground": "fraud_evidence", "reference": "Акт № 1"}, 403, "wrong_office")
			officer.expect(t, "POST", "/api/v1/office/accounts/"+login+"/annul", map[string]string{"ground": "subject_request", "reference": "x"}, 422, "invalid_ground")
			officer.expect(t, "POST", "/api/v1/office/accounts/"+login+"/annul", map[string]string{"ground": "fraud_evidence", "reference": "  "}, 422, "reference_required")
			officer.expect(t, "POST", "/api/v1/office/accounts/np00000000/annul", map[string]string{"ground": "fraud_evidence", "reference": "Акт № 1"}, 404, "account_not_found")
		})
		t.Run("ANN-3 ANN-4 annulled at once; sessions end on another instance within one request", func(t *testing.T) {
			d := officer.expect(t, "POST", "/api/v1/office/accounts/"+login+"/annul", map[string]string{"ground": "fraud_evidence", "reference": "Акт документальной проверки № 12-04/118"}, 200, "").json(t)
			if d["number"] == nil || d["sessions_ended"] != true {
				t.Fatalf("%v", d)
			}
			onB.expect(t, "GET", "/api/v1/me", nil, 401, "not_signed_in")
			subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 403, "account_annulled")
			pdf := officer.do(t, "GET", "/api/v1/office/decisions/"+d["number"].(string)+"/pdf", nil)
			if pdf.status != 200 {
				t.Errorf("annulment decision PDF: %d", pdf.status)
			}
			officer.expect(t, "POST", "/api/v1/office/accounts/"+login+"/annul", map[string]string{"ground": "fraud_evidence", "reference": "again"}, 409, "already_annulled")
		})
		t.Run("ANN-3 pending applications refused on the fraud ground", func(t *testing.T) {
			st := subject.expect(t, "POST", "/api/v1/applications/status", map[string]string{"code": pending, "inn": guideINN}, 200, "").json(t)
			if st["status"] != "refused" || st["decision_number"] == nil {
				t.Errorf("pending application: %v", st)
			}
		})
		t.Run("ANN-3 ACC-6 the fraud mark bars a new grant", func(t *testing.T) {
			code := apply(t, subject, guideINN, "Новый2027!")
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}, 200, "")
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}, 409, "fraud_evidence")
		})
		t.Run("SEC-1 audited", func(t *testing.T) {
			evs, _ := e.db.ListAudit(context.Background(), store.AuditFilter{Subject: guideINN, Limit: 200})
			found := false
			for _, ev := range evs {
				if ev.Action == "account.annul" && ev.Actor == "staff:naryn" && strings.Contains(ev.Details, "12-04/118") {
					found = true
				}
			}
			if !found {
				t.Error("annulment not in the audit log")
			}
		})
	})
}

// ACC-9 ANN-2: the deadlines are exported as Prometheus metrics on the ops handler.
func TestDeadlineMetrics(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	officer := e.client()
	officer.staffLogin(t, "naryn", "Naryn!2026x")
	subject := e.client()
	code := apply(t, subject, guideINN, "Луна2018!")
	officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}, 200, "")
	e.clock.Advance(25 * time.Minute)
	h := web.New(web.Config{}, web.Deps{DB: e.db, Clock: e.clock})
	srv := httptest.NewServer(h.OpsHandler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"kabinet_access_applications_overdue 1", "kabinet_access_applications_open 1", "kabinet_annulments_due_today 0"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

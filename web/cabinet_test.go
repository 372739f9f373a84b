package web_test

import (
	"strings"
	"testing"

	"kabinet/internal/dbtest"
)

// CAB-1 ANN-1: the cabinet offers the annulment form once, whichever of its lists are
// empty. (The form was repeated inside each empty list's "none" text: four forms, with
// the same ids, on a cabinet with no notifications, sign-ins or applications to show.)
func TestPagesCabinetEmptyLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		subject, _, d := grantedOnPages(t, e)
		subject.post(t, "/login", "login", d.Login, "password", pagePassword).expect(t, 303, "/cabinet")
		// An account whose notifications were pruned (or that predates them).
		if _, err := e.db.SQL().Exec("DELETE FROM notifications"); err != nil {
			t.Fatal(err)
		}
		p := subject.get(t, "/cabinet").expect(t, 200, "")
		p.has(t, pageName, "Нет записей.")
		if n := strings.Count(p.body, `action="/cabinet/annul`); n != 1 {
			t.Errorf("ANN-1 the cabinet shows %d annulment forms, want 1", n)
		}
		p = subject.post(t, "/cabinet/annul", "passport", "AN 48").expect(t, 422, "")
		if n := strings.Count(p.body, `id="passport-error"`); n != 1 {
			t.Errorf("SEC-3 the passport error is shown %d times, want 1", n)
		}
	})
}

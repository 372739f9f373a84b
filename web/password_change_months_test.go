package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kabinet/i18n"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// PWD-4: the refusal of a session that must change its password names the period of
// inactivity the policy sets (the supervisor may change it), not a fixed six months,
// in the number's grammatical form, in both languages.
func TestPasswordChangeRequiredNamesThePolicysPeriod(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	_, _, d := grantedOnPages(t, e)
	ctx := context.Background()
	pol, err := e.db.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pol.InactivityMonths = 2
	if err := e.db.SetPolicy(ctx, store.System, pol); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * 31 * 24 * time.Hour)
	for _, c := range []struct {
		lang      i18n.Lang
		want, not string
	}{
		{i18n.RU, "более 2 месяцев", "6 месяцев"},
		{i18n.KY, "2 айдан ашык", "6 айдан"},
	} {
		cl := &client{e: e, http: &http.Client{Jar: e.jar(string(c.lang)), CheckRedirect: noRedirects}}
		login := cl.expect(t, "POST", "/api/v1/auth/login", map[string]any{"login": d.Login, "password": pagePassword}, 200, "").json(t)
		if login["password_change_required"] != true {
			t.Fatalf("%s: the session need not change its password: %v", c.lang, login)
		}
		ans := cl.expect(t, "GET", "/api/v1/me", nil, 403, "password_change_required")
		msg, _ := ans.json(t)["error"].(map[string]any)["message"].(string)
		if msg != i18n.T(c.lang, "error.password_change_required", "months", "2") || !strings.Contains(msg, c.want) || strings.Contains(msg, c.not) {
			t.Errorf("%s: %q, want it to say %q", c.lang, msg, c.want)
		}
	}
}

package web_test

import (
	"testing"

	"kabinet/internal/dbtest"
)

func TestUnlockAndSecondFactor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		officer, subject, login := granted(t, e)
		t.Run("PWD-3 staff unlock, audited", func(t *testing.T) {
			for i := 0; i < 3; i++ {
				subject.do(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Неверный1!"})
			}
			a := subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 423, "account_locked")
			if a.json(t)["error"].(map[string]any)["locked_until"] == nil {
				t.Error("423 without locked_until")
			}
			other := e.client()
			other.staffLogin(t, "oktyabr", "Oktyabr!2026")
			other.expect(t, "POST", "/api/v1/office/accounts/"+login+"/unlock", nil, 403, "wrong_office")
			officer.expect(t, "POST", "/api/v1/office/accounts/"+login+"/unlock", nil, 204, "")
			subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 200, "")
		})
		t.Run("SEC-1 a supervisor requires a second factor", func(t *testing.T) {
			officer.expect(t, "POST", "/api/v1/office/staff/oktyabr/totp-required", map[string]bool{"required": true}, 403, "supervisor_only")
			sup := e.client()
			sup.staffLogin(t, "supervisor", "Super!2026x")
			sup.expect(t, "POST", "/api/v1/office/staff/nobody/totp-required", map[string]bool{"required": true}, 404, "staff_not_found")
			sup.expect(t, "POST", "/api/v1/office/staff/naryn/totp-required", map[string]bool{"required": true}, 204, "")
			officer.expect(t, "GET", "/api/v1/office/board", nil, 403, "totp_enrolment_required")
		})
	})
}

// SEC-3: a NUL byte or invalid UTF-8 in a login gets the same clear answer on both engines.
func TestControlCharactersInLogins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		c := e.client()
		c.expect(t, "POST", "/api/v1/auth/login", `{"login": "np\u0000", "password": "x"}`, 401, "invalid_credentials")
		c.expect(t, "POST", "/api/v1/auth/login", "{\"login\": \"np\xff\", \"password\": \"x\"}", 401, "invalid_credentials")
		c.expect(t, "POST", "/api/v1/office/auth/login", `{"login": "\u0000", "password": "x"}`, 401, "invalid_credentials")
		sup := e.client()
		sup.staffLogin(t, "supervisor", "Super!2026x")
		sup.expect(t, "POST", "/api/v1/office/accounts/np%00/unlock", nil, 404, "account_not_found")
		sup.expect(t, "POST", "/api/v1/office/accounts/np%00/annul", map[string]string{"ground": "fraud_evidence", "reference": "x"}, 404, "account_not_found")
		sup.expect(t, "POST", "/api/v1/office/staff/x%00/totp-required", map[string]bool{"required": true}, 404, "staff_not_found")
	})
}

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"kabinet/internal/dbtest"
	"kabinet/store"
	"kabinet/web"
)

const guideINN = "11705198700772"

// registryCSV is the test registry: the Guide's subject, a legal entity, a liquidated
// registration, one with a fraud mark, and one of office 001.
const registryCSV = `inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference
11705198700772,individual,Кашкариева Жазгул Бейшенбековна,,,038,"Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2,",active,
01503201010123,legal,ОсОО «Нарын Агро Өнүгүү»,Директор,Өмүрбеков Үсөн Каңкаевич,038,"г. Нарын",active,
12503199000111,individual,Абдыкадырова Айгүл Маратовна,,,002,"г. Бишкек",liquidated,
20107198200456,entrepreneur,Жумабеков Бакыт Асанович,,,038,"с. Ак-Кыя",active,Акт № 12-04/118
22001198500345,entrepreneur,Ташиев Нурлан Сапарович,,,001,"г. Бишкек",active,
`

// newEnv starts a server with the test registry and the test staff.
func newEnv(t *testing.T, dbURL string) *testServer {
	t.Helper()
	return startServer(t, dbURL, registryCSV, web.Config{BaseURL: "http://kabinet.test"})
}

// client is one program's client with its own cookies.
type client struct {
	e    *testServer
	http *http.Client
}

func (e *testServer) client() *client {
	return &client{e: e, http: &http.Client{Jar: e.jar(""), CheckRedirect: noRedirects}}
}

type answer struct {
	status int
	body   []byte
	header http.Header
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("not JSON (%d): %s", a.status, a.body)
	}
	return m
}

// code returns the API error code of an answer.
func (a answer) code(t *testing.T) string {
	t.Helper()
	m := a.json(t)
	e, _ := m["error"].(map[string]any)
	if e == nil {
		return ""
	}
	c, _ := e["code"].(string)
	return c
}

func (c *client) do(t *testing.T, method, path string, body any) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			r = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: b, header: resp.Header}
}

// expect checks an answer's status and, for an error, its exact code (the API's
// contract: a stable code for each error).
func (c *client) expect(t *testing.T, method, path string, body any, status int, code string) answer {
	t.Helper()
	if status >= 400 && code == "" {
		t.Fatalf("%s %s: an error answer's check must name its code", method, path)
	}
	a := c.do(t, method, path, body)
	if a.status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, a.status, status, a.body)
	}
	if status >= 400 {
		if got := a.code(t); got != code {
			t.Fatalf("%s %s: code %q, want %q: %s", method, path, got, code, a.body)
		}
	}
	return a
}

func (c *client) staffLogin(t *testing.T, login, pw string) {
	t.Helper()
	c.expect(t, "POST", "/api/v1/office/auth/login", map[string]string{"login": login, "password": pw}, 200, "")
}

// granted signs the officer of 038 in and runs the Guide's subject's access
// application through to a grant (ACC-1…ACC-7): the officer, the subject, the login.
func granted(t *testing.T, e *testServer) (officer, subject *client, login string) {
	t.Helper()
	officer = e.client()
	officer.staffLogin(t, "naryn", "Naryn!2026x")
	subject = e.client()
	return officer, subject, grantAccess(t, subject, officer, guideINN, "Луна2018!")
}

// signedIn is a client signed in to the cabinet as login.
func (e *testServer) signedIn(t *testing.T, login, pw string) *client {
	t.Helper()
	c := e.client()
	c.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": pw}, 200, "")
	return c
}

func apply(t *testing.T, c *client, inn, pw string) string {
	t.Helper()
	a := c.expect(t, "POST", "/api/v1/applications", map[string]string{"inn": inn, "passport": "AN 4890152", "password": pw, "password_confirm": pw}, 201, "")
	return a.json(t)["code"].(string)
}

func TestAPILookup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		c := e.client()
		t.Run("ACC-1 fields fill from the registry", func(t *testing.T) {
			a := c.expect(t, "POST", "/api/v1/registry/lookup", map[string]string{"inn": guideINN}, 200, "")
			m := a.json(t)
			if m["name"] != "Кашкариева Жазгул Бейшенбековна" || m["office_code"] != "038" || m["office_name_ru"] != "Нарынский р-н" ||
				m["signatory"] != "Кашкариева Жазгул Бейшенбековна" || m["address"] != "Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2," {
				t.Errorf("%v", m)
			}
			if _, leaked := m["fraud_reference"]; leaked {
				t.Error("SEC-2: look-up returns more than the form shows")
			}
			if cc := a.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("SEC-2: Cache-Control %q", cc)
			}
		})
		t.Run("ACC-2 INN-1 SEC-3 errors", func(t *testing.T) {
			c.expect(t, "POST", "/api/v1/registry/lookup", map[string]string{"inn": "12345"}, 400, "invalid_inn")
			c.expect(t, "POST", "/api/v1/registry/lookup", map[string]string{"inn": "21212198800231"}, 404, "inn_not_found")
			c.expect(t, "POST", "/api/v1/registry/lookup", map[string]string{"inn": "12503199000111"}, 409, "registration_liquidated")
			c.expect(t, "POST", "/api/v1/registry/lookup", `{"inn": "1170519870077\u0000"}`, 400, "invalid_inn")
			c.expect(t, "POST", "/api/v1/registry/lookup", "{\"inn\": \"\xff\xfe\"}", 400, "invalid_inn")
			c.expect(t, "POST", "/api/v1/registry/lookup", `{"inn": "١١٧٠٥١٩٨٧٠٠٧٧٢"}`, 400, "invalid_inn")
			c.expect(t, "POST", "/api/v1/registry/lookup", `{"inn": 11705198700772}`, 400, "invalid_json")
			c.expect(t, "POST", "/api/v1/registry/lookup", `{"inn": "11705198700772", "x": 1}`, 400, "invalid_json")
			c.expect(t, "POST", "/api/v1/registry/lookup", `not json`, 400, "invalid_json")
			c.expect(t, "POST", "/api/v1/registry/lookup", `{"inn":"`+strings.Repeat("1", 70000)+`"}`, 413, "body_too_large")
			c.expect(t, "GET", "/api/v1/nothing", nil, 404, "not_found")
		})
		t.Run("SEC-2 rate-limited", func(t *testing.T) {
			other := e.client()
			for i := 0; i < 40; i++ {
				a := other.do(t, "POST", "/api/v1/registry/lookup", map[string]string{"inn": guideINN})
				if a.status == 429 {
					if a.code(t) != "rate_limited" || a.header.Get("Retry-After") == "" {
						t.Fatalf("429 without code or Retry-After: %s", a.body)
					}
					return
				}
			}
			t.Fatal("SEC-2: 40 look-ups a minute from one client were not limited")
		})
	})
}

func TestAPIAccessFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		subject := e.client()
		var code string
		t.Run("ACC-3 ACC-4 PWD-1 forming the application", func(t *testing.T) {
			body := func(pw, confirm, pp string) map[string]string {
				return map[string]string{"inn": guideINN, "passport": pp, "password": pw, "password_confirm": confirm}
			}
			a := subject.expect(t, "POST", "/api/v1/applications", body("password", "password", "AN 4890152"), 422, "weak_password")
			rules := a.json(t)["error"].(map[string]any)["rules"].([]any)
			if len(rules) < 3 {
				t.Errorf("weak_password should name each failed rule: %v", rules)
			}
			subject.expect(t, "POST", "/api/v1/applications", body("Луна2018!", "Луна2018?", "AN 4890152"), 422, "password_mismatch")
			subject.expect(t, "POST", "/api/v1/applications", body("Луна2018!", "Луна2018!", "AN 48901"), 422, "invalid_passport")
			subject.expect(t, "POST", "/api/v1/applications", map[string]string{"inn": "21212198800231", "passport": "AN4890152", "password": "Луна2018!", "password_confirm": "Луна2018!"}, 404, "inn_not_found")
			a = subject.expect(t, "POST", "/api/v1/applications", body("Луна2018!", "Луна2018!", "аn 4890152"), 201, "")
			m := a.json(t)
			code = m["code"].(string)
			if len(code) != 12 || m["passport"] != "AN4890152" || m["status"] != "formed" || m["filled_at_text"] != "23.11.2026 09:00:00" {
				t.Errorf("created: %v", m)
			}
			if strings.Contains(string(a.body), "Луна2018") || strings.Contains(string(a.body), "argon2") {
				t.Error("ACC-4: the password or its hash in the answer")
			}
			pdf := subject.do(t, "POST", "/api/v1/applications/form.pdf", map[string]string{"code": code, "inn": guideINN})
			if pdf.status != 200 || !bytes.HasPrefix(pdf.body, []byte("%PDF")) {
				t.Errorf("ACC-4 printable form: %d", pdf.status)
			}
			st := subject.expect(t, "POST", "/api/v1/applications/status", map[string]string{"code": code, "inn": guideINN}, 200, "").json(t)
			if st["status"] != "formed" {
				t.Errorf("status %v", st)
			}
			subject.expect(t, "POST", "/api/v1/applications/status", map[string]string{"code": code, "inn": "01503201010123"}, 404, "application_not_found")
		})

		officer := e.client()
		other := e.client()
		t.Run("ACC-5 ACC-10 find and receive", func(t *testing.T) {
			officer.expect(t, "POST", "/api/v1/office/applications/find", map[string]string{"inn": guideINN, "code": code}, 401, "not_signed_in")
			officer.staffLogin(t, "naryn", "Naryn!2026x")
			other.staffLogin(t, "oktyabr", "Oktyabr!2026")
			grouped := code[:4] + "-" + code[4:8] + "-" + code[8:]
			f := officer.expect(t, "POST", "/api/v1/office/applications/find", map[string]string{"inn": guideINN, "code": strings.ToLower(grouped)}, 200, "").json(t)
			if f["name"] != "Кашкариева Жазгул Бейшенбековна" || f["registry"] == nil {
				t.Errorf("find: %v", f)
			}
			other.expect(t, "POST", "/api/v1/office/applications/find", map[string]string{"inn": guideINN, "code": code}, 403, "wrong_office")
			other.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}, 403, "wrong_office")
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": false}, 422, "documents_not_checked")
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}, 409, "not_received")
			r := officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}, 200, "").json(t)
			if r["status"] != "received" || r["due_at"] == nil {
				t.Errorf("receive: %v", r)
			}
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}, 409, "already_received")
			rc := officer.do(t, "GET", "/api/v1/office/applications/"+code+"/receipt.pdf", nil)
			if rc.status != 200 || !bytes.HasPrefix(rc.body, []byte("%PDF")) {
				t.Errorf("ACC-5 receipt copy: %d %s", rc.status, rc.body)
			}
		})
		t.Run("ACC-9 board shows the 20-minute clock", func(t *testing.T) {
			e.clock.Advance(5 * time.Minute)
			b := officer.expect(t, "GET", "/api/v1/office/board", nil, 200, "").json(t)
			items := b["access"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["seconds_left"].(float64) != 900 || items[0].(map[string]any)["overdue"] != false {
				t.Errorf("board: %v", b)
			}
			ob := other.expect(t, "GET", "/api/v1/office/board", nil, 200, "").json(t)
			if len(ob["access"].([]any)) != 0 {
				t.Error("ACC-10: another office's board shows this application")
			}
		})
		var login string
		t.Run("ACC-6 ACC-7 ACC-8 decision", func(t *testing.T) {
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "refused"}, 422, "invalid_ground")
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "refused", "ground": "dislike"}, 422, "invalid_ground")
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "maybe"}, 422, "invalid_outcome")
			other.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}, 403, "wrong_office")
			d := officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}, 201, "").json(t)
			login, _ = d["login"].(string)
			if login == "" || strings.Contains(login, guideINN[:6]) || d["on_time"] != true {
				t.Fatalf("ACC-7 decision: %v", d)
			}
			officer.expect(t, "POST", "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}, 409, "already_decided")
			number, vc := d["number"].(string), d["verification_code"].(string)
			v := subject.expect(t, "GET", "/api/v1/decisions/verify?number="+number+"&code="+vc, nil, 200, "").json(t)
			if v["outcome"] != "granted" || v["login"] != login {
				t.Errorf("ACC-8 verify: %v", v)
			}
			subject.expect(t, "GET", "/api/v1/decisions/verify?number="+number+"&code=AAAAAAAAAA", nil, 404, "decision_not_found")
			pdf := officer.do(t, "GET", "/api/v1/office/decisions/"+number+"/pdf", nil)
			if pdf.status != 200 || !bytes.HasPrefix(pdf.body, []byte("%PDF")) {
				t.Errorf("ACC-8 decision PDF: %d", pdf.status)
			}
			other.expect(t, "GET", "/api/v1/office/decisions/"+number+"/pdf", nil, 403, "wrong_office")
			st := subject.expect(t, "POST", "/api/v1/applications/status", map[string]string{"code": code, "inn": guideINN}, 200, "").json(t)
			if st["status"] != "granted" || st["decision_number"] != number {
				t.Errorf("status after grant: %v", st)
			}
			b := officer.expect(t, "GET", "/api/v1/office/board", nil, 200, "").json(t)
			today := b["today"].(map[string]any)
			if today["decisions"].(float64) != 1 || today["on_time"].(float64) != 1 {
				t.Errorf("ACC-9 today: %v", today)
			}
		})
		t.Run("sign in with the application's password", func(t *testing.T) {
			subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 200, "")
			me := subject.expect(t, "GET", "/api/v1/me", nil, 200, "").json(t)
			if me["taxpayer"].(map[string]any)["name"] != "Кашкариева Жазгул Бейшенбековна" {
				t.Errorf("CAB-1: %v", me)
			}
		})
		t.Run("RST-1 RST-2 restoration keeps the login and ends sessions", func(t *testing.T) {
			first := apply(t, subject, guideINN, "Новый2019!")
			second := apply(t, subject, guideINN, "Новый2020!")
			officer.expect(t, "POST", "/api/v1/office/applications/"+first+"/receive", map[string]bool{"documents_checked": true}, 409, "superseded")
			st := subject.expect(t, "POST", "/api/v1/applications/status", map[string]string{"code": first, "inn": guideINN}, 200, "").json(t)
			if st["status"] != "superseded" {
				t.Errorf("RST-2: %v", st)
			}
			officer.expect(t, "POST", "/api/v1/office/applications/"+second+"/receive", map[string]bool{"documents_checked": true}, 200, "")
			d := officer.expect(t, "POST", "/api/v1/office/applications/"+second+"/decision", map[string]string{"outcome": "granted"}, 201, "").json(t)
			if d["login"] != login {
				t.Errorf("RST-1: login changed from %s to %v", login, d["login"])
			}
			subject.expect(t, "GET", "/api/v1/me", nil, 401, "not_signed_in")
			subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 401, "invalid_credentials")
			subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Новый2020!"}, 200, "")
		})
		t.Run("ACC-6 fraud bar and liquidation since the application", func(t *testing.T) {
			fraud := apply(t, subject, "20107198200456", "Луна2018!")
			officer.expect(t, "POST", "/api/v1/office/applications/"+fraud+"/receive", map[string]bool{"documents_checked": true}, 200, "")
			officer.expect(t, "POST", "/api/v1/office/applications/"+fraud+"/decision", map[string]string{"outcome": "granted"}, 409, "fraud_evidence")
			d := officer.expect(t, "POST", "/api/v1/office/applications/"+fraud+"/decision", map[string]string{"outcome": "refused", "ground": "fraud_evidence"}, 201, "").json(t)
			if d["login"] != "" && d["login"] != nil {
				t.Errorf("refusal issued a login: %v", d)
			}
			legal := apply(t, subject, "01503201010123", "Луна2018!")
			officer.expect(t, "POST", "/api/v1/office/applications/"+legal+"/receive", map[string]bool{"documents_checked": true}, 200, "")
			liquidate := strings.Replace(registryCSV, "01503201010123,legal,ОсОО «Нарын Агро Өнүгүү»,Директор,Өмүрбеков Үсөн Каңкаевич,038,\"г. Нарын\",active", "01503201010123,legal,ОсОО «Нарын Агро Өнүгүү»,Директор,Өмүрбеков Үсөн Каңкаевич,038,\"г. Нарын\",liquidated", 1)
			e.db.ImportRegistry(context.Background(), store.System, "t", store.FormatCSV, strings.NewReader(liquidate), func(store.LineError) {})
			officer.expect(t, "POST", "/api/v1/office/applications/"+legal+"/decision", map[string]string{"outcome": "granted"}, 409, "no_registration")
			officer.expect(t, "POST", "/api/v1/office/applications/"+legal+"/decision", map[string]string{"outcome": "refused", "ground": "no_registration"}, 201, "")
		})
		t.Run("ACC-9 overdue flagged and counted late", func(t *testing.T) {
			late := apply(t, subject, "22001198500345", "Луна2018!")
			sup := e.client()
			sup.staffLogin(t, "supervisor", "Super!2026x")
			sup.expect(t, "POST", "/api/v1/office/applications/"+late+"/receive", map[string]bool{"documents_checked": true}, 200, "")
			e.clock.Advance(21 * time.Minute)
			b := sup.expect(t, "GET", "/api/v1/office/board", nil, 200, "").json(t)
			it := b["access"].([]any)[0].(map[string]any)
			if it["overdue"] != true || it["seconds_left"].(float64) >= 0 {
				t.Errorf("overdue not flagged: %v", it)
			}
			d := sup.expect(t, "POST", "/api/v1/office/applications/"+late+"/decision", map[string]string{"outcome": "granted"}, 201, "").json(t)
			if d["on_time"] != false {
				t.Errorf("late decision counted on time: %v", d)
			}
		})
		t.Run("SEC-1 staff actions audited", func(t *testing.T) {
			evs, err := e.db.ListAudit(context.Background(), store.AuditFilter{Actor: "staff:oktyabr"})
			if err != nil || len(evs) == 0 {
				t.Fatalf("no audit of the refused attempts: %v", err)
			}
			rep, err := e.db.VerifyAudit(context.Background())
			if err != nil || !rep.OK() {
				t.Errorf("chain: %+v %v", rep, err)
			}
		})
	})
}

func TestOperationalEndpoints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		c := e.client()
		if a := c.do(t, "GET", "/healthz", nil); a.status != 200 {
			t.Errorf("healthz %d", a.status)
		}
		if a := c.do(t, "GET", "/readyz", nil); a.status != 200 {
			t.Errorf("readyz %d", a.status)
		}
		if a := c.do(t, "GET", "/metrics", nil); a.status == 200 {
			t.Error("metrics served on the public address")
		}
		a := c.do(t, "GET", "/api/v1/openapi.json", nil)
		var doc map[string]any
		if a.status != 200 || json.Unmarshal(a.body, &doc) != nil || doc["openapi"] == nil {
			t.Errorf("openapi: %d", a.status)
		}
		h := a.header
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Request-Id") == "" {
			t.Errorf("security headers: %v", h)
		}
		e.db.Close()
		if a := c.do(t, "GET", "/readyz", nil); a.status != 503 {
			t.Errorf("readyz with the database closed: %d", a.status)
		}
	})
}

// SEC-4 CSRF: a cross-origin browser post is refused.
func TestCrossOriginRefused(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/auth/login", strings.NewReader(`{"login":"x","password":"y"}`))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "http://127.0.0.2:9999")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("SEC-4 cross-origin post: %d", resp.StatusCode)
	}
}

package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"kabinet/internal/dbtest"
	"kabinet/store"
)

// uploadAPI posts a file as multipart/form-data to an API call.
func (c *client) uploadAPI(t *testing.T, path, name, content string) answer {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: b, header: resp.Header}
}

// Issue 14, point 9: the supervisor's calls: offices, staff, the registry import as a
// job with its report, the audit search (filters in the body) and the verification;
// an officer gets 403 supervisor_only, nobody signed in 401.
func TestAPISupervisor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		officer := e.client()
		officer.staffLogin(t, "naryn", "Naryn!2026x")
		sup := e.client()
		sup.staffLogin(t, "supervisor", "Super!2026x")

		for _, c := range []struct{ method, path string }{{"GET", "/api/v1/office/offices"}, {"GET", "/api/v1/office/staff"},
			{"POST", "/api/v1/office/staff/oktyabr/disable"}, {"POST", "/api/v1/office/audit/search"}, {"POST", "/api/v1/office/audit/verify"},
			{"GET", "/api/v1/office/registry/imports/1"}} {
			body := any(nil)
			if c.method == "POST" {
				body = map[string]string{}
			}
			officer.expect(t, c.method, c.path, body, 403, "supervisor_only")
			e.client().expect(t, c.method, c.path, body, 401, "not_signed_in")
		}
		officer.uploadAPI(t, "/api/v1/office/registry/imports", "r.csv", supRegistry)

		a := sup.expect(t, "GET", "/api/v1/office/offices", nil, 200, "")
		if !strings.Contains(string(a.body), `{"code":"038","name_ru":"Нарынский р-н","name_ky":"Нарын району","staff":1,"taxpayers":3}`) {
			t.Errorf("offices: %s", a.body)
		}
		sup.expect(t, "PUT", "/api/v1/office/offices/099", map[string]string{"name_ru": "Новый", "name_ky": "Жаңы"}, 201, "")
		sup.expect(t, "PUT", "/api/v1/office/offices/099", map[string]string{"name_ru": "Новый р-н", "name_ky": "Жаңы"}, 200, "")
		sup.expect(t, "PUT", "/api/v1/office/offices/9x", map[string]string{"name_ru": "a", "name_ky": "b"}, 400, "invalid_office_code")

		sup.expect(t, "POST", "/api/v1/office/staff", map[string]string{"login": "talas", "role": "officer", "office_code": "041", "password": "weak"}, 422, "weak_password")
		a = sup.expect(t, "POST", "/api/v1/office/staff", map[string]string{"login": "talas", "name": "Асанов", "role": "officer", "office_code": "041",
			"password": "Талас!2026новый"}, 201, "")
		if m := a.json(t); m["totp_required"] != true || strings.Contains(string(a.body), "Талас!2026") {
			t.Errorf("created: %s", a.body)
		}
		sup.expect(t, "POST", "/api/v1/office/staff/talas/disable", nil, 204, "")
		sup.expect(t, "POST", "/api/v1/office/staff/talas/enable", nil, 204, "")
		sup.expect(t, "POST", "/api/v1/office/staff/talas/totp-reset", nil, 204, "")
		sup.expect(t, "POST", "/api/v1/office/staff/supervisor/disable", nil, 409, "own_account")
		sup.expect(t, "POST", "/api/v1/office/staff/nobody/disable", nil, 404, "staff_not_found")
		a = sup.expect(t, "GET", "/api/v1/office/staff", nil, 200, "")
		if !strings.Contains(string(a.body), `"login":"talas"`) || strings.Contains(string(a.body), "password") {
			t.Errorf("staff: %s", a.body)
		}

		a = sup.uploadAPI(t, "/api/v1/office/registry/imports", "api.csv", supRegistry)
		if a.status != 202 {
			t.Fatalf("import: %d %s", a.status, a.body)
		}
		loc := a.header.Get("Location")
		var job struct {
			ID       int64  `json:"id"`
			State    string `json:"state"`
			Read     int64  `json:"read"`
			Loaded   int64  `json:"loaded"`
			Rejected int64  `json:"rejected"`
			Lines    []struct {
				Line   int64  `json:"line"`
				Reason string `json:"reason"`
			} `json:"lines"`
		}
		json.Unmarshal(a.body, &job)
		if loc != fmt.Sprintf("/api/v1/office/registry/imports/%d", job.ID) {
			t.Errorf("Location %q for job %d", loc, job.ID)
		}
		waitJob(t, e.db, store.JobRegistryImport, job.ID)
		json.Unmarshal(sup.expect(t, "GET", loc, nil, 200, "").body, &job)
		if job.State != "done" || job.Read != 5 || job.Loaded != 2 || job.Rejected != 3 || len(job.Lines) != 3 || job.Lines[0].Line != 3 ||
			!strings.HasPrefix(job.Lines[0].Reason, "inn: ") {
			t.Errorf("the job: %+v", job)
		}
		sup.expect(t, "GET", "/api/v1/office/registry/imports/99999", nil, 404, "job_not_found")
		sup.expect(t, "GET", "/api/v1/office/audit/verify/"+fmt.Sprint(job.ID), nil, 404, "job_not_found")

		var page struct {
			Entries []struct {
				Seq     int64  `json:"seq"`
				Actor   string `json:"actor"`
				Action  string `json:"action"`
				Subject string `json:"subject"`
				Details string `json:"details"`
			} `json:"entries"`
			Next int64 `json:"next"`
		}
		json.Unmarshal(sup.expect(t, "POST", "/api/v1/office/audit/search", map[string]string{"action": "registry.upload"}, 200, "").body, &page)
		if len(page.Entries) != 1 || page.Entries[0].Actor != "staff:supervisor" || !strings.Contains(page.Entries[0].Details, "api.csv") {
			t.Errorf("audit search: %+v", page)
		}
		sup.expect(t, "POST", "/api/v1/office/audit/search", map[string]string{"subject": "\x00"}, 400, "invalid_text")
		sup.expect(t, "POST", "/api/v1/office/audit/search", map[string]string{"from": "yesterday"}, 400, "invalid_date")
		sup.expect(t, "POST", "/api/v1/office/audit/search", map[string]any{"before": "x"}, 400, "invalid_json")

		a = sup.expect(t, "POST", "/api/v1/office/audit/verify", nil, 202, "")
		var v struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal(a.body, &v)
		waitJob(t, e.db, store.JobAuditVerify, v.ID)
		var vj map[string]any
		json.Unmarshal(sup.expect(t, "GET", a.header.Get("Location"), nil, 200, "").body, &vj)
		if vj["state"] != "done" || vj["rejected"] != float64(0) || vj["read"].(float64) < 10 {
			t.Errorf("verification: %v", vj)
		}
	})
}

package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"kabinet/internal/dbtest"
)

// legalINN is the test registry's legal entity of office 038: it files STI-107 and STI-091.
const legalINN = "01503201010123"

const legalPW = "Нарын2026!ok"

// report is a filing's JSON body.
func report(form, period, typ string, cells map[string]string) map[string]any {
	return map[string]any{"form": form, "period": period, "type": typ, "cells": cells, "password": legalPW}
}

// doKey is do with an Idempotency-Key.
func (c *client) doKey(t *testing.T, path, key string, body any) answer {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	return c.send(t, req)
}

func (c *client) send(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: b, header: resp.Header}
}

// upload posts an XML file as multipart/form-data (FIL-3).
func (c *client) upload(t *testing.T, xml []byte, pw string) answer {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "report.xml")
	fw.Write(xml)
	mw.WriteField("password", pw)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+"/api/v1/filings", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(t, req)
}

func errorOf(t *testing.T, a answer) map[string]any {
	t.Helper()
	e, _ := a.json(t)["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error: %d %s", a.status, a.body)
	}
	return e
}

func filingCount(t *testing.T, c *client) int {
	t.Helper()
	fs, _ := c.expect(t, "GET", "/api/v1/filings", nil, 200, "").json(t)["filings"].([]any)
	return len(fs)
}

func TestFilingAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		officer := e.client()
		officer.staffLogin(t, "naryn", "Naryn!2026x")
		login := grantAccess(t, e.client(), officer, legalINN, legalPW)
		c := e.signedIn(t, login, legalPW)
		good := map[string]string{"203": "1500000.00", "204": "900000", "105": "+996 312 123456"}

		t.Run("FIL-1 catalogue", func(t *testing.T) {
			m := c.expect(t, "GET", "/api/v1/forms", nil, 200, "").json(t)
			if n := len(m["forms"].([]any)); n < 4 {
				t.Fatalf("forms: %d", n)
			}
			d := c.expect(t, "GET", "/api/v1/forms/STI-107?period=2026-Q1", nil, 200, "").json(t)
			if d["code"] != "STI-107" || d["version"] != 3.0 {
				t.Fatalf("%v %v", d["code"], d["version"])
			}
			c.expect(t, "GET", "/api/v1/forms/STI-107?version=3", nil, 200, "")
			c.expect(t, "GET", "/api/v1/forms/STI-999", nil, 404, "form_not_found")
			c.expect(t, "GET", "/api/v1/forms/STI-107?period=2025-Q4", nil, 422, "period_not_open")
		})

		t.Run("period_not_open", func(t *testing.T) {
			c.expect(t, "POST", "/api/v1/filings", report("STI-107", "2026-Q4", "initial", good), 422, "period_not_open")
			c.expect(t, "POST", "/api/v1/filings", report("STI-107", "2025-Q4", "initial", good), 422, "period_not_open")
			c.expect(t, "POST", "/api/v1/filings/compute", report("STI-107", "2026-Q4", "initial", good), 422, "period_not_open")
		})

		t.Run("FIL-4 every error in ru and ky", func(t *testing.T) {
			bad := report("STI-107", "2026-Q1", "initial", map[string]string{"203": "12,5x", "999": "1"})
			a := c.expect(t, "POST", "/api/v1/filings", bad, 422, "input_control")
			errs := errorOf(t, a)["errors"].([]any)
			rules := map[string]string{}
			for _, x := range errs {
				m := x.(map[string]any)
				rules[m["rule"].(string)+":"+m["cell"].(string)] = m["message"].(string)
			}
			for _, want := range []string{"invalid_money:203", "required:204", "unknown_cell:999"} {
				if rules[want] == "" {
					t.Errorf("FIL-4: no %s in %s", want, a.body)
				}
			}
			ky := &client{e: e, http: &http.Client{Jar: e.jar("ky"), CheckRedirect: noRedirects}}
			ky.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": legalPW}, 200, "")
			kerrs := errorOf(t, ky.expect(t, "POST", "/api/v1/filings", bad, 422, "input_control"))["errors"].([]any)
			if len(kerrs) != len(errs) {
				t.Fatalf("ky: %d errors, ru %d", len(kerrs), len(errs))
			}
			for i := range errs {
				if kerrs[i].(map[string]any)["message"] == errs[i].(map[string]any)["message"] {
					t.Errorf("FIL-4: the same message in ru and ky: %v", errs[i])
				}
			}
			// compute answers the same errors and the recomputed cells, and stores nothing.
			m := c.expect(t, "POST", "/api/v1/filings/compute", report("STI-107", "2026-Q1", "initial", good), 200, "").json(t)
			if m["valid"] != true || m["cells"].(map[string]any)["102"] != legalINN {
				t.Fatalf("compute: %v", m)
			}
			if n := filingCount(t, c); n != 0 {
				t.Fatalf("filed %d", n)
			}
		})

		var number, code string
		t.Run("FIL-6 password, idempotency", func(t *testing.T) {
			wrong := report("STI-107", "2026-Q1", "initial", good)
			wrong["password"] = "nope"
			c.expect(t, "POST", "/api/v1/filings", wrong, 401, "invalid_credentials")
			a := c.doKey(t, "/api/v1/filings", "key-1", report("STI-107", "2026-Q1", "initial", good))
			if a.status != 201 {
				t.Fatalf("file: %d %s", a.status, a.body)
			}
			m := a.json(t)
			number, code = m["number"].(string), m["verification_code"].(string)
			if m["late"] != true || m["links"] == nil {
				t.Errorf("FIL-8: Q1 filed in November is late; links: %v", m)
			}
			again := c.doKey(t, "/api/v1/filings", "key-1", report("STI-107", "2026-Q1", "initial", good))
			if again.status != 200 || again.json(t)["number"] != number {
				t.Fatalf("FIL-6 replay: %d %s", again.status, again.body)
			}
			other := map[string]string{"203": "1500001.00", "204": "900000"}
			if a := c.doKey(t, "/api/v1/filings", "key-1", report("STI-107", "2026-Q1", "initial", other)); a.status != 422 || a.code(t) != "idempotency_key_reused" {
				t.Fatalf("FIL-6 key reuse: %d %s", a.status, a.body)
			}
			if n := filingCount(t, c); n != 1 {
				t.Fatalf("FIL-6: %d filings", n)
			}
			f := c.expect(t, "GET", "/api/v1/filings/"+number, nil, 200, "").json(t)
			if f["cells"].(map[string]any)["203"] != "1500000.00" {
				t.Errorf("filing cells: %v", f["cells"])
			}
			for _, p := range []string{"report.pdf", "receipt.pdf"} {
				if a := c.do(t, "GET", "/api/v1/filings/"+number+"/"+p, nil); a.status != 200 || !bytes.HasPrefix(a.body, []byte("%PDF")) {
					t.Errorf("%s: %d %.200s", p, a.status, a.body)
				}
			}
		})

		t.Run("FIL-5 types", func(t *testing.T) {
			c.expect(t, "POST", "/api/v1/filings", report("STI-107", "2026-Q1", "initial", good), 409, "already_filed")
			c.expect(t, "POST", "/api/v1/filings", report("STI-107", "2026-Q2", "correction", good), 409, "nothing_to_correct")
			c.expect(t, "POST", "/api/v1/filings", report("STI-107", "2026-Q1", "correction", good), 201, "")
			c.expect(t, "POST", "/api/v1/filings", report("STI-091", "2026-Q1", "liquidation", map[string]string{}), 201, "")
			c.expect(t, "POST", "/api/v1/filings", report("STI-091", "2026-Q2", "initial", map[string]string{}), 409, "form_closed")
		})

		t.Run("FIL-3 hostile XML", func(t *testing.T) {
			before := filingCount(t, c)
			cases := []struct{ name, xml, code string }{
				{"wrong root", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<REPORT/>", "invalid_file"},
				{"a cell twice", "<FORM IDFORM=\"107_3\">\n<PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/>\n<PART2><STI107X203>1</STI107X203>\n<STI107X203>2</STI107X203></PART2></FORM>", "invalid_file"},
				{"doctype", "<?xml version=\"1.0\"?>\n<!DOCTYPE FORM [<!ENTITY x \"xxxxxxxx\">]>\n<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><PART2><STI107X203>&x;</STI107X203></PART2></FORM>", "invalid_file"},
				{"invalid utf-8", "<FORM IDFORM=\"107_3\">\n<PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/>\n<PART2><STI107X203>\xff\xfe</STI107X203></PART2></FORM>", "invalid_file"},
				{"not XML", "{not xml", "invalid_file"},
				{"unknown cell", "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><PART2><STI107X203>1500000.00</STI107X203><STI107X204>900000</STI107X204><STI107X777>1</STI107X777></PART2></FORM>", "input_control"},
			}
			for _, tc := range cases {
				a := c.upload(t, []byte(tc.xml), legalPW)
				if a.status != 422 || a.code(t) != tc.code {
					t.Errorf("FIL-3 %s: %d %s", tc.name, a.status, a.body)
					continue
				}
				if tc.code == "invalid_file" {
					if e := errorOf(t, a); e["line"] == nil || e["reason"] == nil {
						t.Errorf("FIL-3 %s: no line or reason: %s", tc.name, a.body)
					}
				}
			}
			huge := "<FORM IDFORM=\"107_3\"><PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/><!--" + strings.Repeat("x", 5<<20) + "--></FORM>"
			if a := c.upload(t, []byte(huge), legalPW); a.status != 413 {
				t.Errorf("FIL-3 too large: %d %.300s", a.status, a.body)
			}
			if a := c.upload(t, nil, legalPW); a.status != 422 && a.status != 400 {
				t.Errorf("FIL-3 empty file: %d %s", a.status, a.body)
			}
			ok := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FORM IDFORM=\"107_3\" VERSFORM=\"1\">\n<PART1 TYPE=\"initial\" PERIOD=\"2026-Q2\"/>\n<PART2><STI107X203>2000000.00</STI107X203><STI107X204>1000000</STI107X204></PART2></FORM>"
			if after := filingCount(t, c); after != before {
				t.Fatalf("FIL-3: a refused file was stored: %d → %d", before, after)
			}
			if a := c.upload(t, []byte(ok), legalPW); a.status != 201 {
				t.Fatalf("FIL-3 upload: %d %s", a.status, a.body)
			}
		})

		t.Run("FIL-7 verify shows no cell values", func(t *testing.T) {
			p := e.client()
			a := p.expect(t, "POST", "/api/v1/filings/verify", map[string]string{"number": number, "code": code}, 200, "")
			if bytes.Contains(a.body, []byte("1500000")) || bytes.Contains(a.body, []byte(legalINN)) || bytes.Contains(a.body, []byte("cells")) {
				t.Errorf("FIL-7: verification shows cell values: %s", a.body)
			}
			if m := a.json(t); m["digest"] == "" || m["number"] != number {
				t.Errorf("FIL-7: %v", m)
			}
			p.expect(t, "POST", "/api/v1/filings/verify", map[string]string{"number": number, "code": "AAAA-AAAA"}, 404, "filing_not_found")
		})

		t.Run("FIL-2 drafts", func(t *testing.T) {
			c.expect(t, "PUT", "/api/v1/filings/drafts/STI-107/2026-Q3", `{"cells":{"203":"1"}}`, 200, "")
			d := c.expect(t, "GET", "/api/v1/filings/drafts/STI-107/2026-Q3", nil, 200, "").json(t)
			if d["input"].(map[string]any)["cells"].(map[string]any)["203"] != "1" {
				t.Errorf("draft: %v", d)
			}
			c.expect(t, "GET", "/api/v1/filings/drafts/STI-107/2026-Q2", nil, 404, "draft_not_found")
			c.expect(t, "PUT", "/api/v1/filings/drafts/STI-999/2026-Q3", `{}`, 404, "form_not_found")
		})

		t.Run("FIL-9 office scope", func(t *testing.T) {
			other := e.client()
			other.staffLogin(t, "oktyabr", "Oktyabr!2026")
			other.expect(t, "GET", "/api/v1/office/filings/"+number, nil, 403, "wrong_office")
			other.expect(t, "GET", "/api/v1/office/filings/"+number+"/report.pdf", nil, 403, "wrong_office")
			if fs := other.expect(t, "GET", "/api/v1/office/filings", nil, 200, "").json(t)["filings"].([]any); len(fs) != 0 {
				t.Errorf("FIL-9: office 001 sees %d filings of 038", len(fs))
			}
			fs := officer.expect(t, "GET", "/api/v1/office/filings?form=STI-107&period=2026-Q1&late=true", nil, 200, "").json(t)["filings"].([]any)
			if len(fs) != 2 {
				t.Errorf("FIL-9: office 038 sees %d of STI-107 2026-Q1", len(fs))
			}
			f := officer.expect(t, "GET", "/api/v1/office/filings/"+number, nil, 200, "").json(t)
			if f["cells"] == nil {
				t.Error("FIL-9: the office opens the filing as filed")
			}
			officer.expect(t, "GET", "/api/v1/office/non-filers?form=STI-161&period=2026-01", nil, 200, "")
			officer.expect(t, "GET", "/api/v1/office/filings?late=maybe", nil, 400, "invalid_query")
			e.client().expect(t, "GET", "/api/v1/office/filings", nil, 401, "not_signed_in")
		})

		t.Run("FIL-1 supervisor loads a new version", func(t *testing.T) {
			def := newSTI155Version(t)
			officer.expect(t, "POST", "/api/v1/office/forms", string(def), 403, "supervisor_only")
			sup := e.client()
			sup.staffLogin(t, "supervisor", "Super!2026x")
			sup.expect(t, "POST", "/api/v1/office/forms", `{"code":"STI-155"}`, 422, "invalid_definition")
			sup.expect(t, "POST", "/api/v1/office/forms", string(def), 201, "")
			sup.expect(t, "POST", "/api/v1/office/forms", string(def), 409, "form_version_exists")
			if v := c.expect(t, "GET", "/api/v1/forms/STI-155?period=2026", nil, 200, "").json(t)["version"]; v != 2.0 {
				t.Errorf("FIL-1: STI-155 for 2026 is version %v", v)
			}
			if v := c.expect(t, "GET", "/api/v1/forms/STI-155?period=2024", nil, 200, "").json(t)["version"]; v != 1.0 {
				t.Errorf("FIL-1: STI-155 for 2024 is version %v", v)
			}
			// Another instance on the same database sees it too.
			if v := e.second(t, url).client().expect(t, "GET", "/api/v1/forms/STI-155?period=2026", nil, 200, "").json(t)["version"]; v != 2.0 {
				t.Errorf("FIL-1: a second instance has version %v", v)
			}
			vs, err := e.db.FormVersions(t.Context())
			if err != nil || len(vs) != 1 {
				t.Errorf("stored: %v %v", vs, err)
			}
		})

		t.Run("FIL-6 PWD-3 wrong confirmations count toward the lock", func(t *testing.T) {
			wrong := report("STI-107", "2026-Q3", "initial", good)
			wrong["password"] = "nope"
			// A success resets the count; three failures in a row lock (PWD-3).
			c.expect(t, "POST", "/api/v1/filings", wrong, 401, "invalid_credentials")
			c.expect(t, "POST", "/api/v1/filings", wrong, 401, "invalid_credentials")
			if a := c.do(t, "POST", "/api/v1/filings", wrong); a.status != 401 && a.status != 423 {
				t.Fatalf("third failure: %d %s", a.status, a.body)
			}
			right := report("STI-107", "2026-Q2", "correction", good)
			c.expect(t, "POST", "/api/v1/filings", right, 423, "account_locked")
		})
	})
}

// newSTI155Version is the shipped STI-155 definition as version 2 from 2026.
func newSTI155Version(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../form/defs/STI-155_1.json")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	d["version"], d["valid_from"] = 2, "2026"
	out, _ := json.Marshal(d)
	return out
}

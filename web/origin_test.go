package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"kabinet/internal/dbtest"
	"kabinet/web"
)

// unsafeRoutes are every state-changing route the web package registers, read from
// its source so that a route added later is covered too: method and a path with each
// wildcard filled in.
func unsafeRoutes(t *testing.T) [][2]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	pattern := regexp.MustCompile(`"(POST|PUT|PATCH|DELETE) (/[^"]*)"`)
	wildcard := regexp.MustCompile(`\{[^}]*\}`)
	seen := map[string]bool{}
	var routes [][2]string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pattern.FindAllStringSubmatch(string(src), -1) {
			path := wildcard.ReplaceAllStringFunc(m[2], func(w string) string {
				switch w {
				case "{$}":
					return ""
				case "{file}":
					return "x.pdf"
				case "{period}":
					return "2026-01"
				}
				return "x"
			})
			if k := m[1] + " " + path; !seen[k] {
				seen[k] = true
				routes = append(routes, [2]string{m[1], path})
			}
		}
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i][1] < routes[j][1] })
	if len(routes) < 40 {
		t.Fatalf("only %d state-changing routes found: %v", len(routes), routes)
	}
	return routes
}

// send makes one request with the headers given ("Host" sets the request's host);
// a JSON body for the API, a form for the pages.
func send(t *testing.T, c *http.Client, base, method, path string, headers map[string]string, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, base+path, r)
	for k, v := range headers {
		if k == "Host" {
			// The client looks cookies up by Host: hand it the service's own.
			req.Host = v
			if c.Jar != nil {
				for _, ck := range c.Jar.Cookies(req.URL) {
					req.AddCookie(ck)
				}
			}
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func bodyFor(path string) (contentType, body string) {
	if strings.HasPrefix(path, "/api/") {
		return "application/json", `{}`
	}
	return "application/x-www-form-urlencoded", "a=b"
}

// SEC-4, issue 12 point 14: without Sec-Fetch-Site, a browser's Origin must be the
// service's own in scheme, host and port. A page at https://host:port posting to the
// service at http://host:port was let through, a supervisor's annulment included.
func TestCrossOriginScheme(t *testing.T) {
	dbURL := dbtest.URL(t, dbtest.Engines[0])
	e := newEnv(t, dbURL) // --base-url http://kabinet.test
	_, subject, login := granted(t, e)
	sup := e.client()
	sup.staffLogin(t, "supervisor", "Super!2026x")

	t.Run("SEC-4 every state-changing endpoint refuses the wrong scheme", func(t *testing.T) {
		for _, rt := range unsafeRoutes(t) {
			ct, body := bodyFor(rt[1])
			for _, origin := range []string{"https://kabinet.test", "https://kabinet.test:80", "http://kabinet.test:8080", "null"} {
				status, b := send(t, sup.http, e.srv.URL, rt[0], rt[1],
					map[string]string{"Host": "kabinet.test", "Origin": origin, "Content-Type": ct}, body)
				if status != http.StatusForbidden || !strings.Contains(b, "cross_origin") && strings.HasPrefix(rt[1], "/api/") {
					t.Errorf("%s %s from %s: %d, want 403 cross_origin", rt[0], rt[1], origin, status)
				}
			}
		}
	})

	t.Run("SEC-4 a supervisor's annulment from the wrong scheme is refused, from ours done", func(t *testing.T) {
		annul := "/api/v1/office/accounts/" + login + "/annul"
		body := `{"ground":"fraud_evidence","reference":"Акт № 7"}`
		status, b := send(t, sup.http, e.srv.URL, "POST", annul,
			map[string]string{"Host": "kabinet.test", "Origin": "https://kabinet.test", "Content-Type": "application/json"}, body)
		if status != http.StatusForbidden {
			t.Fatalf("annulment from https: %d %s", status, b)
		}
		subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 200, "")
		status, b = send(t, sup.http, e.srv.URL, "POST", annul,
			map[string]string{"Host": "kabinet.test", "Origin": "http://kabinet.test", "Content-Type": "application/json"}, body)
		if status != http.StatusOK {
			t.Fatalf("annulment from the base URL's origin: %d %s", status, b)
		}
		subject.expect(t, "POST", "/api/v1/auth/login", map[string]string{"login": login, "password": "Луна2018!"}, 403, "account_annulled")
	})

	t.Run("SEC-4 a page post from the base URL's origin passes", func(t *testing.T) {
		b := e.browser("")
		for _, origin := range []string{"http://kabinet.test"} {
			status, body := send(t, b.http, e.srv.URL, "POST", "/apply/lookup",
				map[string]string{"Host": "kabinet.test", "Origin": origin, "Content-Type": "application/x-www-form-urlencoded"},
				"inn="+guideINN)
			if status != http.StatusOK {
				t.Errorf("look-up from %s: %d %s", origin, status, excerpt(body))
			}
		}
	})

	t.Run("SEC-4 neither Sec-Fetch-Site nor Origin: a program's request, served as before", func(t *testing.T) {
		status, b := send(t, http.DefaultClient, e.srv.URL, "POST", "/api/v1/registry/lookup",
			map[string]string{"Content-Type": "application/json"}, `{"inn":"`+guideINN+`"}`)
		if status != http.StatusOK {
			t.Errorf("look-up without either header: %d %s", status, b)
		}
	})

	t.Run("SEC-4 Sec-Fetch-Site same-origin still decides for modern browsers", func(t *testing.T) {
		status, b := send(t, http.DefaultClient, e.srv.URL, "POST", "/api/v1/registry/lookup",
			map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin", "Origin": e.srv.URL}, `{"inn":"`+guideINN+`"}`)
		if status != http.StatusOK {
			t.Errorf("same-origin look-up: %d %s", status, b)
		}
	})

	t.Run("SEC-4 without a base URL the request's host and the service's scheme", func(t *testing.T) {
		for _, c := range []struct {
			cfg       web.Config
			good, bad string
			name      string
		}{
			{web.Config{}, "http://", "https://", "plain HTTP"},
			{web.Config{SecureCookies: true}, "https://", "http://", "behind a TLS proxy"},
			{web.Config{BaseURL: "http://[::]:8080"}, "http://", "https://", "listening on every address"},
		} {
			s := startServer(t, dbtest.URL(t, dbtest.Engines[0]), registryCSV, c.cfg)
			host := strings.TrimPrefix(s.srv.URL, "http://")
			lookup := func(origin string) int {
				status, _ := send(t, http.DefaultClient, s.srv.URL, "POST", "/api/v1/registry/lookup",
					map[string]string{"Content-Type": "application/json", "Origin": origin}, `{"inn":"`+guideINN+`"}`)
				return status
			}
			if st := lookup(c.bad + host); st != http.StatusForbidden {
				t.Errorf("%s: Origin %s%s: %d, want 403", c.name, c.bad, host, st)
			}
			if st := lookup(c.good + host); st != http.StatusOK {
				t.Errorf("%s: Origin %s%s: %d, want 200", c.name, c.good, host, st)
			}
		}
	})
}

// SEC-3, issue 12 point 15: the API's JSON calls take application/json (UTF-8 or no
// charset) and nothing else; the upload calls take multipart/form-data as well.
func TestAPIContentType(t *testing.T) {
	e := newEnv(t, dbtest.URL(t, dbtest.Engines[0]))
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("password", "x")
	mw.Close()

	t.Run("SEC-3 every JSON call refuses other types with 415 unsupported_media_type", func(t *testing.T) {
		for _, rt := range unsafeRoutes(t) {
			if !strings.HasPrefix(rt[1], "/api/") {
				continue
			}
			for _, ct := range []string{"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "",
				"application/json; charset=latin1", "application/json; charset=utf-8; x=y", "application/jsonx", "json", "application/xml"} {
				status, b := send(t, http.DefaultClient, e.srv.URL, rt[0], rt[1], map[string]string{"Content-Type": ct}, `{}`)
				if status != http.StatusUnsupportedMediaType || !strings.Contains(b, `"unsupported_media_type"`) {
					t.Errorf("%s %s as %q: %d %s, want 415 unsupported_media_type", rt[0], rt[1], ct, status, b)
				}
			}
		}
	})

	t.Run("SEC-3 multipart only where the contract takes a file", func(t *testing.T) {
		for _, path := range []string{"/api/v1/filings", "/api/v1/office/forms"} {
			status, b := send(t, http.DefaultClient, e.srv.URL, "POST", path, map[string]string{"Content-Type": mw.FormDataContentType()}, mp.String())
			if status == http.StatusUnsupportedMediaType {
				t.Errorf("%s multipart: %d %s", path, status, b)
			}
		}
		status, b := send(t, http.DefaultClient, e.srv.URL, "POST", "/api/v1/registry/lookup",
			map[string]string{"Content-Type": mw.FormDataContentType()}, mp.String())
		if status != http.StatusUnsupportedMediaType {
			t.Errorf("look-up as multipart: %d %s", status, b)
		}
	})

	t.Run("SEC-3 application/json with charset utf-8 or none is served as before", func(t *testing.T) {
		for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"} {
			status, b := send(t, http.DefaultClient, e.srv.URL, "POST", "/api/v1/registry/lookup",
				map[string]string{"Content-Type": ct}, `{"inn":"`+guideINN+`"}`)
			if status != http.StatusOK {
				t.Errorf("look-up as %q: %d %s", ct, status, b)
			}
		}
		status, b := send(t, http.DefaultClient, e.srv.URL, "POST", "/api/v1/registry/lookup",
			map[string]string{"Content-Type": "application/json"}, `{"inn":"123"}`)
		if status != http.StatusBadRequest || !strings.Contains(b, "invalid_inn") {
			t.Errorf("bad ИНН as JSON: %d %s", status, b)
		}
	})

	t.Run("SEC-3 a call without a body needs no type", func(t *testing.T) {
		status, b := send(t, http.DefaultClient, e.srv.URL, "POST", "/api/v1/auth/logout", nil, "")
		if status == http.StatusUnsupportedMediaType {
			t.Errorf("logout without a body: %d %s", status, b)
		}
	})

	t.Run("SEC-3 the OpenAPI document names 415 on every state-changing call", func(t *testing.T) {
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		a := e.client().do(t, "GET", "/api/v1/openapi.json", nil)
		if err := json.Unmarshal(a.body, &doc); err != nil {
			t.Fatal(err)
		}
		for path, ops := range doc.Paths {
			for m, raw := range ops {
				if m == "post" || m == "put" || m == "patch" || m == "delete" {
					var op struct {
						Responses map[string]any `json:"responses"`
					}
					if err := json.Unmarshal(raw, &op); err != nil || op.Responses["415"] == nil {
						t.Errorf("%s %s: no 415", m, path)
					}
				}
			}
		}
	})

	t.Run("SEC-3 the pages take their forms as before", func(t *testing.T) {
		e.browser("").post(t, "/apply/lookup", "inn", guideINN).expect(t, 200, "")
	})
}

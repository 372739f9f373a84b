package web

import (
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"kabinet"
)

// The two checks a state-changing request passes before any handler (SEC-4, SEC-3):
// its origin, for browsers that do not say where the request comes from, and, for the
// API, its Content-Type.

// webOrigin is an origin as browsers send it: scheme://host[:port], lower case, the
// scheme's default port left out. ok is false for anything that is not one (a path,
// user info, "null").
func webOrigin(raw string) (origin string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", false
	}
	return originOf(u.Scheme, u.Host), true
}

// originOf joins scheme and host (host[:port]) into a lower-case origin without the
// scheme's default port.
func originOf(scheme, host string) string {
	scheme, host = strings.ToLower(scheme), strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil &&
		((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
		host = h
		if strings.Contains(h, ":") {
			host = "[" + h + "]"
		}
	}
	return scheme + "://" + host
}

// baseOrigin is the origin of the configured base URL (--base-url), or "" when there
// is none or it names no particular host (the default http://[::]:PORT of a service
// listening on every address), so that the request's own host must stand in for it.
func baseOrigin(baseURL string) string {
	o, ok := webOrigin(strings.TrimSuffix(baseURL, "/"))
	if !ok {
		return ""
	}
	u, _ := url.Parse(baseURL)
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsUnspecified() {
		return ""
	}
	return o
}

// expectedOrigin is the origin a page of this service has: the base URL's, or, without
// one, the scheme the service is reached by (TLS here or at the proxy, SEC-4) with the
// request's Host.
func (s *Server) expectedOrigin(r *http.Request, base string) string {
	if base != "" {
		return base
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return originOf(scheme, r.Host)
}

// checkOrigin refuses, through deny, a state-changing request that carries no
// Sec-Fetch-Site but an Origin other than the service's own, scheme, host and port
// compared exactly. http.CrossOriginProtection, which runs after it, decides requests
// with Sec-Fetch-Site, but without it compares only the host, so a page at
// https://host:port could post to a service at http://host:port (issue 12, point 14).
// A request with neither header (curl, an integrator's program) is not a browser's and
// passes, as before.
func (s *Server) checkOrigin(deny, next http.Handler) http.Handler {
	base := baseOrigin(s.cfg.BaseURL)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		origin := r.Header.Get("Origin")
		if r.Header.Get("Sec-Fetch-Site") != "" || origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		if o, ok := webOrigin(origin); !ok || o != s.expectedOrigin(r, base) {
			deny.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// uploadCalls take multipart/form-data by contract besides JSON: a report's XML file
// (FIL-3) and a form definition file (FIL-1).
var uploadCalls = map[string]bool{
	"POST /api/v1/filings":      true,
	"POST /api/v1/office/forms": true,
	// a registry file (office_registry.go)
	"POST /api/v1/office/registry/imports": true,
}

// requireJSON answers 415 unsupported_media_type to an API call with a body that is not
// declared application/json (with charset utf-8 or none), or multipart/form-data for
// the upload calls: text/plain, form encoding, none at all or another charset. Besides
// refusing what the handler would misread, it closes the path of a cross-site
// text/plain post, which a browser sends without asking first. A call without a body
// (a sign-out, a DELETE) needs no type.
func (s *Server) requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		ct := r.Header.Get("Content-Type")
		if !strings.HasPrefix(r.URL.Path, "/api/") || (ct == "" && r.ContentLength == 0) || acceptedType(r, ct) {
			next.ServeHTTP(w, r)
			return
		}
		// 415 is this check's alone, so it is written here rather than given a kind.
		e := kabinet.Errorf(kabinet.KindInvalid, "unsupported_media_type", "send the body as application/json (UTF-8)")
		writeJSON(w, http.StatusUnsupportedMediaType, errorBody{Error: map[string]any{
			"code": e.Code, "message": s.errorText(langOf(r), e)}})
	})
}

// acceptedType reports whether ct is what the call r takes.
func acceptedType(r *http.Request, ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "application/json":
		for k, v := range params {
			if k != "charset" || !strings.EqualFold(v, "utf-8") {
				return false
			}
		}
		return true
	case "multipart/form-data":
		return uploadCalls[r.Method+" "+r.URL.Path] && params["boundary"] != ""
	}
	return false
}

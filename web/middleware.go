package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"kabinet"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLang
	keyClient
)

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// clientAddress is the client's address: the connection's, or, behind a trusted
// proxy, the last address X-Forwarded-For names that is not itself a trusted proxy.
func clientAddress(r *http.Request) string {
	a, _ := r.Context().Value(keyClient).(string)
	return a
}

func (s *Server) resolveClient(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// contentSecurityPolicy allows nothing from elsewhere: no inline script or style,
// no framing, forms posting only here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// middleware wraps the routes: request id, client address, language, security
// headers, body limits, CSRF protection, panics, access log and metrics.
func (s *Server) middleware(next http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := kabinet.Errorf(kabinet.KindForbidden, "cross_origin", "cross-origin request refused")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.writeAPIError(w, r, err)
			return
		}
		s.renderError(w, r, err)
	})
	csrf.SetDenyHandler(deny)
	if o := baseOrigin(s.cfg.BaseURL); o != "" {
		// Behind a proxy that rewrites Host, the base URL's origin is still ours.
		if err := csrf.AddTrustedOrigin(o); err != nil {
			s.log.Warn("cross-origin protection: base URL not trusted", slog.String("error", err.Error()))
		}
	}
	// Origin (scheme, host and port) first, then Sec-Fetch-Site, then the API's
	// Content-Type (origin.go).
	protected := s.checkOrigin(deny, csrf.Handler(s.requireJSON(next)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		ctx = context.WithValue(ctx, keyClient, s.resolveClient(r))
		ctx = context.WithValue(ctx, keyLang, chooseLang(r))
		// Every request has a deadline (Config.RequestTimeout): every database call
		// runs on this context, so a hung database answers 503 in time, not never.
		ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
		defer cancel()
		r = r.WithContext(ctx)

		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// SEC-2: pages and answers may carry personal data.
			h.Set("Cache-Control", "no-store")
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r))
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(ctx, "panic", slog.String("request_id", id), slog.Any("panic", p))
				if sw.status == 0 {
					s.writeAPIError(sw, r, kabinet.Errorf(kabinet.KindInternal, "internal", "panic"))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
			s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
			// No personal data: the route pattern, never the path's values or the query.
			s.log.LogAttrs(ctx, slog.LevelInfo, "request",
				slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", status), slog.Int("bytes", sw.bytes), slog.Float64("ms", float64(d.Microseconds())/1000))
		}()
		protected.ServeHTTP(sw, r)
	})
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

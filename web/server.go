// Package web serves Kabinet over HTTP: pages for people at / (Russian by default,
// Kyrgyz by choice) and JSON for programs under /api/v1, both from the same store
// services. Operations (/metrics, pprof) are served on a separate handler for a
// separate, private address.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kabinet"
	"kabinet/form"
	"kabinet/i18n"
	"kabinet/password"
	"kabinet/store"
)

// Config is the web layer's configuration.
type Config struct {
	// SecureCookies marks cookies Secure with the __Host- prefix (SEC-4). Set it when the
	// service is reached over TLS, directly or behind a TLS-terminating proxy.
	SecureCookies bool
	// TrustedProxies are the addresses of proxies whose X-Forwarded-For is believed
	// for the client address. Empty: the connection's address is the client's.
	TrustedProxies []netip.Prefix
	// BaseURL is the public address printed on paper (the decision's verification link).
	BaseURL string
	// MaxBodyBytes bounds a request body (JSON and forms).
	MaxBodyBytes int64
	// RequestTimeout is every request's deadline (DefaultRequestTimeout when zero).
	RequestTimeout time.Duration
	// MaxRegistryBytes bounds a registry file a supervisor uploads in the back office
	// (DefaultMaxRegistryBytes when zero).
	MaxRegistryBytes int64
	// Instance names this instance among those sharing the database (the host's name
	// when empty): a job it ran is marked interrupted when it starts again.
	Instance string
}

// DefaultRequestTimeout is a request's deadline unless configured.
const DefaultRequestTimeout = 15 * time.Second

// Deps are the web layer's dependencies.
type Deps struct {
	DB      *store.DB
	Hasher  *password.Hasher
	Clock   kabinet.Clock
	Log     *slog.Logger
	Catalog *i18n.Catalog
	// Forms is the report form catalogue (FIL-1); nil: the definitions shipped in the
	// binary. New adds the versions supervisors loaded (store FormVersions) to it.
	Forms *form.Catalog
}

// Server holds the handlers.
type Server struct {
	cfg     Config
	db      *store.DB
	hasher  *password.Hasher
	clock   kabinet.Clock
	log     *slog.Logger
	cat     *i18n.Catalog
	metrics *metrics
	public  http.Handler
	// forms is the report form catalogue; formsSync when it last read the loaded versions.
	forms     *form.Catalog
	formsSync formsState
	// jobs runs the back office's background jobs (office_jobs.go).
	jobs *jobRunner
}

// New builds the server and its routes.
func New(cfg Config, d Deps) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxRegistryBytes <= 0 {
		cfg.MaxRegistryBytes = DefaultMaxRegistryBytes
	}
	if d.Clock == nil {
		d.Clock = kabinet.SystemClock{}
	}
	if d.Catalog == nil {
		d.Catalog = i18n.Default()
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, db: d.DB, hasher: d.Hasher, clock: d.Clock, log: d.Log, cat: d.Catalog}
	s.forms = newForms(d.Forms, d.Log)
	if err := s.LoadFormVersions(context.Background()); err != nil {
		s.log.Warn("form catalogue: loaded versions unread", slog.String("error", err.Error()))
	}
	s.jobs = newJobRunner(s.db, s.log, cfg.Instance)
	s.metrics = newMetrics(s)
	mux := http.NewServeMux()
	s.routes(mux)
	s.public = s.middleware(mux)
	return s
}

// Handler is the public handler.
func (s *Server) Handler() http.Handler { return s.public }

// OpsHandler serves /metrics and pprof; mount it only on the operations address.
func (s *Server) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kabinet_http_requests_total", Help: "HTTP requests by route, method and status.",
	}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "kabinet_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	m.reg.MustRegister(m.requests, m.latency, newDeadlineCollector(s),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if s.hasher != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kabinet_password_hashes_running", Help: "argon2id hashes running now.",
		}, func() float64 { r, _ := s.hasher.Stats(); return float64(r) }))
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kabinet_password_hashes_waiting", Help: "argon2id hashes waiting for a slot.",
		}, func() float64 { _, w := s.hasher.Stats(); return float64(w) }))
	}
	return m
}

// Registry exposes the metrics registry so other parts can add their collectors.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }

package web

// The routes: the API's under /api/v1, the pages for people, and the health checks.
// Pages are server-rendered HTML in Russian and Kyrgyz that work fully without
// JavaScript (app.js only enhances). Every text comes from the catalog; every state
// change is a POST; personal identifiers (ИНН, passport) travel only in request bodies
// (SEC-2). Each page's handler is in a file named for its action (login_check.go,
// office_decide.go…); the back office's pages share one preamble (office.go).

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"kabinet"
)

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := s.db.Ping(ctx); err != nil {
			s.log.WarnContext(r.Context(), "readiness: database unreachable", slog.String("error", err.Error()))
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("database unreachable\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
	s.api(mux, "POST /api/v1/registry/lookup", s.apiLookup)
	s.api(mux, "POST /api/v1/applications", s.apiCreateApplication)
	s.api(mux, "POST /api/v1/applications/status", s.apiApplicationStatus)
	s.api(mux, "POST /api/v1/applications/form.pdf", s.apiApplicationPDF)
	s.api(mux, "GET /api/v1/decisions/verify", s.apiVerifyDecision)
	s.api(mux, "POST /api/v1/auth/login", s.apiLogin)
	s.api(mux, "POST /api/v1/auth/logout", s.apiLogout)
	s.api(mux, "POST /api/v1/auth/password", s.apiChangePassword)
	s.api(mux, "POST /api/v1/auth/sessions/end-others", s.apiEndOtherSessions)
	s.api(mux, "GET /api/v1/me", s.apiMe)
	s.api(mux, "POST /api/v1/office/auth/login", s.apiOfficeLogin)
	s.api(mux, "POST /api/v1/office/auth/logout", s.apiOfficeLogout)
	s.api(mux, "POST /api/v1/office/applications/find", s.apiOfficeFind)
	s.api(mux, "POST /api/v1/office/applications/{code}/receive", s.apiOfficeReceive)
	s.api(mux, "POST /api/v1/office/applications/{code}/decision", s.apiOfficeDecision)
	s.api(mux, "GET /api/v1/office/applications/{code}/receipt.pdf", s.apiOfficeReceiptPDF)
	s.api(mux, "GET /api/v1/office/decisions/{number}/pdf", s.apiOfficeDecisionPDF)
	s.api(mux, "GET /api/v1/office/board", s.apiOfficeBoard)
	s.api(mux, "POST /api/v1/office/accounts/{login}/annul", s.apiOfficeAnnul)
	s.api(mux, "POST /api/v1/me/annulment", s.apiCabinetAnnulment)
	s.api(mux, "POST /api/v1/office/accounts/{login}/unlock", s.apiOfficeUnlock)
	s.api(mux, "POST /api/v1/office/staff/{login}/totp-required", s.apiOfficeRequireTOTP)
	s.api(mux, "GET /api/v1/forms", s.apiForms)
	s.api(mux, "GET /api/v1/forms/{code}", s.apiForm)
	s.api(mux, "POST /api/v1/office/forms", s.apiOfficeLoadForm)
	s.api(mux, "POST /api/v1/filings", s.apiFileReport)
	s.api(mux, "GET /api/v1/filings", s.apiFilings)
	s.api(mux, "POST /api/v1/filings/compute", s.apiComputeReport)
	s.api(mux, "POST /api/v1/filings/verify", s.apiVerifyFiling)
	s.api(mux, "GET /api/v1/filings/drafts", s.apiDrafts)
	s.api(mux, "GET /api/v1/filings/drafts/{form}/{period}", s.apiDraft)
	s.api(mux, "PUT /api/v1/filings/drafts/{form}/{period}", s.apiSaveDraft)
	s.api(mux, "DELETE /api/v1/filings/drafts/{form}/{period}", s.apiDeleteDraft)
	s.api(mux, "GET /api/v1/filings/{number}", s.apiFiling)
	s.api(mux, "GET /api/v1/filings/{number}/report.pdf", s.apiFilingReportPDF)
	s.api(mux, "GET /api/v1/filings/{number}/receipt.pdf", s.apiFilingReceiptPDF)
	s.api(mux, "GET /api/v1/office/filings", s.apiOfficeFilings)
	s.api(mux, "GET /api/v1/office/filings/{number}", s.apiOfficeFiling)
	s.api(mux, "GET /api/v1/office/filings/{number}/report.pdf", s.apiOfficeFilingReportPDF)
	s.api(mux, "GET /api/v1/office/filings/{number}/receipt.pdf", s.apiOfficeFilingReceiptPDF)
	s.api(mux, "GET /api/v1/office/non-filers", s.apiOfficeNonFilers)
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	s.vatRoutes(mux)        // VAT invoice series and numbers: calls and pages (api_vat.go)
	s.supervisorRoutes(mux) // offices, officers, registry upload, audit viewer: pages and calls (office_sup.go)
	s.pageRoutes(mux)
	s.api(mux, "/api/v1/", func(w http.ResponseWriter, r *http.Request) error {
		return kabinet.Errorf(kabinet.KindNotFound, "not_found", "no such API call: %s %s", r.Method, r.URL.Path)
	})
}

// api registers an API handler that returns an error.
func (s *Server) api(mux *http.ServeMux, pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeAPIError(w, r, err)
		}
	})
}

// pageRoutes registers the pages. Patterns are specific so the API's routes and the
// operations endpoints are untouched; "/" answers every other path with a 404 page.
func (s *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/{file}", s.serveStatic)
	mux.HandleFunc("POST /lang", s.pageLang)
	s.filingPageRoutes(mux) // cabinet_filing.go

	s.page(mux, "GET /{$}", s.pageHome)
	s.page(mux, "GET /apply", s.pageApply)
	s.page(mux, "GET /annul", s.pageAnnul)
	s.page(mux, "POST /apply/lookup", s.pageApplyLookup)
	s.page(mux, "POST /apply", s.pageApplySubmit)
	s.page(mux, "GET "+appliedPath, s.pageApplied)
	s.page(mux, "POST "+appliedPath+"/done", s.pageAppliedDone)
	s.page(mux, "POST /applications/form.pdf", s.pageApplicationPDF)
	s.page(mux, "POST /applications/print", s.pageApplicationPrint)
	s.page(mux, "GET /status", s.pageStatus)
	s.page(mux, "POST /status", s.pageStatusPost)
	s.page(mux, "GET /verify", s.pageVerify)
	s.page(mux, "GET /help", s.pageHelp)

	s.page(mux, "GET /login", s.pageLogin)
	s.page(mux, "POST /login", s.pageLoginPost)
	s.page(mux, "POST /logout", s.pageLogout)
	s.page(mux, "GET /cabinet", s.pageCabinet)
	s.page(mux, "POST /cabinet/end-others", s.pageEndOthers)
	s.page(mux, "POST /cabinet/annul", s.pageCabinetAnnul)
	s.page(mux, "GET /password", s.pagePassword)
	s.page(mux, "POST /password", s.pagePasswordPost)

	s.page(mux, "GET /office", func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, "/office/", http.StatusSeeOther)
		return nil
	})
	s.page(mux, "GET /office/login", s.pageOfficeLogin)
	s.page(mux, "POST /office/login", s.pageOfficeLoginPost)
	s.page(mux, "POST /office/logout", s.pageOfficeLogout)
	s.page(mux, "GET /office/{$}", s.staff(s.pageOfficeBoard))
	s.page(mux, "POST /office/find", s.staff(s.pageOfficeFind))
	s.page(mux, "GET /office/applications/{code}", s.staff(s.pageOfficeApplication))
	s.page(mux, "POST /office/applications/{code}/receive", s.staff(s.pageOfficeReceive))
	s.page(mux, "POST /office/applications/{code}/decision", s.staff(s.pageOfficeDecision))
	s.page(mux, "GET /office/applications/{code}/receipt.pdf", s.staff(s.pageOfficeReceiptPDF))
	s.page(mux, "GET /office/decisions/{file}", s.staff(s.pageOfficeDecisionPDF))
	s.page(mux, "GET /office/totp", s.staff(s.pageOfficeTOTP))
	s.page(mux, "POST /office/totp", s.staff(s.pageOfficeTOTPPost))
	s.page(mux, "GET /office/accounts", s.staff(s.pageOfficeAccounts))
	s.page(mux, "POST /office/accounts/unlock", s.staff(s.pageOfficeUnlock))
	s.page(mux, "POST /office/accounts/annul", s.staff(s.pageOfficeAnnul))
	s.page(mux, "POST /office/staff/totp-required", s.supervisor(s.pageOfficeRequireTOTP))
	s.page(mux, "GET /office/policy", s.supervisor(s.pageOfficePolicy))
	s.page(mux, "POST /office/policy", s.supervisor(s.pageOfficePolicyPost))

	s.page(mux, "/", func(w http.ResponseWriter, r *http.Request) error {
		return kabinet.Errorf(kabinet.KindNotFound, "not_found", "no page %s", r.URL.Path)
	})
}

// page registers a page handler; an error it returns is shown as an error page.
func (s *Server) page(mux *http.ServeMux, pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r = withSessionMemo(r)
		if s.mustChangeElsewhere(r) {
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// mustChangeElsewhere reports a taxpayer session that must change its password asking
// for any page but the change-password screen, its Help and signing out (PWD-4, SEC-4:
// such a session reaches nothing else; Help is public and shows no personal data).
// The back office has its own session and is exempt.
func (s *Server) mustChangeElsewhere(r *http.Request) bool {
	switch p := r.URL.Path; {
	case p == "/password", p == "/logout", p == "/help", strings.HasPrefix(p, "/office"):
		return false
	}
	if s.token(r, "taxpayer") == "" {
		return false
	}
	_, _, err := s.taxpayerSession(r, false)
	return kabinet.ErrorCode(err) == "password_change_required"
}

package web

// The supervisor's pages and calls (issue 14, point 9; SPEC Actors: the supervisor
// manages offices, officers and the registry): offices (office_offices.go), officers
// (office_staff_admin.go), the registry upload (office_registry.go) and the audit
// viewer (office_audit.go), run as background jobs where they outlast a request
// (office_jobs.go); the JSON calls in api_sup.go. Every route is a supervisor's only,
// checked on the server (an officer gets a 403 page), every POST passes the
// middleware's cross-origin check, and every act is audited by the store.

import (
	"net/http"
	"strconv"

	"kabinet/store"
)

func (s *Server) supervisorRoutes(mux *http.ServeMux) {
	s.page(mux, "GET /office/offices", s.supervisor(s.pageOfficeOffices))
	s.page(mux, "POST /office/offices", s.supervisor(s.pageOfficeOfficesSave))
	s.page(mux, "POST /office/offices/import", s.pageOfficeOfficesImport)
	s.page(mux, "GET /office/staff", s.supervisor(s.pageOfficeStaff))
	s.page(mux, "POST /office/staff", s.supervisor(s.pageOfficeStaffCreate))
	s.page(mux, "POST /office/staff/active", s.supervisor(s.pageOfficeStaffActive))
	s.page(mux, "POST /office/staff/totp-reset", s.supervisor(s.pageOfficeStaffTOTPReset))
	s.page(mux, "GET /office/registry", s.supervisor(s.pageOfficeRegistry))
	s.page(mux, "POST /office/registry", s.pageOfficeRegistryUpload)
	s.page(mux, "GET /office/registry/jobs/{id}", s.supervisor(s.pageOfficeRegistryJob))
	s.page(mux, "GET /office/audit", s.supervisor(s.pageOfficeAudit))
	s.page(mux, "POST /office/audit", s.supervisor(s.pageOfficeAuditPost))
	s.page(mux, "POST /office/audit/verify", s.supervisor(s.pageOfficeAuditVerify))
	s.page(mux, "GET /office/audit/jobs/{id}", s.supervisor(s.pageOfficeAuditJob))
	s.supervisorAPI(mux)
}

// supNotices are the notices the supervisor's pages show after an act (?m=…), beside
// the shared ones (view.go): a fixed list, so the query cannot put text on a page.
var supNotices = map[string]string{
	"staff_created": "sup.notice.staff_created", "staff_disabled": "sup.notice.staff_disabled",
	"staff_enabled": "sup.notice.staff_enabled", "totp_reset": "sup.notice.totp_reset",
	"office_created": "sup.notice.office_created",
}

// supNoticeFrom sets the notice of a supervisor's page from its query.
func (v *view) supNoticeFrom(r *http.Request) {
	if k, ok := supNotices[r.URL.Query().Get("m")]; ok {
		v.Notice = k
		return
	}
	v.noticeFrom(r)
}

// JobRunning reports a job still running: its page refreshes itself.
func (v *view) JobRunning(j store.Job) bool { return j.State == store.JobRunning }

// JobStateText words a job's state.
func (v *view) JobStateText(j store.Job) string { return v.T("sup.job.state." + string(j.State)) }

// JobErrorText words why a job failed.
func (v *view) JobErrorText(j store.Job) string {
	return v.TOr("sup.job.error."+j.ErrorCode, "sup.job.error.other")
}

// JobHref is a job's page.
func (v *view) JobHref(j store.Job) string { return jobHref(j) }

// Bytes writes a count of bytes with its thousands apart (no-break spaces): 1 048 576.
func (v *view) Bytes(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "\u00a0" + s[i:]
	}
	return s
}

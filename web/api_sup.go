package web

// The supervisor's JSON calls (issue 14, point 9): the same services as the pages
// (office_sup.go), for a supervisor's staff session. Described in openapi.json.

import (
	"net/http"
	"strconv"
	"time"

	"kabinet"
	"kabinet/store"
)

func (s *Server) supervisorAPI(mux *http.ServeMux) {
	s.api(mux, "GET /api/v1/office/offices", s.apiSupervisor(s.apiOffices))
	s.api(mux, "PUT /api/v1/office/offices/{code}", s.apiSupervisor(s.apiSaveOffice))
	s.api(mux, "GET /api/v1/office/staff", s.apiSupervisor(s.apiStaffList))
	s.api(mux, "POST /api/v1/office/staff", s.apiSupervisor(s.apiStaffCreate))
	s.api(mux, "POST /api/v1/office/staff/{login}/disable", s.apiSupervisor(s.apiStaffActive(false)))
	s.api(mux, "POST /api/v1/office/staff/{login}/enable", s.apiSupervisor(s.apiStaffActive(true)))
	s.api(mux, "POST /api/v1/office/staff/{login}/totp-reset", s.apiSupervisor(s.apiStaffTOTPReset))
	s.api(mux, "POST /api/v1/office/registry/imports", s.apiSupervisor(s.apiRegistryImport))
	s.api(mux, "GET /api/v1/office/registry/imports/{id}", s.apiSupervisor(s.apiJob(store.JobRegistryImport)))
	s.api(mux, "POST /api/v1/office/audit/search", s.apiSupervisor(s.apiAuditSearch))
	s.api(mux, "POST /api/v1/office/audit/verify", s.apiSupervisor(s.apiAuditVerify))
	s.api(mux, "GET /api/v1/office/audit/verify/{id}", s.apiSupervisor(s.apiJob(store.JobAuditVerify)))
}

// apiSupervisor wraps a call only a supervisor may make: 401 without a staff
// session, 403 supervisor_only for an officer.
func (s *Server) apiSupervisor(h staffPage) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, st, err := s.staffSession(r)
		if err != nil {
			return err
		}
		if st.Role != kabinet.RoleSupervisor {
			return kabinet.Errorf(kabinet.KindForbidden, "supervisor_only", "only a supervisor may do this")
		}
		return h(w, r, st)
	}
}

type officeJSON struct {
	kabinet.Office
	Staff     int `json:"staff"`
	Taxpayers int `json:"taxpayers"`
}

// apiOffices: GET /api/v1/office/offices — every office with its counts.
func (s *Server) apiOffices(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	offices, err := s.db.Offices(r.Context())
	if err != nil {
		return err
	}
	counts, err := s.db.OfficeCounts(r.Context())
	if err != nil {
		return err
	}
	out := make([]officeJSON, 0, len(offices))
	for _, o := range offices {
		out = append(out, officeJSON{Office: o, Staff: counts[o.Code].Staff, Taxpayers: counts[o.Code].Taxpayers})
	}
	writeJSON(w, http.StatusOK, map[string]any{"offices": out})
	return nil
}

// apiSaveOffice: PUT /api/v1/office/offices/{code} {name_ru, name_ky} — 201 added, 200 renamed.
func (s *Server) apiSaveOffice(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	var in struct {
		NameRU string `json:"name_ru"`
		NameKY string `json:"name_ky"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o := kabinet.Office{Code: r.PathValue("code"), NameRU: in.NameRU, NameKY: in.NameKY}
	created, err := s.db.SaveOffice(r.Context(), st, o)
	if err != nil {
		return err
	}
	saved, err := s.db.Office(r.Context(), o.Code)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, saved)
	return nil
}

type staffJSON struct {
	kabinet.Staff
	TOTPEnrolled   bool      `json:"totp_enrolled"`
	LastActivityAt time.Time `json:"last_activity_at"`
}

// apiStaffList: GET /api/v1/office/staff — every back-office account.
func (s *Server) apiStaffList(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	list, err := s.db.ListStaff(r.Context())
	if err != nil {
		return err
	}
	out := make([]staffJSON, 0, len(list))
	for _, m := range list {
		out = append(out, staffJSON{Staff: m.Staff, TOTPEnrolled: m.TOTPEnrolled, LastActivityAt: m.LastActivityAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"staff": out})
	return nil
}

// apiStaffCreate: POST /api/v1/office/staff {login, name, role, office_code, password}
// — 201 the account, its second factor required from the start; the password is
// checked by the policy (422 weak_password with the rules) and never answered.
func (s *Server) apiStaffCreate(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	var in struct {
		Login      string `json:"login"`
		Name       string `json:"name"`
		Role       string `json:"role"`
		OfficeCode string `json:"office_code"`
		Password   string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if badLogin(in.Login) {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_login", "login: 3–40 characters of a-z, 0-9, '.', '-', '_'")
	}
	created, err := s.db.AddStaff(r.Context(), st, store.NewStaff{Login: in.Login, Name: in.Name, Role: kabinet.Role(in.Role),
		OfficeCode: in.OfficeCode, Password: in.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, created)
	return nil
}

// apiStaffActive: POST /api/v1/office/staff/{login}/disable|enable — 204.
func (s *Server) apiStaffActive(active bool) staffPage {
	return func(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
		if err := s.db.SetStaffActive(r.Context(), st, r.PathValue("login"), active); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// apiStaffTOTPReset: POST /api/v1/office/staff/{login}/totp-reset — 204; the holder
// enrols again at the next sign-in.
func (s *Server) apiStaffTOTPReset(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	if err := s.db.ResetStaffTOTP(r.Context(), st, r.PathValue("login")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// jobJSON is a job as the API answers it.
type jobJSON struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	State      string     `json:"state"`
	StartedBy  string     `json:"started_by"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	File       string     `json:"file,omitempty"`
	Total      int64      `json:"total"`
	Done       int64      `json:"done"`
	Percent    int        `json:"percent"`
	Read       int64      `json:"read"`
	Loaded     int64      `json:"loaded"`
	Rejected   int64      `json:"rejected"`
	Lines      []lineJSON `json:"lines"`
	Unlisted   int64      `json:"unlisted"`
	Error      *jobError  `json:"error,omitempty"`
}

type lineJSON struct {
	Line   int64  `json:"line,omitempty"`
	Reason string `json:"reason"`
}

type jobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func jobJSONOf(j store.Job) jobJSON {
	out := jobJSON{ID: j.ID, Kind: string(j.Kind), State: string(j.State), StartedBy: j.CreatedBy, StartedAt: j.StartedAt,
		FinishedAt: j.FinishedAt, File: j.FileName, Total: j.Total, Done: j.Done, Percent: j.Percent(), Read: j.Read,
		Loaded: j.Loaded, Rejected: j.Rejected, Lines: []lineJSON{}, Unlisted: j.Unlisted()}
	for _, l := range j.Lines {
		out.Lines = append(out.Lines, lineJSON{Line: l.Line, Reason: l.Reason})
	}
	if j.State == store.JobFailed {
		out.Error = &jobError{Code: j.ErrorCode, Message: j.ErrorText}
	}
	return out
}

// apiRegistryImport: POST /api/v1/office/registry/imports (multipart, part "file") —
// 202 the job, its address in Location; 413 registry_file_too_large; 409 job_running.
func (s *Server) apiRegistryImport(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	job, err := s.uploadRegistry(w, r, st)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/office/registry/imports/"+strconv.FormatInt(job.ID, 10))
	writeJSON(w, http.StatusAccepted, jobJSONOf(job))
	return nil
}

// apiJob: GET …/{id} — a job's progress and the lines it reported.
func (s *Server) apiJob(kind store.JobKind) staffPage {
	return func(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			return kabinet.Errorf(kabinet.KindNotFound, "job_not_found", "no such job")
		}
		j, err := s.db.Job(r.Context(), kind, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, jobJSONOf(j))
		return nil
	}
}

type auditEntryJSON struct {
	Seq     int64     `json:"seq"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject"`
	Address string    `json:"address"`
	Details string    `json:"details"`
}

// apiAuditSearch: POST /api/v1/office/audit/search {actor?, action?, subject?, from?,
// to?, before?} — the entries, newest first, and the next page's cursor. Dates are
// YYYY-MM-DD, whole days in Bishkek time. In the body: a subject may be an ИНН.
func (s *Server) apiAuditSearch(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	var in struct {
		Actor   string `json:"actor"`
		Action  string `json:"action"`
		Subject string `json:"subject"`
		From    string `json:"from"`
		To      string `json:"to"`
		Before  int64  `json:"before"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	q, err := auditFilter{Actor: in.Actor, Action: in.Action, Subject: in.Subject, From: in.From, To: in.To, Before: in.Before}.Query()
	if err != nil {
		return err
	}
	page, err := s.db.SearchAuditAs(r.Context(), st, q)
	if err != nil {
		return err
	}
	out := struct {
		Entries []auditEntryJSON `json:"entries"`
		Next    int64            `json:"next,omitempty"`
	}{Entries: []auditEntryJSON{}, Next: page.Next}
	for _, e := range page.Events {
		out.Entries = append(out.Entries, auditEntryJSON{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, Subject: e.Subject,
			Address: e.Address, Details: e.Details})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiAuditVerify: POST /api/v1/office/audit/verify — 202 the verification job.
func (s *Server) apiAuditVerify(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	job, err := s.jobs.start(r.Context(), st, store.NewJob{Kind: store.JobAuditVerify}, s.auditVerifyJob(), func() {})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/office/audit/verify/"+strconv.FormatInt(job.ID, 10))
	writeJSON(w, http.StatusAccepted, jobJSONOf(job))
	return nil
}

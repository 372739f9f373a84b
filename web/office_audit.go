package web

// The supervisor's audit viewer (issue 14, point 9; SEC-1): the log filtered by actor,
// action, subject and a range of dates (the last week unless told otherwise), newest
// first, a page at a time; and the
// chain's verification, run in the background on demand (it reads the whole log,
// which takes longer than a request may once the log is long), with its result.
// The filters travel in POST bodies: a subject may be an ИНН (SEC-2).

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kabinet"
	"kabinet/store"
)

// auditPageSize is how many entries a page shows.
const auditPageSize = 50

// auditActions are offered as the action filter's suggestions; any action may be typed.
var auditActions = []string{"auth.signin", "auth.signout", "staff.create", "staff.disable", "staff.enable", "staff.totp_reset",
	"staff.totp_required", "staff.totp_enrol", "office.create", "office.rename", "offices.import", "registry.upload",
	"registry.import", "registry.import_job", "registry.lookup", "audit.view", "audit.verify_start", "audit.verify", "job.interrupted",
	"application.receive", "application.decide", "account.annul", "account.unlock", "policy.change", "form.load"}

// auditData is the viewer's page.
type auditData struct {
	Events  []kabinet.AuditEvent
	Next    int64 // the next page's cursor; 0: none
	Actions []string
	Verify  *store.Job // the latest verification
}

// auditFilter is the viewer's filter form.
type auditFilter struct {
	Actor, Action, Subject, From, To string
	Before                           int64
}

func readAuditFilter(r *http.Request) auditFilter {
	f := auditFilter{Actor: r.PostFormValue("actor"), Action: r.PostFormValue("action"), Subject: r.PostFormValue("subject"),
		From: strings.TrimSpace(r.PostFormValue("from")), To: strings.TrimSpace(r.PostFormValue("to"))}
	f.Before, _ = strconv.ParseInt(r.PostFormValue("before"), 10, 64)
	return f
}

// parseDate reads a date as the date picker sends it (YYYY-MM-DD) or as typed on
// paper (ДД.ММ.ГГГГ); empty is no date.
func parseDate(field, s string) (kabinet.Date, bool, error) {
	if s == "" {
		return kabinet.Date{}, false, nil
	}
	for _, layout := range []string{"2006-01-02", "02.01.2006"} {
		if t, err := time.ParseInLocation(layout, s, kabinet.Bishkek); err == nil {
			return kabinet.DateOf(t), true, nil
		}
	}
	return kabinet.Date{}, false, kabinet.Errorf(kabinet.KindInvalid, "invalid_date", "%s: not a date (YYYY-MM-DD or ДД.ММ.ГГГГ)", field).With("field", field)
}

// Query is the store's query: From's day from its start, To's day to its end, Bishkek time.
func (f auditFilter) Query() (store.AuditQuery, error) {
	q := store.AuditQuery{Actor: strings.TrimSpace(f.Actor), Action: strings.TrimSpace(f.Action), Subject: strings.TrimSpace(f.Subject),
		Before: f.Before, Limit: auditPageSize}
	from, ok, err := parseDate("from", f.From)
	if err != nil {
		return q, err
	}
	if ok {
		q.From = kabinet.EndOfDay(from.AddDays(-1)).Add(time.Millisecond)
	}
	to, ok, err := parseDate("to", f.To)
	if err != nil {
		return q, err
	}
	if ok {
		q.To = kabinet.EndOfDay(to).Add(time.Millisecond)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return q, kabinet.Errorf(kabinet.KindInvalid, "invalid_date_range", "from is after to").With("field", "to")
	}
	return q, nil
}

func (s *Server) auditView(r *http.Request, st store.StaffActor) *view {
	v := s.officeView(r, &st, "office_audit", "sup.audit.title")
	v.Path = "/office/audit"
	d := &auditData{Actions: auditActions}
	if jobs, err := s.db.Jobs(r.Context(), store.JobAuditVerify, 1); err == nil && len(jobs) > 0 {
		d.Verify = &jobs[0]
	}
	v.D = d
	return v
}

// auditDefaultDays is how many days back the viewer's search reaches unless told
// otherwise: a search within dates reads only their entries (store.SearchAudit).
const auditDefaultDays = 7

// pageOfficeAudit: GET /office/audit — the newest entries of the last auditDefaultDays
// days, and the chain's last verification.
func (s *Server) pageOfficeAudit(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	return s.auditSearch(w, r, st, auditFilter{From: kabinet.DateOf(s.clock.Now()).AddDays(1 - auditDefaultDays).ISO()})
}

// pageOfficeAuditPost: POST /office/audit — the entries the filters select, a page at a time.
func (s *Server) pageOfficeAuditPost(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	return s.auditSearch(w, r, st, readAuditFilter(r))
}

func (s *Server) auditSearch(w http.ResponseWriter, r *http.Request, st store.StaffActor, f auditFilter) error {
	v := s.auditView(r, st)
	v.Form = map[string]string{"actor": cleanEcho(f.Actor), "action": cleanEcho(f.Action), "subject": cleanEcho(f.Subject),
		"from": cleanEcho(f.From), "to": cleanEcho(f.To)}
	q, err := f.Query()
	var page store.AuditPage
	if err == nil {
		page, err = s.db.SearchAuditAs(r.Context(), st, q)
	}
	if err != nil {
		if kabinet.ErrorKind(err) != kabinet.KindInvalid {
			return err
		}
		s.fail(w, r, v, err, errorField(err, ""))
		return nil
	}
	d := v.D.(*auditData)
	d.Events, d.Next = page.Events, page.Next
	v.supNoticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeAuditVerify: POST /office/audit/verify — starts the chain's verification
// in the background and shows its page.
func (s *Server) pageOfficeAuditVerify(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	job, err := s.jobs.start(r.Context(), st, store.NewJob{Kind: store.JobAuditVerify}, s.auditVerifyJob(), func() {})
	if err != nil {
		if kabinet.ErrorCode(err) != "job_running" {
			return err
		}
		v := s.auditView(r, st)
		s.fail(w, r, v, err, "")
		return nil
	}
	return seeOther(w, r, jobHref(job))
}

// auditVerifyJob checks the chain (store.VerifyAuditProgress), reporting the entries
// checked, and the breaks as the job's lines.
func (s *Server) auditVerifyJob() jobFunc {
	return func(ctx context.Context, rep *jobReport) store.JobOutcome {
		res, err := s.db.VerifyAuditProgress(ctx, func(checked, head int64) {
			rep.update(ctx, func(p *store.JobProgress) { p.Done, p.Total, p.Read = checked, max(head, checked), checked })
		})
		if err != nil {
			return s.jobs.outcomeOf(rep.id, err)
		}
		rep.update(ctx, func(p *store.JobProgress) {
			p.Read, p.Done, p.Total, p.Rejected = res.Entries, res.Entries, max(res.Head, res.Entries), int64(len(res.Breaks))
			for _, b := range res.Breaks {
				if p.Kept+len(p.Lines) < store.JobLinesKept {
					p.Lines = append(p.Lines, store.JobLine{Reason: b})
				}
			}
		})
		return store.JobOutcome{State: store.JobDone, Details: map[string]any{"intact": res.OK(), "entries": res.Entries,
			"head": res.Head, "breaks": len(res.Breaks)}}
	}
}

// pageOfficeAuditJob: GET /office/audit/jobs/{id} — a verification's progress and result.
func (s *Server) pageOfficeAuditJob(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	return s.showJob(w, r, st, store.JobAuditVerify, "sup.job.audit.title")
}

package web

// The office's view of filing through the API (FIL-9): officers of the subject's
// office (supervisors: all) list filings, open one as filed, and list who has not
// filed. The store scopes and audits every look.

import (
	"net/http"
	"strconv"

	"kabinet"
	"kabinet/store"
)

// apiOfficeFilings: GET /api/v1/office/filings?form=&period=&type=&late=&office=&current=&limit=&after=
// — the office's filings, newest first, without their cells.
func (s *Server) apiOfficeFilings(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.OfficeFilingFilter{Form: q.Get("form"), Period: q.Get("period"), Type: kabinet.FilingType(q.Get("type")),
		Office: q.Get("office"), After: q.Get("after")}
	if f.Type != "" && !f.Type.Valid() {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_filing_type", "type is initial, correction or liquidation")
	}
	if v := q.Get("late"); v != "" {
		late, err := strconv.ParseBool(v)
		if err != nil {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_query", "late is true or false").With("field", "late")
		}
		f.Late = &late
	}
	if v := q.Get("current"); v != "" {
		cur, err := strconv.ParseBool(v)
		if err != nil {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_query", "current is true or false").With("field", "current")
		}
		f.CurrentOnly = cur
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_query", "limit is a positive integer").With("field", "limit")
		}
		f.Limit = n
	}
	fs, err := s.db.OfficeFilings(r.Context(), st, f)
	if err != nil {
		return err
	}
	out := make([]filingView, 0, len(fs))
	for _, x := range fs {
		v, err := viewOfFiling(x, "/api/v1/office/filings/")
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"filings": out})
	return nil
}

// apiOfficeFiling: GET /api/v1/office/filings/{number} — one filing as filed, with its
// cells; another office's is 403 wrong_office for an officer.
func (s *Server) apiOfficeFiling(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	f, err := s.db.OfficeFiling(r.Context(), st, r.PathValue("number"))
	if err != nil {
		return err
	}
	v, err := viewOfFiling(f, "/api/v1/office/filings/")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// apiOfficeFilingReportPDF: GET /api/v1/office/filings/{number}/report.pdf (FIL-9).
func (s *Server) apiOfficeFilingReportPDF(w http.ResponseWriter, r *http.Request) error {
	return s.officeFilingPDF(w, r, "report")
}

// apiOfficeFilingReceiptPDF: GET /api/v1/office/filings/{number}/receipt.pdf (FIL-9).
func (s *Server) apiOfficeFilingReceiptPDF(w http.ResponseWriter, r *http.Request) error {
	return s.officeFilingPDF(w, r, "receipt")
}

func (s *Server) officeFilingPDF(w http.ResponseWriter, r *http.Request, kind string) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	f, err := s.db.OfficeFiling(r.Context(), st, r.PathValue("number"))
	if err != nil {
		return err
	}
	return s.writeFilingPDF(w, r, f, kind)
}

// apiOfficeNonFilers: GET /api/v1/office/non-filers?form=&period= — the subjects that
// must file the form and have not filed it for the period, once it is overdue (FIL-8, FIL-9).
func (s *Server) apiOfficeNonFilers(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	code, period := r.URL.Query().Get("form"), r.URL.Query().Get("period")
	d, p, err := s.formPeriod(r.Context(), code, period)
	if err != nil {
		return err
	}
	rep, err := s.db.NonFilers(r.Context(), st, d.Code, p.String(), d.DueDate(p))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"form": rep.Form, "period": rep.Period, "due": rep.Due.ISO(),
		"overdue": rep.Overdue, "subjects": rep.Subjects, "truncated": rep.Truncated})
	return nil
}

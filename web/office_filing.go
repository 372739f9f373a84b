package web

// The back office's filing pages (FIL-9, FIL-1): the office's filings filtered by form,
// period, type and lateness, each opened as filed; the subjects that have not filed a
// form for a period past its due date; and, for supervisors, loading a new form
// version from a file. The store scopes officers to their office and audits each look.

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"kabinet"
	"kabinet/form"
	"kabinet/store"
)

// officeFilingsData is the office's list of filings.
type officeFilingsData struct {
	Filings  []kabinet.Filing
	Codes    []string
	Types    []kabinet.FilingType
	Searched bool
}

// filterValue is a query value as a filter: short, printable, upper-cased.
func filterValue(r *http.Request, name string) string {
	v := strings.ToUpper(strings.TrimSpace(cleanEcho(r.URL.Query().Get(name))))
	if len(v) > 16 {
		return ""
	}
	return v
}

func (s *Server) formCodes() []string {
	var codes []string
	for _, vs := range sortedForms(s.forms) {
		codes = append(codes, vs[0].Code)
	}
	return codes
}

// pageOfficeFilings: GET /office/filings?form=&period=&type=&late= (FIL-9).
func (s *Server) pageOfficeFilings(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	v := s.officeView(r, &st, "filing_office_list", "filing.office.title")
	q := r.URL.Query()
	f := store.OfficeFilingFilter{Form: filterValue(r, "form"), Period: filterValue(r, "period"), Type: kabinet.FilingType(cleanEcho(q.Get("type")))}
	switch q.Get("late") {
	case "yes":
		t := true
		f.Late = &t
	case "no":
		t := false
		f.Late = &t
	}
	if f.Type != "" && !f.Type.Valid() {
		f.Type = ""
	}
	if f.Period != "" && kabinet.ValidPeriod(f.Period) != nil {
		v.Form = map[string]string{"form": f.Form, "period": f.Period, "type": string(f.Type), "late": q.Get("late")}
		v.D = &officeFilingsData{Codes: s.formCodes(), Types: kabinet.FilingTypes}
		s.fail(w, r, v, kabinet.Errorf(kabinet.KindInvalid, "invalid_period", "bad period"), "period")
		return nil
	}
	v.Form = map[string]string{"form": f.Form, "period": f.Period, "type": string(f.Type), "late": q.Get("late")}
	list, err := s.db.OfficeFilings(r.Context(), st, f)
	if err != nil {
		s.fail(w, r, v, err, "")
		return nil
	}
	v.D = &officeFilingsData{Filings: list, Codes: s.formCodes(), Types: kabinet.FilingTypes, Searched: true}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeFiling: GET /office/filings/{number} — one filing as filed (FIL-9).
func (s *Server) pageOfficeFiling(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f, err := s.db.OfficeFiling(r.Context(), st, r.PathValue("number"))
	if err != nil {
		return err
	}
	v := s.officeView(r, &st, "filing_receipt", "filing.office.show.title")
	rd, err := s.receiptData(v, f)
	if err != nil {
		return err
	}
	v.D = rd
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeFilingPDF: GET /office/filings/{number}/report.pdf — the report as filed.
func (s *Server) pageOfficeFilingPDF(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f, err := s.db.OfficeFiling(r.Context(), st, r.PathValue("number"))
	if err != nil {
		return err
	}
	return s.writeFilingPDF(w, r, f, "report")
}

// nonFilersData is the «Не сдавшие» page.
type nonFilersData struct {
	Codes  []string
	Report *store.NonFilersReport
}

// pageOfficeNonFilers: GET /office/non-filers?form=&period= — the subjects that must
// file the form (registry) and have not, for a period past its due date (FIL-9).
func (s *Server) pageOfficeNonFilers(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	v := s.officeView(r, &st, "filing_nonfilers", "filing.nonfilers.title")
	code, period := filterValue(r, "form"), filterValue(r, "period")
	v.Form = map[string]string{"form": code, "period": period}
	data := &nonFilersData{Codes: s.formCodes()}
	v.D = data
	if code == "" && period == "" {
		s.render(w, r, http.StatusOK, v)
		return nil
	}
	versions := s.forms.List()
	var kind form.PeriodKind
	for _, d := range versions {
		if d.Code == code {
			kind = d.PeriodKind
		}
	}
	if kind == "" {
		s.fail(w, r, v, kabinet.Errorf(kabinet.KindNotFound, "form_not_found", "no form %s", code), "form")
		return nil
	}
	p, err := form.ParsePeriod(kind, period)
	if err != nil {
		s.fail(w, r, v, kabinet.Errorf(kabinet.KindInvalid, "invalid_period", "%v", err), "period")
		return nil
	}
	d, err := s.forms.InForce(code, p)
	if err != nil {
		s.fail(w, r, v, err, "period")
		return nil
	}
	rep, err := s.db.NonFilers(r.Context(), st, code, p.String(), d.DueDate(p))
	if err != nil {
		s.fail(w, r, v, err, "")
		return nil
	}
	data.Report = &rep
	s.render(w, r, http.StatusOK, v)
	return nil
}

// formsData is the supervisor's page of form versions.
type formsData struct {
	Forms [][]*form.Definition
}

// pageOfficeForms: GET /office/forms — the catalogue, and a form to load a version (FIL-1).
func (s *Server) pageOfficeForms(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	s.refreshForms(r.Context())
	v := s.officeView(r, &st, "filing_forms", "filing.forms.title")
	v.D = &formsData{Forms: sortedForms(s.forms)}
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeFormsPost: POST /office/forms — a supervisor loads a form version's
// definition file (FIL-1): validated, stored (audited by the store) and added to the
// catalogue. The multipart body is read here, before the staff preamble, since the
// preamble parses url-encoded forms only.
func (s *Server) pageOfficeFormsPost(w http.ResponseWriter, r *http.Request) error {
	return s.supervisor(func(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
		v := s.officeView(r, &st, "filing_forms", "filing.forms.title")
		v.D = &formsData{Forms: sortedForms(s.forms)}
		file, _, err := r.FormFile("file")
		if err != nil {
			s.fail(w, r, v, kabinet.Errorf(kabinet.KindInvalid, "file_required", "choose a definition file"), "file")
			return nil
		}
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, MaxUploadBytes+1))
		if err != nil {
			return formParseError(err)
		}
		if len(data) > MaxUploadBytes {
			s.fail(w, r, v, kabinet.Errorf(kabinet.KindTooLarge, "file_too_large", "the file is larger than %d bytes", MaxUploadBytes), "file")
			return nil
		}
		d, err := form.Parse(data)
		if err != nil {
			s.fail(w, r, v, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_definition", "%v", err), "file")
			return nil
		}
		if err := s.db.AddFormVersion(r.Context(), st, d.Code, d.Version, data); err != nil {
			s.fail(w, r, v, err, "file")
			return nil
		}
		if err := s.forms.Add(d); err != nil && kabinet.ErrorCode(err) != "form_version_exists" {
			return err
		}
		return seeOther(w, r, "/office/forms?m=saved")
	})(w, r)
}

// pageVerifyFiling: GET /verify/filing[?number=&code=] — the receipt's QR leads here
// with the number and the code filled in (neither is personal data); the check itself
// is a POST.
func (s *Server) pageVerifyFiling(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "filing_verify", "filing.verify.title", "public")
	q := r.URL.Query()
	v.Form = map[string]string{"number": cleanEcho(q.Get("number")), "code": cleanEcho(q.Get("code"))}
	v.D = &verifyFilingData{}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// verifyFilingData is what the verification shows: the receipt, no cell values (FIL-7),
// or which fields were sent empty.
type verifyFilingData struct {
	Receipt *kabinet.Receipt
	// Missing are the fields the form was sent without ("number", "code").
	Missing map[string]bool
}

// pageVerifyFilingPost: POST /verify/filing {number, code} (FIL-7). The form sent with
// a field empty asks for it instead of answering that no such filing exists, and costs
// no look-up of the client's limit.
func (s *Server) pageVerifyFilingPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := s.newView(r, "filing_verify", "filing.verify.title", "public")
	v.Path = "/verify/filing"
	v.Form = keep(r, "number", "code")
	v.D = &verifyFilingData{}
	if missing, first := missingFields(r.PostFormValue, verifyFields); first != "" {
		v.D = &verifyFilingData{Missing: missing}
		s.fail(w, r, v, kabinet.Errorf(kabinet.KindUnprocessable, "filing_verify_fields_required",
			"enter the filing's registration number and its verification code"), first)
		return nil
	}
	rc, err := s.verifyFiling(r, r.PostFormValue("number"), r.PostFormValue("code"))
	if err != nil {
		s.fail(w, r, v, err, "number")
		return nil
	}
	v.D = &verifyFilingData{Receipt: &rc}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// verifyFilingHref is the verification page with a receipt's number and code.
func verifyFilingHref(number, code string) string {
	return "/verify/filing?number=" + url.QueryEscape(number) + "&code=" + url.QueryEscape(code)
}

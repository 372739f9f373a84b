package web

// The taxpayer's filing pages (CAB-2; FIL-2 … FIL-8): what is due, the filings and
// drafts; filling a form generated from its definition (with and without JavaScript);
// uploading an XML file; the receipt and the printed report. Checking, filing and
// printing are the filing service's (filing_service.go).

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"kabinet"
	"kabinet/form"
	"kabinet/store"
)

// filingPageRoutes registers the filing pages: the cabinet's, the back office's and
// the public verification of a receipt.
func (s *Server) filingPageRoutes(mux *http.ServeMux) {
	s.page(mux, "GET /cabinet/filings", s.pageFilings)
	s.page(mux, "GET /cabinet/filings/fill", s.pageFilingFill)
	s.page(mux, "POST /cabinet/filings/fill", s.pageFilingFillPost)
	s.page(mux, "POST /cabinet/filings/upload", s.pageFilingUpload)
	s.page(mux, "GET /cabinet/filings/{number}", s.pageFilingShow)
	s.page(mux, "GET /cabinet/filings/{number}/{file}", s.pageFilingPDF)

	s.page(mux, "GET /office/filings", s.staff(s.pageOfficeFilings))
	s.page(mux, "GET /office/filings/{number}", s.staff(s.pageOfficeFiling))
	s.page(mux, "GET /office/filings/{number}/report.pdf", s.staff(s.pageOfficeFilingPDF))
	s.page(mux, "GET /office/non-filers", s.staff(s.pageOfficeNonFilers))
	s.page(mux, "GET /office/forms", s.supervisor(s.pageOfficeForms))
	s.page(mux, "POST /office/forms", s.pageOfficeFormsPost)

	s.page(mux, "GET /verify/filing", s.pageVerifyFiling)
	s.page(mux, "POST /verify/filing", s.pageVerifyFilingPost)
}

// dueItem is a period of a form the subject must file and has not filed (FIL-8).
type dueItem struct {
	Form, Title, Period string
	Due                 kabinet.Date
	Overdue             bool
	Provisional         bool
}

// filingsData is the cabinet's «Отчёты» page.
type filingsData struct {
	Due       []dueItem
	Filings   []kabinet.Filing
	Drafts    []store.FilingDraft
	Forms     []formOption
	UploadKey string
	Errors    []string // an upload's errors, each with its line or cell
}

// formOption is a form the subject may file, for the «choose a form» list.
type formOption struct {
	Code, Title string
	Kind        form.PeriodKind
	Selected    bool
}

// duePeriods is how many of the latest ended periods of each form the list looks at.
const duePeriods = 8

// mustFile lists the forms the subject must file: the registry's reports (FIL-8) and,
// for an individual, the declarant's STI-155 (the Guide's user files it).
func mustFile(tp kabinet.Taxpayer) []string {
	codes := append([]string(nil), tp.Reports...)
	if tp.Kind == kabinet.Individual && !contains(codes, "STI-155") {
		codes = append(codes, "STI-155")
	}
	return codes
}

func contains(list []string, x string) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// dueList is what is due and overdue: each ended period of a form the subject must
// file, since the form's first version, with no accepted report (FIL-8).
func (s *Server) dueList(tp kabinet.Taxpayer, filings []kabinet.Filing, now time.Time, lang string) []dueItem {
	filed := map[string]bool{}
	for _, f := range filings {
		if f.Status == kabinet.FilingCurrent {
			filed[f.Form+" "+f.Period] = true
		}
	}
	var out []dueItem
	for _, code := range mustFile(tp) {
		var first *form.Definition
		for _, d := range s.forms.List() {
			if d.Code != code {
				continue
			}
			if first == nil || mustPeriod(d).Before(mustPeriod(first)) {
				first = d
			}
		}
		if first == nil {
			continue
		}
		var items []dueItem
		for p := mustPeriod(first); p.Ended(now); p = p.Next() {
			d, err := s.forms.InForce(code, p)
			if err != nil || filed[code+" "+p.String()] {
				continue
			}
			items = append(items, dueItem{Form: code, Title: trLang(d.Title, lang), Period: p.String(), Due: d.DueDate(p),
				Overdue: now.After(d.Deadline(p)), Provisional: d.Provisional})
		}
		if len(items) > duePeriods {
			items = items[len(items)-duePeriods:]
		}
		out = append(out, items...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.ISO() < out[j].Due.ISO() })
	return out
}

func mustPeriod(d *form.Definition) form.Period {
	p, _ := form.ParsePeriod(d.PeriodKind, d.ValidFrom) // validated when the definition was loaded
	return p
}

// formOptions are the forms a subject of the kind may file, one per code.
func (s *Server) formOptions(kind kabinet.TaxpayerKind, lang, selected string) []formOption {
	var out []formOption
	for _, versions := range sortedForms(s.forms) {
		d := versions[len(versions)-1]
		if filerAllowed(d, kind) {
			out = append(out, formOption{Code: d.Code, Title: trLang(d.Title, lang), Kind: d.PeriodKind, Selected: d.Code == selected})
		}
	}
	return out
}

func trLang(t form.Text, lang string) string {
	if lang == "ky" && t.KY != "" {
		return t.KY
	}
	return t.RU
}

func (s *Server) filingsView(r *http.Request, acct kabinet.Account) (*view, error) {
	ctx := r.Context()
	tp, err := s.db.Taxpayer(ctx, acct.INN)
	if err != nil {
		return nil, err
	}
	filings, err := s.db.Filings(ctx, acct.INN)
	if err != nil {
		return nil, err
	}
	drafts, err := s.db.Drafts(ctx, acct.INN)
	if err != nil {
		return nil, err
	}
	v := s.newView(r, "filing_list", "filing.list.title", "cabinet")
	v.Path = "/cabinet/filings"
	s.refreshForms(ctx)
	v.D = &filingsData{Due: s.dueList(tp, filings, s.clock.Now(), v.Lang), Filings: filings, Drafts: drafts,
		Forms: s.formOptions(tp.Kind, v.Lang, r.URL.Query().Get("form")), UploadKey: newIdempotencyKey()}
	return v, nil
}

// pageFilings: GET /cabinet/filings — what is due, the filings, the drafts (FIL-8).
func (s *Server) pageFilings(w http.ResponseWriter, r *http.Request) error {
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	v, err := s.filingsView(r, acct)
	if err != nil {
		return err
	}
	v.Form["period"] = cleanEcho(r.URL.Query().Get("period"))
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

// fillData is the page of one report being filled in.
type fillData struct {
	Code, Title, Period, ApprovedBy string
	Version                         int
	Provisional                     bool
	PeriodStart, PeriodEnd          kabinet.Date
	Due                             kabinet.Date
	LateNow                         bool // filed now, it would be late (FIL-8)
	Types                           []fillChoice
	Sections                        []fillSection
	General                         []string // errors that belong to no cell
	ErrorCount                      int
	Checked                         bool // the input control ran and found nothing
	Key                             string
	Draft                           *time.Time
}

// fillHref is the fill page's address for a form and period (neither is personal data).
func fillHref(code, period string) string {
	return "/cabinet/filings/fill?form=" + url.QueryEscape(code) + "&period=" + url.QueryEscape(period)
}

// openFill resolves the form and period a fill page is for: the version in force,
// the period ended, the form one the subject's kind files.
func (s *Server) openFill(r *http.Request, acct kabinet.Account, code, period string) (*form.Definition, form.Period, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	period = strings.ToUpper(strings.TrimSpace(period))
	if len(code) > 16 || len(period) > 16 {
		return nil, form.Period{}, kabinet.Errorf(kabinet.KindNotFound, "form_not_found", "no such form")
	}
	d, p, err := s.openForm(r.Context(), form.Input{Form: code, Period: period})
	if err != nil {
		return nil, p, err
	}
	tp, err := s.db.Taxpayer(r.Context(), acct.INN)
	if err != nil {
		return nil, p, err
	}
	if !filerAllowed(d, tp.Kind) {
		return nil, p, kabinet.Errorf(kabinet.KindUnprocessable, "form_not_for_subject", "%s is not filed by a subject of kind %s", d.ID(), tp.Kind)
	}
	return d, p, nil
}

// fillView renders the fill page for in; errs are shown beside their cells when checked,
// and capped (rows the page could not take, readFillInput) always.
func (s *Server) fillView(r *http.Request, acct kabinet.Account, d *form.Definition, p form.Period, in form.Input, key string, showErrors bool, capped []form.CellError) (*view, int, error) {
	_, _, res, errs, err := s.checkReport(r.Context(), acct.INN, in, true)
	if err != nil {
		return nil, 0, err
	}
	v := s.newView(r, "filing_fill", "filing.fill.title", "cabinet")
	v.Path = fillHref(d.Code, p.String())
	shown := errs
	if !showErrors {
		shown = nil
	}
	shown = append(shown[:len(shown):len(shown)], capped...)
	secs, general := fillModel(d, in, res, shown, v.lang)
	fd := &fillData{Code: d.Code, Title: tr(d.Title, v.lang), Period: p.String(), ApprovedBy: tr(d.ApprovedBy, v.lang), Version: d.Version,
		Provisional: d.Provisional, PeriodStart: p.First(), PeriodEnd: p.Last(), Due: d.DueDate(p), LateNow: d.Late(p, s.clock.Now()),
		Sections: secs, General: general, ErrorCount: len(shown), Checked: showErrors && len(shown) == 0, Key: key}
	for _, t := range d.Types {
		fd.Types = append(fd.Types, fillChoice{Value: string(t), Label: v.T("filing.type." + string(t)), Selected: t == in.Type})
	}
	if dr, err := s.db.Draft(r.Context(), acct.INN, d.Code, p.String()); err == nil {
		at := dr.UpdatedAt
		fd.Draft = &at
	}
	v.D = fd
	status := http.StatusOK
	if len(shown) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return v, status, nil
}

// pageFilingFill: GET /cabinet/filings/fill?form=&period=[&type=] — a new report, or
// the saved draft resumed (on any device, FIL-2). Header cells are offered from the
// last filing of the form.
func (s *Server) pageFilingFill(w http.ResponseWriter, r *http.Request) error {
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	q := r.URL.Query()
	d, p, err := s.openFill(r, acct, q.Get("form"), q.Get("period"))
	if err != nil {
		return s.filingsFail(w, r, acct, err)
	}
	in := form.Input{Form: d.Code, Period: p.String(), Cells: map[string]string{}, Tables: map[string][]map[string]string{}}
	if dr, err := s.db.Draft(r.Context(), acct.INN, d.Code, p.String()); err == nil {
		_ = json.Unmarshal(dr.Input, &in) // a draft the page did not write starts empty
		in.Form, in.Period = d.Code, p.String()
	} else if kabinet.ErrorKind(err) != kabinet.KindNotFound {
		return err
	} else {
		offer, err := s.HeaderOffer(r.Context(), acct.INN, d)
		if err != nil {
			return err
		}
		for k, v := range offer {
			in.Cells[k] = v
		}
		for _, t := range d.Tables {
			for i := 0; i < t.MinRows; i++ {
				in.Tables[t.Name] = append(in.Tables[t.Name], map[string]string{})
			}
		}
	}
	if t := form.Type(q.Get("type")); t != "" {
		in.Type = t
	}
	if in.Type == "" {
		in.Type = form.Initial
		if _, err := s.db.AcceptedFiling(r.Context(), acct.INN, d.Code, p.String()); err == nil {
			in.Type = form.Correction
		}
	}
	v, status, err := s.fillView(r, acct, d, p, in, newIdempotencyKey(), false, nil)
	if err != nil {
		return s.filingsFail(w, r, acct, err)
	}
	if q.Get("m") == "draft" {
		v.Notice = "filing.notice.draft_saved"
	}
	s.render(w, r, status, v)
	return nil
}

// filingsFail shows err on the «Отчёты» page (a form or period that cannot be filled).
func (s *Server) filingsFail(w http.ResponseWriter, r *http.Request, acct kabinet.Account, err error) error {
	return s.filingsFailOn(w, r, acct, err, "period")
}

// filingsFailOn shows err on the «Отчёты» page beside field ("period", or the upload's "file").
func (s *Server) filingsFailOn(w http.ResponseWriter, r *http.Request, acct kabinet.Account, err error, field string) error {
	if kabinet.ErrorKind(err) == kabinet.KindInternal {
		return err
	}
	v, verr := s.filingsView(r, acct)
	if verr != nil {
		return verr
	}
	v.Form["period"] = cleanEcho(r.FormValue("period"))
	s.fail(w, r, v, err, field)
	return nil
}

// pageFilingFillPost: POST /cabinet/filings/fill — the fill page's buttons: recompute
// (the default, also on Enter), add or remove a table row, save the draft, submit.
// Everything typed is kept (SEC-3).
func (s *Server) pageFilingFillPost(w http.ResponseWriter, r *http.Request) error {
	sess, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	d, p, err := s.openFill(r, acct, r.PostFormValue("form"), r.PostFormValue("period"))
	if err != nil {
		return s.filingsFail(w, r, acct, err)
	}
	in, capped := readFillInput(r, d, d.Code, p.String())
	key := cleanEcho(r.PostFormValue("key"))
	if len(key) < 16 || len(key) > 64 {
		key = newIdempotencyKey()
	}
	op := r.PostFormValue("op")
	switch {
	case strings.HasPrefix(op, "add:"):
		name := strings.TrimPrefix(op, "add:")
		if t := d.Table(name); t != nil && len(in.Tables[name]) < min(t.MaxRows, maxPageRows) {
			in.Tables[name] = append(in.Tables[name], map[string]string{})
		}
	case strings.HasPrefix(op, "remove:"):
		name, n, _ := strings.Cut(strings.TrimPrefix(op, "remove:"), ":")
		if i := atoiOr(n, 0) - 1; i >= 0 && i < len(in.Tables[name]) {
			in.Tables[name] = append(in.Tables[name][:i], in.Tables[name][i+1:]...)
		}
	case (op == "save" || op == "submit") && len(capped) > 0:
		// Rows were cut: saving or filing what is left would lose the rest. Show why instead.
		v, status, err := s.fillView(r, acct, d, p, in, key, op == "submit", capped)
		if err != nil {
			return s.filingsFail(w, r, acct, err)
		}
		s.render(w, r, status, v)
		return nil
	case op == "save":
		b, _ := json.Marshal(in)
		if _, err := s.db.SaveDraft(r.Context(), acct.INN, d.Code, p.String(), b); err != nil {
			return err
		}
		return seeOther(w, r, fillHref(d.Code, p.String())+"&m=draft")
	case op == "submit":
		rc, _, errs, err := s.fileReport(r.Context(), taxpayerActor(r, acct), sess, acct, in, r.PostFormValue("password"), key, true)
		if err == nil && len(errs) == 0 {
			if err := s.db.DeleteDraft(r.Context(), acct.INN, d.Code, p.String()); err != nil {
				s.log.WarnContext(r.Context(), "delete draft after filing: "+err.Error())
			}
			return seeOther(w, r, "/cabinet/filings/"+url.PathEscape(rc.Number)+"?m=filed")
		}
		v, status, verr := s.fillView(r, acct, d, p, in, key, true, nil)
		if verr != nil {
			return s.filingsFail(w, r, acct, verr)
		}
		if err != nil {
			field := ""
			switch kabinet.ErrorCode(err) {
			case "invalid_credentials", "password_required":
				field = "password"
			case "already_filed", "nothing_to_correct", "form_closed", "type_not_allowed", "invalid_filing_type":
				field = "type"
			}
			s.fail(w, r, v, err, field)
			return nil
		}
		s.render(w, r, status, v)
		return nil
	}
	v, status, err := s.fillView(r, acct, d, p, in, key, op == "" || op == "recompute", capped)
	if err != nil {
		return s.filingsFail(w, r, acct, err)
	}
	s.render(w, r, status, v)
	return nil
}

func atoiOr(s string, def int) int {
	n := 0
	if s == "" || len(s) > 6 {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// pageFilingUpload: POST /cabinet/filings/upload?key= — a report as an XML file
// (FIL-3) with the password; a malformed file's line and reason, or the input
// control's errors, are shown on the «Отчёты» page.
func (s *Server) pageFilingUpload(w http.ResponseWriter, r *http.Request) error {
	sess, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	req, err := readFilingUpload(r)
	if err != nil {
		// The file's own faults (unreadable, too large, missing) belong beside the file,
		// a malformed file's with its line and reason (FIL-3).
		if e, ok := kabinet.AsError(err); ok && e.Code == "invalid_file" {
			v, verr := s.filingsView(r, acct)
			if verr != nil {
				return verr
			}
			if msg := uploadFault(v, e); msg != "" {
				v.D.(*filingsData).Errors = append(v.D.(*filingsData).Errors, msg)
			}
			s.fail(w, r, v, err, "file")
			return nil
		}
		return s.filingsFailOn(w, r, acct, err, "file")
	}
	key := cleanEcho(r.URL.Query().Get("key"))
	if len(key) > 64 {
		key = ""
	}
	rc, _, errs, err := s.fileReport(r.Context(), taxpayerActor(r, acct), sess, acct, req.in, req.password, key, false)
	if err != nil {
		return s.filingsFail(w, r, acct, err)
	}
	if len(errs) > 0 {
		v, err := s.filingsView(r, acct)
		if err != nil {
			return err
		}
		fd := v.D.(*filingsData)
		for _, e := range errs {
			fd.Errors = append(fd.Errors, e.Message(v.lang))
		}
		s.fail(w, r, v, s.inputControl(r, errs), "file")
		return nil
	}
	return seeOther(w, r, "/cabinet/filings/"+url.PathEscape(rc.Number)+"?m=filed")
}

// uploadFault is a malformed file's line and reason in the user's language, or "" when
// the error names no reason the catalog knows.
func uploadFault(v *view, e *kabinet.Error) string {
	reason, _ := e.Details["reason"].(string)
	key := "filing.upload.reason." + reason
	if reason == "" || !v.s.cat.Has(v.lang, key) {
		return ""
	}
	if line, ok := e.Details["line"].(int); ok && line > 0 {
		return v.T("filing.upload.at_line", "line", line, "reason", v.T(key))
	}
	return v.T(key)
}

// receiptData is the receipt page: the filing and, for reading, what was filed.
type receiptData struct {
	F        kabinet.Filing
	Title    string
	Sections []fillSection
	Filed    bool // just filed: say so
	Fill     string
}

// pageFilingShow: GET /cabinet/filings/{number} — the receipt (FIL-7) and the report as
// filed; links to print both.
func (s *Server) pageFilingShow(w http.ResponseWriter, r *http.Request) error {
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	f, err := s.db.Filing(r.Context(), acct.INN, r.PathValue("number"))
	if err != nil {
		return err
	}
	v := s.newView(r, "filing_receipt", "filing.receipt.title", "cabinet")
	rd, err := s.receiptData(v, f)
	if err != nil {
		return err
	}
	rd.Filed = r.URL.Query().Get("m") == "filed"
	rd.Fill = fillHref(f.Form, f.Period) + "&type=correction"
	v.D = rd
	s.render(w, r, http.StatusOK, v)
	return nil
}

func (s *Server) receiptData(v *view, f kabinet.Filing) (*receiptData, error) {
	d, err := s.definitionFor(f)
	if err != nil {
		return nil, err
	}
	res, err := filedContent(f)
	if err != nil {
		return nil, err
	}
	return &receiptData{F: f, Title: tr(d.Title, v.lang), Sections: filedSections(d, res, v.lang)}, nil
}

// pageFilingPDF: GET /cabinet/filings/{number}/report.pdf and …/receipt.pdf (FIL-7),
// in the user's language (I18N-1).
func (s *Server) pageFilingPDF(w http.ResponseWriter, r *http.Request) error {
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	kind := strings.TrimSuffix(r.PathValue("file"), ".pdf")
	if kind != "report" && kind != "receipt" || !strings.HasSuffix(r.PathValue("file"), ".pdf") {
		return kabinet.Errorf(kabinet.KindNotFound, "not_found", "no page %s", r.URL.Path)
	}
	f, err := s.db.Filing(r.Context(), acct.INN, r.PathValue("number"))
	if err != nil {
		return err
	}
	return s.writeFilingPDF(w, r, f, kind)
}

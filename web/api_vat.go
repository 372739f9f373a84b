package web

import (
	"bytes"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kabinet"
	"kabinet/i18n"
	"kabinet/ident"
	"kabinet/inn"
	"kabinet/pdf"
	"kabinet/store"
)

// VAT invoice series and numbers for the subject and for anyone (CAB-3, VAT-1 … VAT-6).
// The rules are the root package's and the store's; these handlers read the request,
// call the store once, and answer. The office's calls are in api_vat_office.go.

// vatApplicationView is a VAT application as the API shows it: the application with
// its decision and its ranges (each with its annulled tail, VAT-5), and its code grouped
// for reading aloud.
type vatApplicationView struct {
	kabinet.VATApplication
	CodeDisplay string          `json:"code_display"`
	Links       map[string]link `json:"links,omitempty"`
}

func vatViewOf(a kabinet.VATApplication) vatApplicationView {
	v := vatApplicationView{VATApplication: a, CodeDisplay: ident.FormatCode(a.Code)}
	if a.DecisionNumber != "" {
		v.Links = map[string]link{"decision_pdf": {Method: "GET", Href: vatCabinetPDFHref(a.DecisionNumber)}}
	}
	return v
}

// intOf reads a JSON number (or a string of digits, as printed) that must be a whole
// number; ok is false for anything else, so the caller answers with its own code.
func intOf(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) || x < math.MinInt32 || x > math.MaxInt32 {
			return 0, false
		}
		return int(x), true
	case string:
		n, err := kabinet.ParseVATNumber(x)
		return n, err == nil
	}
	return 0, false
}

func invalidQuantity(pol kabinet.Policy) error {
	return kabinet.CheckVATQuantity(0, pol)
}

func invalidNumber() error {
	_, err := kabinet.ParseVATNumber("")
	return err
}

// apiVATApply: POST /api/v1/vat/applications {quantity, password} (VAT-1, VAT-2).
func (s *Server) apiVATApply(w http.ResponseWriter, r *http.Request) error {
	sess, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	var in struct {
		Quantity any    `json:"quantity"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	q, ok := 0, false
	if f, isNum := in.Quantity.(float64); isNum {
		q, ok = intOf(f)
	}
	if !ok {
		pol, err := s.db.Policy(r.Context())
		if err != nil {
			return err
		}
		return invalidQuantity(pol)
	}
	a, err := s.db.ApplyVAT(r.Context(), taxpayerActor(r, acct), sess, in.Password, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, vatViewOf(a))
	return nil
}

// vatPayerState is whether the subject may apply now (VAT-1) and, if not, why: the
// error code (not_vat_payer, registration_liquidated) and its text.
type vatPayerState struct {
	MayApply bool   `json:"may_apply"`
	Reason   string `json:"reason,omitempty"`
	Message  string `json:"message,omitempty"`
}

func (s *Server) vatPayer(r *http.Request, acct kabinet.Account) (vatPayerState, error) {
	tp, err := s.db.Taxpayer(r.Context(), acct.INN)
	if kabinet.ErrorCode(err) == "inn_not_found" {
		tp, err = kabinet.Taxpayer{INN: acct.INN, Status: kabinet.RegistrationLiquidated}, nil
	}
	if err != nil {
		return vatPayerState{}, err
	}
	if err := kabinet.VATPayer(tp, s.clock.Now()); err != nil {
		e, _ := kabinet.AsError(err)
		return vatPayerState{Reason: e.Code, Message: s.vatErrorText(langOf(r), e)}, nil
	}
	return vatPayerState{MayApply: true}, nil
}

// apiVATList: GET /api/v1/vat/applications — the subject's applications, newest
// first, with their decisions and ranges (VAT-2, VAT-3, VAT-5), and whether the
// subject may apply (VAT-1).
func (s *Server) apiVATList(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	payer, err := s.vatPayer(r, acct)
	if err != nil {
		return err
	}
	apps, err := s.db.VATApplications(r.Context(), acct.INN)
	if err != nil {
		return err
	}
	out := make([]vatApplicationView, len(apps))
	for i, a := range apps {
		out[i] = vatViewOf(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"payer": payer, "applications": out})
	return nil
}

// apiVATUnused: POST /api/v1/vat/unused {series, from, to, password} — the notice of
// unused numbers (VAT-5, STI-005): the tail from `from` to the range's end `to` is
// annulled for good.
func (s *Server) apiVATUnused(w http.ResponseWriter, r *http.Request) error {
	sess, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	var in struct {
		Series   string `json:"series"`
		From     any    `json:"from"`
		To       any    `json:"to"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	from, ok1 := intOf(in.From)
	to, ok2 := intOf(in.To)
	if !ok1 || !ok2 {
		return invalidNumber()
	}
	if err := s.db.ReportUnusedVAT(r.Context(), taxpayerActor(r, acct), sess, in.Password, in.Series, from, to); err != nil {
		return err
	}
	si, _ := kabinet.ParseVATSeries(in.Series)
	writeJSON(w, http.StatusOK, map[string]any{"annulled": kabinet.VATRange{Series: kabinet.VATSeriesName(si), From: from, To: to}})
	return nil
}

// checkVAT is the public check of a printed invoice (VAT-6, SEC-2), for the API and
// the page alike: counted against the client's per-minute limit first (the look-up's
// number), then answered, then audited — nothing is answered unaudited. The answer is
// the state alone.
func (s *Server) checkVAT(r *http.Request, series, number, innValue string) (kabinet.VATNumberState, error) {
	pol, err := s.db.Policy(r.Context())
	if err != nil {
		return "", err
	}
	if err := s.db.Limit(r.Context(), store.VATCheckKey(clientAddress(r)), pol.LookupsPerMinute, store.VATCheckWindow); err != nil {
		return "", err
	}
	si, err := kabinet.ParseVATSeries(series)
	if err != nil {
		return "", err
	}
	n, err := kabinet.ParseVATNumber(number)
	if err != nil {
		return "", err
	}
	id, err := inn.Parse(innValue)
	if err != nil {
		return "", err
	}
	st, err := s.db.CheckVATNumber(r.Context(), kabinet.VATSeriesName(si), n, id.Value)
	if err != nil {
		return "", err
	}
	if err := s.db.AuditVATCheck(r.Context(), publicActor(r), id.Value, kabinet.VATSeriesName(si), n, st); err != nil {
		return "", err
	}
	return st, nil
}

// apiVATCheck: POST /api/v1/vat/check {series, number, inn} → {state} (VAT-6). The
// ИНН travels in the body (SEC-2); number may be a JSON number or the printed digits.
func (s *Server) apiVATCheck(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Series string `json:"series"`
		Number any    `json:"number"`
		INN    string `json:"inn"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	number := ""
	switch x := in.Number.(type) {
	case string:
		number = x
	case float64:
		if n, ok := intOf(x); ok && n > 0 {
			number = kabinet.FormatVATNumber(n)
		}
	}
	st, err := s.checkVAT(r, in.Series, number, in.INN)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": st})
	return nil
}

// vatDecisionPublic is what the public verification of a VAT decision shows: what the
// paper shows, no more (VAT-3, ACC-8).
type vatDecisionPublic struct {
	Number     string             `json:"number"`
	Outcome    kabinet.Outcome    `json:"outcome"`
	Ground     kabinet.VATGround  `json:"ground,omitempty"`
	Text       string             `json:"text,omitempty"`
	INN        string             `json:"inn"`
	Name       string             `json:"name"`
	OfficeCode string             `json:"office_code"`
	Officer    string             `json:"officer"`
	DecidedAt  time.Time          `json:"decided_at"`
	Quantity   int                `json:"quantity"`
	Ranges     []kabinet.VATRange `json:"ranges,omitempty"`
}

func publicVATDecision(d kabinet.VATDecision) vatDecisionPublic {
	return vatDecisionPublic{Number: d.Number, Outcome: d.Outcome, Ground: d.Ground, Text: d.Text, INN: d.INN, Name: d.Name,
		OfficeCode: d.OfficeCode, Officer: d.Officer, DecidedAt: d.DecidedAt, Quantity: d.Quantity, Ranges: d.Ranges}
}

// verifyVATDecision checks a paper VAT decision, rate-limited with the access
// decisions' verification (one count per client) so codes cannot be guessed.
func (s *Server) verifyVATDecision(r *http.Request, number, code string) (kabinet.VATDecision, error) {
	if len(number) > 64 || len(code) > 64 {
		return kabinet.VATDecision{}, kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no such decision")
	}
	pol, err := s.db.Policy(r.Context())
	if err != nil {
		return kabinet.VATDecision{}, err
	}
	if err := s.db.Limit(r.Context(), "verify:"+clientAddress(r), pol.LookupsPerMinute, time.Minute); err != nil {
		return kabinet.VATDecision{}, err
	}
	return s.db.VerifyVATDecision(r.Context(), number, code)
}

// apiVATVerify: GET /api/v1/vat/decisions/verify?number=&code= (VAT-3, ACC-8).
// Neither value is a personal identifier, so they may travel in the URL, as the QR's.
func (s *Server) apiVATVerify(w http.ResponseWriter, r *http.Request) error {
	d, err := s.verifyVATDecision(r, r.URL.Query().Get("number"), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, publicVATDecision(d))
	return nil
}

// vatVerifyURL is printed on a VAT decision and held by its QR.
func (s *Server) vatVerifyURL(d kabinet.VATDecision) string {
	return s.cfg.BaseURL + "/vat/verify?number=" + url.QueryEscape(d.Number) + "&code=" + url.QueryEscape(d.VerificationCode)
}

// vatDecisionPDF prints a VAT decision in the user's language: two copies, QR to the
// public verification page (VAT-3, I18N-1).
func (s *Server) vatDecisionPDF(r *http.Request, d kabinet.VATDecision) ([]byte, error) {
	o, err := s.db.Office(r.Context(), d.OfficeCode)
	if err != nil {
		return nil, err
	}
	lang := langOf(r)
	ranges := make([]pdf.InvoiceRange, len(d.Ranges))
	for i, x := range d.Ranges {
		ranges[i] = pdf.InvoiceRange{Series: x.Series, First: x.From, Last: x.To}
	}
	var buf bytes.Buffer
	err = pdf.VATDecision(&buf, pdf.VATDecisionForm{Number: d.Number, DecidedAt: d.DecidedAt, OfficeCode: o.Code,
		OfficeName: o.Name(string(lang)), Officer: d.Officer, INN: d.INN, Name: d.Name, ApplicationCode: d.ApplicationCode,
		Quantity: d.Quantity, Outcome: string(d.Outcome), Ground: string(d.Ground), GroundText: d.Text, Ranges: ranges,
		VerificationCode: d.VerificationCode, VerifyURL: s.vatVerifyURL(d), Lang: lang})
	return buf.Bytes(), err
}

func (s *Server) writeVATDecisionPDF(w http.ResponseWriter, r *http.Request, d kabinet.VATDecision) error {
	b, err := s.vatDecisionPDF(r, d)
	if err != nil {
		return err
	}
	writePDF(w, "reshenie-nds-"+d.Number+".pdf", b)
	return nil
}

// vatErrorText is an error's message for the VAT pages and calls: a VAT-specific text
// ("vat.error.<code>") where the general one speaks of access (fraud_evidence,
// registration_liquidated…), the general one otherwise.
func (s *Server) vatErrorText(lang i18n.Lang, e *kabinet.Error) string {
	return s.vatErrorTextIn(lang, e, false)
}

// vatErrorTextIn is vatErrorText; in the back office ("web.vat.error.office.<code>")
// the registry's refusals speak of the subject, not to it.
func (s *Server) vatErrorTextIn(lang i18n.Lang, e *kabinet.Error, office bool) string {
	if key := "web.vat.error.office." + e.Code; office && s.cat.Has(lang, key) {
		return s.cat.T(lang, key, detailPairs(e)...)
	}
	if key := "web.vat.error." + e.Code; s.cat.Has(lang, key) {
		return s.cat.T(lang, key, detailPairs(e)...)
	}
	return s.errorText(lang, e)
}

func detailPairs(e *kabinet.Error) []string { return textPairs(e) }

// vatAPI registers a VAT API handler whose error messages speak of VAT, not access.
func (s *Server) vatAPI(mux *http.ServeMux, pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			e, status := s.answerError(w, r, err)
			body := map[string]any{}
			for k, v := range e.Details {
				body[k] = v
			}
			body["code"] = e.Code
			body["message"] = s.vatErrorTextIn(langOf(r), e, inOffice(r))
			writeJSON(w, status, errorBody{Error: body})
		}
	})
}

// inOffice reports a back-office request (its pages and calls).
func inOffice(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/office/") || strings.HasPrefix(r.URL.Path, "/api/v1/office/")
}

// vatCabinetPDFHref is where the subject prints a decision of theirs.
func vatCabinetPDFHref(number string) string {
	return "/cabinet/vat/decisions/" + url.PathEscape(number) + ".pdf"
}

// vatRoutes registers the VAT calls and pages (CAB-3); routes.go calls it.
func (s *Server) vatRoutes(mux *http.ServeMux) {
	s.vatAPI(mux, "POST /api/v1/vat/applications", s.apiVATApply)
	s.vatAPI(mux, "GET /api/v1/vat/applications", s.apiVATList)
	s.vatAPI(mux, "POST /api/v1/vat/unused", s.apiVATUnused)
	s.vatAPI(mux, "POST /api/v1/vat/check", s.apiVATCheck)
	s.vatAPI(mux, "GET /api/v1/vat/decisions/verify", s.apiVATVerify)
	s.vatAPI(mux, "GET /api/v1/office/vat/applications", s.apiOfficeVATBoard)
	s.vatAPI(mux, "GET /api/v1/office/vat/applications/{code}", s.apiOfficeVATApplication)
	s.vatAPI(mux, "POST /api/v1/office/vat/applications/{code}/decision", s.apiOfficeVATDecision)
	s.vatAPI(mux, "GET /api/v1/office/vat/decisions/{number}/pdf", s.apiOfficeVATDecisionPDF)

	s.page(mux, "GET /cabinet/vat", s.pageVAT)
	s.page(mux, "POST /cabinet/vat/apply", s.pageVATApply)
	s.page(mux, "POST /cabinet/vat/unused", s.pageVATUnused)
	s.page(mux, "GET /cabinet/vat/decisions/{file}", s.pageVATDecisionPDF)
	s.page(mux, "GET /vat/check", s.pageVATCheck)
	s.page(mux, "POST /vat/check", s.pageVATCheckPost)
	s.page(mux, "GET /vat/verify", s.pageVATVerify)
	s.page(mux, "GET /office/vat/{$}", s.staff(s.pageOfficeVATBoard))
	s.page(mux, "GET /office/vat", func(w http.ResponseWriter, r *http.Request) error { return seeOther(w, r, "/office/vat/") })
	s.page(mux, "GET /office/vat/applications/{code}", s.staff(s.pageOfficeVATApplication))
	s.page(mux, "POST /office/vat/applications/{code}/decision", s.staff(s.pageOfficeVATDecision))
	s.page(mux, "GET /office/vat/decisions/{file}", s.staff(s.pageOfficeVATDecisionPDF))
}

// pdfNumber reads a decision number from a path's "{number}.pdf".
func pdfNumber(r *http.Request) (string, error) {
	number, found := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !found || number == "" {
		return "", kabinet.Errorf(kabinet.KindNotFound, "not_found", "no page %s", r.URL.Path)
	}
	return number, nil
}

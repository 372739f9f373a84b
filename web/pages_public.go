package web

import (
	"html/template"
	"net/http"

	"kabinet"
	"kabinet/password"
	"kabinet/store"
)

// maxPasswordLength is PWD-1's upper bound, shown among the requirements.
const maxPasswordLength = password.MaxLength

// Pol is the policy in force, read once per page (PWD-6: the requirements shown
// follow the supervisor's numbers).
func (v *view) Pol() kabinet.Policy {
	if v.pol == nil {
		p, err := v.s.db.Policy(v.ctx)
		if err != nil {
			p = kabinet.DefaultPolicy()
		}
		v.pol = &p
	}
	return *v.pol
}

// ruleText names a failed password rule in the user's language (PWD-1).
func (v *view) ruleText(rule string) string {
	p := v.Pol()
	return v.TOr("password.rule."+rule, "error.weak_password",
		"n", ruleNumber(rule, p), "chars", p.PasswordSpecials)
}

func ruleNumber(rule string, p kabinet.Policy) int {
	if rule == "max_length" {
		return maxPasswordLength
	}
	return p.PasswordMinLength
}

// MaxPassword is PWD-1's upper bound for the maxlength attribute.
func (v *view) MaxPassword() int { return maxPasswordLength }

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "home", "web.home.title", "public")
	s.render(w, r, http.StatusOK, v)
	return nil
}

// applyData is the application form's data (ACC-1, ACC-3, ANN-1).
type applyData struct {
	Kind   kabinet.ApplicationKind
	Fields *store.FormFields // filled from the registry after a look-up
}

// Annulment reports the annulment variant of the form.
func (d applyData) Annulment() bool { return d.Kind == kabinet.KindAnnulment }

// OfficeName is field 104's name in lang.
func (d applyData) OfficeName(lang string) string {
	if d.Fields == nil {
		return ""
	}
	if lang == "ky" && d.Fields.OfficeNameKY != "" {
		return d.Fields.OfficeNameKY
	}
	return d.Fields.OfficeNameRU
}

func kindOf(s string) kabinet.ApplicationKind {
	if s == string(kabinet.KindAnnulment) {
		return kabinet.KindAnnulment
	}
	return kabinet.KindAccess
}

func (s *Server) applyView(r *http.Request, kind kabinet.ApplicationKind) *view {
	title := "web.apply.title"
	path := "/apply"
	if kind == kabinet.KindAnnulment {
		title, path = "web.annul.title", "/annul"
	}
	v := s.newView(r, "apply", title, "public")
	v.Path = path
	v.D = &applyData{Kind: kind}
	return v
}

func (s *Server) pageApply(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, s.applyView(r, kabinet.KindAccess))
	return nil
}

func (s *Server) pageAnnul(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, s.applyView(r, kabinet.KindAnnulment))
	return nil
}

// applyField is the form field an application error belongs to.
func applyField(code string, kind kabinet.ApplicationKind) string {
	switch code {
	case "invalid_inn", "inn_not_found", "registration_liquidated", "no_active_account":
		return "inn"
	case "invalid_passport":
		return "passport"
	case "weak_password", "password_mismatch":
		return "password"
	case "invalid_credentials":
		if kind == kabinet.KindAnnulment {
			return "current_password"
		}
	}
	return ""
}

// lookup fills the form's registry fields: rate-limited and audited like the API's
// look-up (SEC-2), so re-rendering a form is no way around the limit.
func (s *Server) lookup(r *http.Request, rawINN string) (store.FormFields, error) {
	pol, err := s.db.Policy(r.Context())
	if err != nil {
		return store.FormFields{}, err
	}
	return s.db.LookupRegistry(r.Context(), publicActor(r), rawINN, pol.LookupsPerMinute)
}

// pageApplyLookup: the «Найти» button — fields 103, 104, address and 297 fill from the
// registry (ACC-1) or the subject is told why access cannot be requested (ACC-2).
func (s *Server) pageApplyLookup(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	kind := kindOf(r.PostFormValue("kind"))
	v := s.applyView(r, kind)
	v.Form = keep(r, "inn", "passport")
	f, err := s.lookup(r, r.PostFormValue("inn"))
	if err != nil {
		s.fail(w, r, v, err, "inn")
		return nil
	}
	v.D.(*applyData).Fields = &f
	s.render(w, r, http.StatusOK, v)
	return nil
}

// appliedData is the page shown once the application is formed (ACC-4).
type appliedData struct {
	App applicationView
}

// pageApplySubmit: «Сформировать заявление» (ACC-1…ACC-4, ANN-1).
func (s *Server) pageApplySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	kind := kindOf(r.PostFormValue("kind"))
	a, err := s.db.CreateApplication(r.Context(), publicActor(r), store.NewApplication{Kind: kind,
		INN: r.PostFormValue("inn"), Passport: r.PostFormValue("passport"), Password: r.PostFormValue("password"),
		PasswordConfirm: r.PostFormValue("password_confirm"), CurrentPassword: r.PostFormValue("current_password"),
		Lang: string(langOf(r))})
	if err != nil {
		v := s.applyView(r, kind)
		v.Form = keep(r, "inn", "passport")
		code := kabinet.ErrorCode(err)
		field := applyField(code, kind)
		if field != "inn" && code != "rate_limited" && code != "body_too_large" {
			if f, lerr := s.lookup(r, r.PostFormValue("inn")); lerr == nil {
				v.D.(*applyData).Fields = &f
			}
		}
		s.fail(w, r, v, err, field)
		return nil
	}
	s.renderApplied(w, r, a)
	return nil
}

// renderApplied shows the formed application: its code, field 300, the printable
// form and what to do next (ACC-4).
func (s *Server) renderApplied(w http.ResponseWriter, r *http.Request, a kabinet.Application) {
	v := s.newView(r, "applied", "web.applied.title", "public")
	v.Path = "/status"
	v.LangPost = &langPost{Action: "/status", Fields: map[string]string{"code": a.Code, "inn": a.INN}}
	v.D = appliedData{App: viewOf(a)}
	s.render(w, r, http.StatusOK, v)
}

// pageApplicationPDF: POST /applications/form.pdf {code, inn} — the printable form as
// PDF (ACC-4); the ИНН travels in the body (SEC-2).
func (s *Server) pageApplicationPDF(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := s.db.ApplicationStatus(r.Context(), r.PostFormValue("code"), r.PostFormValue("inn"))
	if err != nil {
		return err
	}
	return s.writeApplicationPDF(w, r, a, nil)
}

// printData is the print-ready form: two copies (ACC-4).
type printData struct {
	App        applicationView
	OfficeName string
	QR         template.HTML
	Copies     []int
}

// pageApplicationPrint: POST /applications/print {code, inn} — the form as a
// print-ready page: two copies, every field with its number, the code large and as a
// QR for the officer's scanner, a signature line. Never the password.
func (s *Server) pageApplicationPrint(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	r = s.switchLang(w, r)
	a, err := s.db.ApplicationStatus(r.Context(), r.PostFormValue("code"), r.PostFormValue("inn"))
	if err != nil {
		return err
	}
	o, err := s.db.Office(r.Context(), a.OfficeCode)
	if err != nil {
		return err
	}
	qr, err := qrSVG(a.Code, "qr")
	if err != nil {
		return err
	}
	v := s.newView(r, "print", "web.print.title", "public")
	v.Path = "/status"
	v.LangPost = &langPost{Action: "/applications/print", Fields: map[string]string{"code": a.Code, "inn": a.INN}}
	v.D = printData{App: viewOf(a), OfficeName: o.Code + " " + o.Name(v.Lang), QR: qr, Copies: []int{1, 2}}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// statusData is the application's status as its subject sees it.
type statusData struct {
	App      *applicationView
	Decision *kabinet.Decision
}

func (s *Server) pageStatus(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "status", "web.status.title", "public")
	v.D = statusData{}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageStatusPost: POST /status {code, inn} — where the application stands, its
// history in words; superseded says a newer application replaced it (RST-2).
func (s *Server) pageStatusPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	r = s.switchLang(w, r)
	v := s.newView(r, "status", "web.status.title", "public")
	v.Path = "/status"
	v.Form = keep(r, "code", "inn")
	v.D = statusData{}
	a, err := s.db.ApplicationStatus(r.Context(), r.PostFormValue("code"), r.PostFormValue("inn"))
	if err != nil {
		field := "code"
		if kabinet.ErrorCode(err) == "invalid_inn" {
			field = "inn"
		}
		s.fail(w, r, v, err, field)
		return nil
	}
	av := viewOf(a)
	d := statusData{App: &av}
	if a.DecisionNumber != "" {
		if dec, err := s.db.Decision(r.Context(), a.DecisionNumber); err == nil {
			d.Decision = &dec
		}
	}
	v.D = d
	v.LangPost = &langPost{Action: "/status", Fields: map[string]string{"code": a.Code, "inn": a.INN}}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// verifyData is the verification page's answer: what the paper shows (ACC-8).
type verifyData struct {
	Decision *decisionPublic
}

// pageVerify: GET /verify[?number=&code=] — the QR on a decision leads here. Neither
// value is a personal identifier.
func (s *Server) pageVerify(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "verify", "web.verify.title", "public")
	q := r.URL.Query()
	v.Form = map[string]string{"number": cleanEcho(q.Get("number")), "code": cleanEcho(q.Get("code"))}
	v.D = verifyData{}
	if q.Get("number") == "" && q.Get("code") == "" {
		s.render(w, r, http.StatusOK, v)
		return nil
	}
	d, err := s.verifyDecision(r, q.Get("number"), q.Get("code"))
	if err != nil {
		s.fail(w, r, v, err, "")
		return nil
	}
	pd := publicDecision(d)
	v.D = verifyData{Decision: &pd}
	s.render(w, r, http.StatusOK, v)
	return nil
}

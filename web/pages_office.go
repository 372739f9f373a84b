package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kabinet"
	"kabinet/store"
)

// needStaff returns the signed-in staff member, or sends the browser to the
// back office's sign-in page.
func (s *Server) needStaff(w http.ResponseWriter, r *http.Request) (store.Session, store.StaffActor, bool, error) {
	sess, st, err := s.staffSession(r)
	if err == nil {
		return sess, st, true, nil
	}
	switch kabinet.ErrorCode(err) {
	case "totp_enrolment_required":
		// SEC-1: a second factor is required; until it is enrolled, only its page.
		if r.URL.Path == "/office/totp" {
			return sess, st, true, nil
		}
		return sess, st, false, seeOther(w, r, "/office/totp")
	case "not_signed_in", "staff_not_found":
		return sess, st, false, seeOther(w, r, "/office/login?m=signin")
	case "session_expired":
		return sess, st, false, seeOther(w, r, "/office/login?m=expired")
	}
	return sess, st, false, err
}

func (s *Server) officeView(r *http.Request, st *store.StaffActor, name, title string) *view {
	v := s.newView(r, name, title, "office")
	if st != nil {
		staff := st.Staff
		v.Staff = &staff
	}
	return v
}

// IsSupervisor reports a supervisor signed in to the back office.
func (v *view) IsSupervisor() bool { return v.Staff != nil && v.Staff.Role == kabinet.RoleSupervisor }

func (s *Server) pageOfficeLogin(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.staffSession(r); err == nil {
		return seeOther(w, r, "/office/")
	}
	v := s.officeView(r, nil, "office_login", "web.office.login.title")
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeLoginPost: the same lockout rules as taxpayers, and the second factor
// when enrolled (SEC-1).
func (s *Server) pageOfficeLoginPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var res store.SignInResult
	var err error = kabinet.Errorf(kabinet.KindUnauthorized, "invalid_credentials", "wrong login or password")
	if !badLogin(r.PostFormValue("login")) {
		res, err = s.db.SignInStaff(r.Context(), publicActor(r), store.Credentials{Login: r.PostFormValue("login"),
			Password: r.PostFormValue("password"), OTP: strings.TrimSpace(r.PostFormValue("otp"))})
	}
	if err != nil {
		v := s.officeView(r, nil, "office_login", "web.office.login.title")
		v.Path = "/office/login"
		v.Form = keep(r, "login")
		s.fail(w, r, v, err, "")
		return nil
	}
	s.setSessionCookie(w, "staff", res.Token)
	return seeOther(w, r, "/office/")
}

func (s *Server) pageOfficeLogout(w http.ResponseWriter, r *http.Request) error {
	if tok := s.token(r, "staff"); tok != "" {
		if err := s.db.SignOut(r.Context(), publicActor(r), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, "staff")
	return seeOther(w, r, "/office/login?m=out")
}

// boardData is the back office's board (ACC-9, ANN-2).
type boardData struct {
	Board store.Board
}

func (s *Server) boardView(r *http.Request, st store.StaffActor) (*view, error) {
	b, err := s.db.Board(r.Context(), st.Staff)
	if err != nil {
		return nil, err
	}
	v := s.officeView(r, &st, "office_board", "web.office.board.title")
	v.Path = "/office/"
	v.D = boardData{Board: b}
	return v, nil
}

func (s *Server) pageOfficeBoard(w http.ResponseWriter, r *http.Request) error {
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	v, err := s.boardView(r, st)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeFind: ИНН and the generated code together (Reg §6, ACC-5); a scanner
// types the code from the printed QR. The code is no personal identifier, so the
// application's page is addressed by it.
func (s *Server) pageOfficeFind(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	a, err := s.db.FindApplication(r.Context(), st, r.PostFormValue("inn"), r.PostFormValue("code"))
	if err != nil {
		v, berr := s.boardView(r, st)
		if berr != nil {
			return err
		}
		v.Form = keep(r, "inn", "code")
		field := "code"
		if kabinet.ErrorCode(err) == "invalid_inn" {
			field = "inn"
		}
		s.fail(w, r, v, err, field)
		return nil
	}
	return seeOther(w, r, "/office/applications/"+url.PathEscape(a.Code))
}

// compareRow is one field of the application beside the registry's current value.
type compareRow struct {
	Number  string
	Label   string // catalog key
	App     string
	Live    string
	Differs bool
}

// officeAppData is an application as the officer works it (ACC-5, ACC-6, ACC-9).
type officeAppData struct {
	App      officeView
	Rows     []compareRow
	Decision *kabinet.Decision
	Checks   map[string]bool
	Outcome  string
	Ground   string
	CanGrant bool
	Overdue  bool
	Left     int64 // seconds to the deadline; negative when overdue
}

// Checklist names the officer's checks before receipt (Reg §6).
func (d officeAppData) Checklist() []string { return checklist }

var checklist = []string{"complete", "match", "signed"}

func (s *Server) officeAppView(r *http.Request, st store.StaffActor, a kabinet.Application) *view {
	ov := s.officeViewOf(r, a)
	v := s.officeView(r, &st, "office_app", "web.office.app.title")
	v.Path = "/office/applications/" + url.PathEscape(a.Code)
	differs := map[string]bool{}
	for _, d := range ov.Differences {
		differs[d] = true
	}
	office := func(code string) string { return v.Office(code) }
	d := officeAppData{App: ov, Checks: map[string]bool{}}
	var live kabinet.Taxpayer
	if ov.Registry != nil {
		live = *ov.Registry
	}
	d.Rows = []compareRow{
		{"102", "web.field.102", a.INN, live.INN, false},
		{"103", "web.field.103", a.Name, live.Name, differs["name"]},
		{"104", "web.field.104", office(a.OfficeCode), office(live.OfficeCode), differs["office_code"]},
		{"", "web.field.address", a.Address, live.Address, differs["address"]},
		{"106", "web.field.106", passportDisplay(a.Passport), "", false},
		{"297", "web.field.297", a.Signatory, live.Signatory(), differs["signatory"]},
		{"300", "web.field.300", field300(a.FilledAt), "", false},
	}
	if ov.Registry == nil {
		for i := range d.Rows {
			d.Rows[i].Live = ""
		}
	}
	d.CanGrant = ov.Registry != nil && !ov.FraudMark && ov.Registry.Status == kabinet.RegistrationActive
	switch {
	case ov.FraudMark:
		d.Ground = string(kabinet.GroundFraudEvidence)
	case ov.Registry == nil || ov.Registry.Status != kabinet.RegistrationActive:
		d.Ground = string(kabinet.GroundNoRegistration)
	}
	if a.Kind == kabinet.KindAnnulment {
		d.CanGrant = true
	}
	if a.DueAt != nil {
		now := s.clock.Now()
		d.Left = int64(a.DueAt.Sub(now) / time.Second)
		d.Overdue = now.After(*a.DueAt)
	}
	if a.DecisionNumber != "" {
		if dec, err := s.db.Decision(r.Context(), a.DecisionNumber); err == nil {
			d.Decision = &dec
		}
	}
	v.D = &d
	return v
}

// DiffersAny reports whether the registry changed since the application was formed.
func (d officeAppData) DiffersAny() bool { return len(d.App.Differences) > 0 }

// RegistryStatusDiffers reports a registration no longer active (or gone).
func (d officeAppData) RegistryStatusDiffers() bool {
	for _, x := range d.App.Differences {
		if x == "status" || x == "registration" {
			return true
		}
	}
	return false
}

func (s *Server) pageOfficeApplication(w http.ResponseWriter, r *http.Request) error {
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	a, err := s.db.ApplicationFor(r.Context(), st, r.PathValue("code"))
	if err != nil {
		return err // wrong_office: a 403 page; not found: 404 (ACC-10)
	}
	s.render(w, r, http.StatusOK, s.officeAppView(r, st, a))
	return nil
}

// failOnApplication shows err on the application's page, or as a page of its own
// when the application cannot be shown (another office's, unknown).
func (s *Server) failOnApplication(w http.ResponseWriter, r *http.Request, st store.StaffActor, err error, field string, keepForm func(*view)) error {
	a, aerr := s.db.ApplicationFor(r.Context(), st, r.PathValue("code"))
	if aerr != nil {
		return err
	}
	v := s.officeAppView(r, st, a)
	if keepForm != nil {
		keepForm(v)
	}
	s.fail(w, r, v, err, field)
	return nil
}

// pageOfficeReceive: the officer confirms the checklist and records receipt (Reg §6,
// §7; ACC-5); the deadline starts (ACC-9).
func (s *Server) pageOfficeReceive(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	checked := true
	for _, c := range checklist {
		if r.PostFormValue("check_"+c) != "on" {
			checked = false
		}
	}
	a, err := s.db.Receive(r.Context(), st, r.PathValue("code"), checked)
	if err != nil {
		return s.failOnApplication(w, r, st, err, "checks", func(v *view) {
			d := v.D.(*officeAppData)
			for _, c := range checklist {
				d.Checks[c] = r.PostFormValue("check_"+c) == "on"
			}
		})
	}
	return seeOther(w, r, "/office/applications/"+url.PathEscape(a.Code))
}

// pageOfficeDecision: granted, or refused on one of the two grounds of Reg §9 (ACC-6).
func (s *Server) pageOfficeDecision(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	outcome, ground := r.PostFormValue("outcome"), r.PostFormValue("ground")
	if outcome == string(kabinet.Granted) {
		ground = ""
	}
	code := r.PathValue("code")
	_, err = s.db.Decide(r.Context(), st, code, store.DecisionInput{Outcome: kabinet.Outcome(outcome), Ground: kabinet.Ground(ground)})
	if err != nil {
		field := ""
		if kabinet.ErrorCode(err) == "invalid_ground" {
			field = "ground"
		}
		return s.failOnApplication(w, r, st, err, field, func(v *view) {
			d := v.D.(*officeAppData)
			d.Outcome = cleanEcho(outcome)
			if ground != "" {
				d.Ground = cleanEcho(ground)
			}
		})
	}
	return seeOther(w, r, "/office/applications/"+url.PathEscape(code))
}

// pageOfficeReceiptPDF: the subject's copy with the office's acceptance mark (Reg §7).
func (s *Server) pageOfficeReceiptPDF(w http.ResponseWriter, r *http.Request) error {
	_, _, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	return s.apiOfficeReceiptPDF(w, r)
}

// pageOfficeDecisionPDF: GET /office/decisions/{number}.pdf (ACC-8).
func (s *Server) pageOfficeDecisionPDF(w http.ResponseWriter, r *http.Request) error {
	_, _, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	number, found := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !found || number == "" {
		return kabinet.Errorf(kabinet.KindNotFound, "not_found", "no page %s", r.URL.Path)
	}
	r.SetPathValue("number", number)
	return s.apiOfficeDecisionPDF(w, r)
}

// totpData enrols a second factor (SEC-1).
type totpData struct {
	Secret   string
	URI      string
	QR       template.HTML
	Enrolled bool // the staff member already has one
	Done     bool
}

func (s *Server) totpView(r *http.Request, st store.StaffActor, secret string) (*view, error) {
	uri := totpURI(st.Login, secret)
	qr, err := qrSVG(uri, "qr qr-totp")
	if err != nil {
		return nil, err
	}
	v := s.officeView(r, &st, "office_totp", "web.office.totp.title")
	v.Path = "/office/totp"
	v.D = &totpData{Secret: secret, URI: uri, QR: qr, Enrolled: st.TOTPSecret != ""}
	return v, nil
}

// totpURI is the otpauth URI authenticator apps read (RFC 6238 parameters of store.validTOTP).
func totpURI(login, secret string) string {
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", "Kabinet")
	q.Set("algorithm", "SHA1")
	q.Set("digits", "6")
	q.Set("period", "30")
	return "otpauth://totp/" + url.PathEscape("Kabinet:"+login) + "?" + q.Encode()
}

func (s *Server) pageOfficeTOTP(w http.ResponseWriter, r *http.Request) error {
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	secret, _, err := s.db.NewTOTPSecret(st.Login)
	if err != nil {
		return err
	}
	v, err := s.totpView(r, st, secret)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// validSecret: base32 letters and digits, as NewTOTPSecret makes them.
func validSecret(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' || c == '=') {
			return false
		}
	}
	return true
}

func (s *Server) pageOfficeTOTPPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	secret := r.PostFormValue("secret")
	if !validSecret(secret) {
		if secret, _, err = s.db.NewTOTPSecret(st.Login); err != nil {
			return err
		}
	}
	err = s.db.ConfirmTOTP(r.Context(), store.Actor{Name: "staff:" + st.Login, Address: clientAddress(r)}, st.ID, secret,
		strings.TrimSpace(r.PostFormValue("otp")))
	v, verr := s.totpView(r, st, secret)
	if verr != nil {
		return verr
	}
	if err != nil {
		s.fail(w, r, v, err, "otp")
		return nil
	}
	d := v.D.(*totpData)
	d.Done, d.Secret, d.URI, d.QR = true, "", "", ""
	s.render(w, r, http.StatusOK, v)
	return nil
}

// policyField is one number of the policy on the supervisor's form (PWD-6).
type policyField struct {
	Name  string
	Label string // catalog key
	Unit  string // catalog key
	Min   int
	Max   int
}

var policyFields = []policyField{
	{"password_min_length", "web.policy.password_min_length", "web.unit.chars", 8, 64},
	{"max_failures", "web.policy.max_failures", "web.unit.times", 1, 20},
	{"lock_minutes", "web.policy.lock_minutes", "web.unit.minutes", 1, 1440},
	{"inactivity_months", "web.policy.inactivity_months", "web.unit.months", 1, 36},
	{"decision_minutes", "web.policy.decision_minutes", "web.unit.minutes", 1, 1440},
	{"annulment_days", "web.policy.annulment_days", "web.unit.days", 1, 30},
	{"session_idle_minutes", "web.policy.session_idle_minutes", "web.unit.minutes", 1, 10080},
	{"session_absolute_minutes", "web.policy.session_absolute_minutes", "web.unit.minutes", 1, 10080},
	{"address_failures_per_hour", "web.policy.address_failures_per_hour", "web.unit.per_hour", 1, 100000},
	{"lookups_per_minute", "web.policy.lookups_per_minute", "web.unit.per_minute", 1, 100000},
}

// policyData is the policy form's data.
type policyData struct {
	Fields []policyField
}

func policyValues(p kabinet.Policy) map[string]string {
	return map[string]string{
		"password_min_length":       strconv.Itoa(p.PasswordMinLength),
		"password_specials":         p.PasswordSpecials,
		"max_failures":              strconv.Itoa(p.MaxFailures),
		"lock_minutes":              strconv.Itoa(int(p.LockDuration / time.Minute)),
		"inactivity_months":         strconv.Itoa(p.InactivityMonths),
		"decision_minutes":          strconv.Itoa(int(p.DecisionDeadline / time.Minute)),
		"annulment_days":            strconv.Itoa(p.AnnulmentDays),
		"session_idle_minutes":      strconv.Itoa(int(p.SessionIdle / time.Minute)),
		"session_absolute_minutes":  strconv.Itoa(int(p.SessionAbsolute / time.Minute)),
		"address_failures_per_hour": strconv.Itoa(p.AddressFailuresPerHour),
		"lookups_per_minute":        strconv.Itoa(p.LookupsPerMinute),
	}
}

// parsePolicy reads the supervisor's form; a number out of its field's range names the field.
func parsePolicy(r *http.Request) (kabinet.Policy, string, error) {
	n := map[string]int{}
	for _, f := range policyFields {
		x, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f.Name)))
		if err != nil || x < f.Min || x > f.Max {
			return kabinet.Policy{}, f.Name, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_policy", "%s must be a whole number %d..%d", f.Name, f.Min, f.Max)
		}
		n[f.Name] = x
	}
	specials, err := kabinet.CleanText("password_specials", r.PostFormValue("password_specials"), 64)
	if err != nil {
		return kabinet.Policy{}, "password_specials", err
	}
	specials = strings.Join(strings.Fields(specials), "")
	min := time.Minute
	return kabinet.Policy{
		PasswordMinLength: n["password_min_length"], PasswordSpecials: specials, MaxFailures: n["max_failures"],
		LockDuration: time.Duration(n["lock_minutes"]) * min, InactivityMonths: n["inactivity_months"],
		DecisionDeadline: time.Duration(n["decision_minutes"]) * min, AnnulmentDays: n["annulment_days"],
		SessionIdle: time.Duration(n["session_idle_minutes"]) * min, SessionAbsolute: time.Duration(n["session_absolute_minutes"]) * min,
		AddressFailuresPerHour: n["address_failures_per_hour"], LookupsPerMinute: n["lookups_per_minute"],
	}, "", nil
}

// needSupervisor: the policy is a supervisor's (PWD-6); officers get a 403 page.
func needSupervisor(st store.StaffActor) error {
	if st.Role != kabinet.RoleSupervisor {
		return kabinet.Errorf(kabinet.KindForbidden, "forbidden", "only a supervisor may change the policy")
	}
	return nil
}

func (s *Server) policyView(r *http.Request, st store.StaffActor) *view {
	v := s.officeView(r, &st, "office_policy", "web.office.policy.title")
	v.Path = "/office/policy"
	v.D = policyData{Fields: policyFields}
	return v
}

func (s *Server) pageOfficePolicy(w http.ResponseWriter, r *http.Request) error {
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	if err := needSupervisor(st); err != nil {
		return err
	}
	p, err := s.db.Policy(r.Context())
	if err != nil {
		return err
	}
	v := s.policyView(r, st)
	v.Form = policyValues(p)
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

func (s *Server) pageOfficePolicyPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	if err := needSupervisor(st); err != nil {
		return err
	}
	names := []string{"password_specials"}
	for _, f := range policyFields {
		names = append(names, f.Name)
	}
	p, field, err := parsePolicy(r)
	if err == nil {
		err = s.db.SetPolicy(r.Context(), store.Actor{Name: "staff:" + st.Login, Address: clientAddress(r)}, p)
	}
	if err != nil {
		v := s.policyView(r, st)
		v.Form = keep(r, names...)
		s.fail(w, r, v, err, field)
		return nil
	}
	return seeOther(w, r, "/office/policy?m=saved")
}

// DecisionHref is the decision PDF's address.
func (v *view) DecisionHref(number string) string {
	return "/office/decisions/" + url.PathEscape(number) + ".pdf"
}

// ReceiptHref is the receipt copy's address.
func (v *view) ReceiptHref(code string) string {
	return "/office/applications/" + url.PathEscape(code) + "/receipt.pdf"
}

// AppHref is an application's page in the back office.
func (v *view) AppHref(code string) string { return "/office/applications/" + url.PathEscape(code) }

// Left words the time left on a deadline: "12:34", or "просрочено 01:02".
func (v *view) Left(sec int64) string {
	if sec < 0 {
		return v.T("web.board.overdue") + " " + v.MMSS(sec)
	}
	return v.MMSS(sec)
}

// accountsData is the back office's page for a subject's account (PWD-3, ANN-3) and,
// for supervisors, staff second factors (SEC-1).
type accountsData struct {
	Decision *kabinet.Decision // the annulment just issued
}

func (s *Server) accountsView(r *http.Request, st store.StaffActor) *view {
	v := s.officeView(r, &st, "office_accounts", "web.office.accounts.title")
	v.Path = "/office/accounts"
	v.D = &accountsData{}
	return v
}

func (s *Server) pageOfficeAccounts(w http.ResponseWriter, r *http.Request) error {
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	v := s.accountsView(r, st)
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeUnlock clears a taxpayer's sign-in lock before its 20 minutes are up (PWD-3).
func (s *Server) pageOfficeUnlock(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	login := strings.TrimSpace(r.PostFormValue("login"))
	err = kabinet.Errorf(kabinet.KindNotFound, "account_not_found", "no account")
	if !badLogin(login) {
		err = s.db.Unlock(r.Context(), st, login)
	}
	if err != nil {
		v := s.accountsView(r, st)
		v.Form = keep(r, "login")
		s.fail(w, r, v, err, "login")
		return nil
	}
	return seeOther(w, r, "/office/accounts?m=unlocked")
}

// pageOfficeAnnul annuls access at once on documentary evidence of false
// entrepreneurship or fictitious supplies (Reg §21; ANN-3, ANN-4).
func (s *Server) pageOfficeAnnul(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	v := s.accountsView(r, st)
	login := strings.TrimSpace(r.PostFormValue("annul_login"))
	var d kabinet.Decision
	err = kabinet.Errorf(kabinet.KindNotFound, "account_not_found", "no account")
	if !badLogin(login) {
		d, err = s.db.AnnulForFraud(r.Context(), st, login, string(kabinet.GroundFraudEvidence), r.PostFormValue("reference"))
	}
	if err != nil {
		v.Form = keep(r, "annul_login", "reference")
		field := "annul_login"
		switch kabinet.ErrorCode(err) {
		case "reference_required", "invalid_text", "text_too_long":
			field = "reference"
		}
		s.fail(w, r, v, err, field)
		return nil
	}
	v.D.(*accountsData).Decision = &d
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeRequireTOTP: a supervisor makes a staff member's second factor compulsory (SEC-1).
func (s *Server) pageOfficeRequireTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, st, ok, err := s.needStaff(w, r)
	if !ok {
		return err
	}
	if err := needSupervisor(st); err != nil {
		return err
	}
	login := strings.TrimSpace(r.PostFormValue("staff_login"))
	err = kabinet.Errorf(kabinet.KindNotFound, "staff_not_found", "no staff account")
	if !badLogin(login) {
		err = s.db.SetTOTPRequired(r.Context(), st, login, r.PostFormValue("required") == "on")
	}
	if err != nil {
		v := s.accountsView(r, st)
		v.Form = keep(r, "staff_login", "required")
		s.fail(w, r, v, err, "staff_login")
		return nil
	}
	return seeOther(w, r, "/office/accounts?m=saved")
}

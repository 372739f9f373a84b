package web

// The supervisor's officers page (issue 14, point 9; SEC-1): every back-office account
// with its role, office, state and second factor; creating one; disabling and enabling
// one; resetting one's second factor.
//
// The initial password: the supervisor types it once, in a password field checked by
// the password policy (PWD-1), and hands it to the officer in person, as the office
// hands a taxpayer their login. It is never shown, never echoed into the form again,
// and never written anywhere but as its argon2id hash. The account's second factor is
// required from the start (store.AddStaff): at the first sign-in the officer reaches
// nothing but the enrolment page and enrols a factor of their own, which the
// supervisor never sees, so knowing the initial password is not enough to act as the
// officer afterwards; an enrolment from elsewhere than the officer's desk shows in the
// audit log (staff.totp_enrol with its address). The product has no e-mail or SMS to
// send a one-time activation link by, and a code shown to the supervisor would be a
// password shown by another name.

import (
	"net/http"
	"strings"

	"kabinet"
	"kabinet/store"
)

// staffData is the officers page.
type staffData struct {
	Staff   []store.StaffMember
	Offices []kabinet.Office
	Self    string // the supervisor's own login: no actions on their own row
}

func (s *Server) staffView(r *http.Request, st store.StaffActor) (*view, error) {
	v := s.officeView(r, &st, "office_staff", "sup.staff.title")
	v.Path = "/office/staff"
	list, err := s.db.ListStaff(r.Context())
	if err != nil {
		return v, err
	}
	offices, err := s.db.Offices(r.Context())
	v.D = &staffData{Staff: list, Offices: offices, Self: st.Login}
	return v, err
}

// pageOfficeStaff: GET /office/staff.
func (s *Server) pageOfficeStaff(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	v, err := s.staffView(r, st)
	if err != nil {
		return err
	}
	v.Form["role"] = string(kabinet.RoleOfficer)
	v.supNoticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

// newStaffForm is the create form; the passwords are never kept for re-rendering.
type newStaffForm struct {
	store.NewStaff
	Confirm string
}

func readNewStaffForm(r *http.Request) newStaffForm {
	f := newStaffForm{NewStaff: store.NewStaff{Login: r.PostFormValue("login"), Name: r.PostFormValue("name"),
		Role: kabinet.Role(r.PostFormValue("role")), OfficeCode: strings.TrimSpace(r.PostFormValue("office")),
		Password: r.PostFormValue("password")}, Confirm: r.PostFormValue("password_confirm")}
	if f.Role == kabinet.RoleSupervisor {
		f.OfficeCode = "" // the office list stays on the form; a supervisor has none
	}
	return f
}

// Validate checks what the store cannot: the confirmation, and a login that no account
// can have (SEC-3: both engines alike).
func (f newStaffForm) Validate() error {
	if badLogin(f.Login) {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_login", "login: 3–40 characters of a-z, 0-9, '.', '-', '_'").With("field", "login")
	}
	if f.Role != kabinet.RoleOfficer && f.Role != kabinet.RoleSupervisor {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_role", "role must be officer or supervisor").With("field", "role")
	}
	if f.Password != f.Confirm {
		return kabinet.Errorf(kabinet.KindUnprocessable, "password_mismatch", "the password and its confirmation differ").With("field", "password_confirm")
	}
	return nil
}

// staffErrorField is the create form's field an error belongs to.
func staffErrorField(err error) string {
	switch kabinet.ErrorCode(err) {
	case "invalid_login", "login_taken":
		return "login"
	case "office_required", "office_not_found":
		return "office"
	case "weak_password":
		return "password"
	case "invalid_role", "office_not_allowed":
		return "role"
	}
	return errorField(err, "")
}

// pageOfficeStaffCreate: POST /office/staff — a supervisor creates an account.
func (s *Server) pageOfficeStaffCreate(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readNewStaffForm(r)
	err := f.Validate()
	if err == nil {
		_, err = s.db.AddStaff(r.Context(), st, f.NewStaff)
	}
	if err != nil {
		v, verr := s.staffView(r, st)
		if verr != nil {
			return verr
		}
		v.Form = keep(r, "login", "name", "role", "office")
		s.fail(w, r, v, err, staffErrorField(err))
		return nil
	}
	return seeOther(w, r, "/office/staff?m=staff_created")
}

// staffActForm names the account a row's button acts on.
type staffActForm struct{ Login string }

func (f staffActForm) Validate() error { return notFound("staff_not_found", f.Login) }

// staffAct runs a row's act and returns to the list with its notice, or shows the error.
func (s *Server) staffAct(w http.ResponseWriter, r *http.Request, st store.StaffActor, notice string, act func(login string) error) error {
	f := staffActForm{Login: strings.TrimSpace(r.PostFormValue("login"))}
	err := f.Validate()
	if err == nil {
		err = act(f.Login)
	}
	if err != nil {
		v, verr := s.staffView(r, st)
		if verr != nil {
			return verr
		}
		v.Form["role"] = string(kabinet.RoleOfficer)
		s.fail(w, r, v, err, "")
		return nil
	}
	return seeOther(w, r, "/office/staff?m="+notice)
}

// pageOfficeStaffActive: POST /office/staff/active {login, active} — disable or enable.
func (s *Server) pageOfficeStaffActive(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	active := r.PostFormValue("active") == "1"
	notice := "staff_disabled"
	if active {
		notice = "staff_enabled"
	}
	return s.staffAct(w, r, st, notice, func(login string) error { return s.db.SetStaffActive(r.Context(), st, login, active) })
}

// pageOfficeStaffTOTPReset: POST /office/staff/totp-reset {login} — the second factor
// forgotten: the holder enrols again at the next sign-in.
func (s *Server) pageOfficeStaffTOTPReset(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	return s.staffAct(w, r, st, "totp_reset", func(login string) error { return s.db.ResetStaffTOTP(r.Context(), st, login) })
}

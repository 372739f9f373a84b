package web

import (
	"net/http"

	"kabinet/store"
)

// pageOfficeLoginPost: the same lockout rules as taxpayers, and the second factor
// when enrolled (SEC-1).
func (s *Server) pageOfficeLoginPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := readSignInForm(r)
	var res store.SignInResult
	err := f.Validate()
	if err == nil {
		res, err = s.db.SignInStaff(r.Context(), publicActor(r), store.Credentials{Login: f.Login, Password: f.Password, OTP: f.OTP})
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

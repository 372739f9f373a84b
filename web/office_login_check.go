package web

import (
	"net/http"
)

// pageOfficeLoginPost: the same lockout rules as taxpayers, and the second factor
// when enrolled (SEC-1).
func (s *Server) pageOfficeLoginPost(w http.ResponseWriter, r *http.Request) error {
	formView := func() *view {
		v := s.officeView(r, nil, "office_login", "web.office.login.title")
		v.Path = "/office/login"
		return v
	}
	if _, ok, err := s.signIn(w, r, "staff", formView, s.db.SignInStaff); !ok {
		return err
	}
	return seeOther(w, r, "/office/")
}

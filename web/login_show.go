package web

import (
	"net/http"
)

// loginData is the sign-in page's data.
type loginData struct{}

func (s *Server) loginView(r *http.Request) *view {
	v := s.newView(r, "login", "web.login.title", "public")
	v.Path = "/login"
	v.D = loginData{}
	return v
}

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.taxpayerSession(r, true); err == nil {
		return seeOther(w, r, "/cabinet")
	}
	v := s.loginView(r)
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

package web

import (
	"net/http"

	"kabinet"
)

// loginData is the sign-in page's data.
type loginData struct{}

func (s *Server) loginView(r *http.Request) *view {
	v := s.newView(r, "login", "web.login.title", "public")
	v.Path = "/login"
	v.D = loginData{}
	return v
}

// pageLogin: GET /login, where «Вход в кабинет» leads. A live session goes on to the
// cabinet. A cookie whose session has ended (idle, past its end, signed out elsewhere)
// is cleared, and the page says nothing about it: the person came to sign in. Only
// a cabinet page the session ended under says so, by sending here with ?m=expired
// (issue 14, point 10).
func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) error {
	_, _, err := s.taxpayerSession(r, true)
	if err == nil {
		return seeOther(w, r, "/cabinet")
	}
	switch kabinet.ErrorCode(err) {
	case "session_expired", "not_signed_in", "account_not_found":
		if s.token(r, "taxpayer") != "" {
			s.clearSessionCookie(w, "taxpayer")
		}
	}
	v := s.loginView(r)
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// passwordData is the change-password screen's data (Guide 2; PWD-4, PWD-5).
type passwordData struct {
	MustChange bool
	Login      string
}

func (s *Server) passwordView(r *http.Request, sess store.Session, acct kabinet.Account) *view {
	area := "cabinet"
	if sess.MustChange {
		area = "public"
	}
	v := s.newView(r, "password", "web.password.title", area)
	v.Path = "/password"
	v.D = passwordData{MustChange: sess.MustChange, Login: acct.Login}
	return v
}

func (s *Server) pagePassword(w http.ResponseWriter, r *http.Request) error {
	sess, acct, ok, err := s.needTaxpayer(w, r, true)
	if !ok {
		return err
	}
	s.render(w, r, http.StatusOK, s.passwordView(r, sess, acct))
	return nil
}

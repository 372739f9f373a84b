package web

import (
	"net/http"
)

func (s *Server) pageOfficeLogout(w http.ResponseWriter, r *http.Request) error {
	if tok := s.token(r, "staff"); tok != "" {
		if err := s.db.SignOut(r.Context(), publicActor(r), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, "staff")
	return seeOther(w, r, "/office/login?m=out")
}

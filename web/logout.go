package web

import (
	"net/http"
)

// pageLogout ends the session server-side (SEC-4).
func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) error {
	if tok := s.token(r, "taxpayer"); tok != "" {
		if err := s.db.SignOut(r.Context(), publicActor(r), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, "taxpayer")
	return seeOther(w, r, "/login?m=out")
}

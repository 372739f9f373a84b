package web

import (
	"net/http"
)

// pageLogout ends the session server-side (SEC-4).
func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) error {
	return s.signOut(w, r, "taxpayer", "/login?m=out")
}

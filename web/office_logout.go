package web

import (
	"net/http"
)

// pageOfficeLogout ends the staff session server-side (SEC-4).
func (s *Server) pageOfficeLogout(w http.ResponseWriter, r *http.Request) error {
	return s.signOut(w, r, "staff", "/office/login?m=out")
}

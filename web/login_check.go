package web

import (
	"net/http"
)

// pageLoginPost signs in (PWD-3, PWD-4): a locked account is told until when, in
// Bishkek time, as the Guide tells users of the lock. A password unchanged for too
// long leads to its change first.
func (s *Server) pageLoginPost(w http.ResponseWriter, r *http.Request) error {
	res, ok, err := s.signIn(w, r, "taxpayer", func() *view { return s.loginView(r) }, s.db.SignIn)
	switch {
	case !ok:
		return err
	case res.MustChange:
		return seeOther(w, r, "/password")
	}
	return seeOther(w, r, "/cabinet")
}

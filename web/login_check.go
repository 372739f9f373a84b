package web

import (
	"net/http"

	"kabinet/store"
)

// pageLoginPost signs in (PWD-3, PWD-4): a locked account is told until when, in
// Bishkek time, as the Guide tells users of the lock. Every sign-in sets a new token
// (SEC-4).
func (s *Server) pageLoginPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := readSignInForm(r)
	var res store.SignInResult
	err := f.Validate()
	if err == nil {
		res, err = s.db.SignIn(r.Context(), publicActor(r), store.Credentials{Login: f.Login, Password: f.Password})
	}
	if err != nil {
		v := s.loginView(r)
		v.Form = keep(r, "login")
		s.fail(w, r, v, err, "")
		return nil
	}
	s.setSessionCookie(w, "taxpayer", res.Token)
	if res.MustChange {
		return seeOther(w, r, "/password")
	}
	return seeOther(w, r, "/cabinet")
}

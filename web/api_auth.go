package web

import (
	"net/http"

	"kabinet/store"
)

// apiLogin: POST /api/v1/auth/login {login, password} (PWD-3, PWD-4, SEC-4).
func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := s.db.SignIn(r.Context(), publicActor(r), store.Credentials{Login: in.Login, Password: in.Password})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, "taxpayer", res.Token)
	writeJSON(w, http.StatusOK, map[string]any{"login": res.Login, "password_change_required": res.MustChange})
	return nil
}

// apiLogout: POST /api/v1/auth/logout — ends the session server-side.
func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) error {
	if tok := s.token(r, "taxpayer"); tok != "" {
		if err := s.db.SignOut(r.Context(), publicActor(r), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, "taxpayer")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiChangePassword: POST /api/v1/auth/password (PWD-4, PWD-5). Every session ends;
// this one continues under a new token.
func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Current  string `json:"current_password"`
		New      string `json:"new_password"`
		Confirm  string `json:"new_password_confirm"`
		CodeWord string `json:"code_word"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sess, acct, err := s.taxpayerSession(r, true)
	if err != nil {
		return err
	}
	tok, err := s.db.ChangePassword(r.Context(), taxpayerActor(r, acct), sess,
		store.PasswordChange{Current: in.Current, New: in.New, Confirm: in.Confirm, CodeWord: in.CodeWord})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, "taxpayer", tok)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiMe: GET /api/v1/me — the cabinet's home (CAB-1).
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	home, err := s.db.Cabinet(r.Context(), acct)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, home)
	return nil
}

// apiEndOtherSessions: POST /api/v1/auth/sessions/end-others.
func (s *Server) apiEndOtherSessions(w http.ResponseWriter, r *http.Request) error {
	sess, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	n, err := s.db.EndOtherSessions(r.Context(), taxpayerActor(r, acct), sess)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ended": n})
	return nil
}

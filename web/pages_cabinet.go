package web

import (
	"fmt"
	"net/http"

	"kabinet"
	"kabinet/store"
)

// needTaxpayer returns the signed-in taxpayer, or answers for the page: a session that
// must change its password goes to /password (PWD-4, SEC-4), no session to /login.
func (s *Server) needTaxpayer(w http.ResponseWriter, r *http.Request, allowMustChange bool) (store.Session, kabinet.Account, bool, error) {
	sess, acct, err := s.taxpayerSession(r, allowMustChange)
	if err == nil {
		return sess, acct, true, nil
	}
	switch kabinet.ErrorCode(err) {
	case "password_change_required":
		return sess, acct, false, seeOther(w, r, "/password")
	case "not_signed_in", "account_not_found":
		return sess, acct, false, seeOther(w, r, "/login?m=signin")
	case "session_expired":
		return sess, acct, false, seeOther(w, r, "/login?m=expired")
	}
	return sess, acct, false, err
}

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

// pageLoginPost signs in (PWD-3, PWD-4): a locked account is told until when, in
// Bishkek time, as the Guide tells users of the lock.
func (s *Server) pageLoginPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var res store.SignInResult
	var err error = kabinet.Errorf(kabinet.KindUnauthorized, "invalid_credentials", "wrong login or password")
	if !badLogin(r.PostFormValue("login")) {
		res, err = s.db.SignIn(r.Context(), publicActor(r), store.Credentials{Login: r.PostFormValue("login"), Password: r.PostFormValue("password")})
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

// cabinetData is the cabinet's home (CAB-1).
type cabinetData struct {
	Home store.CabinetHome
}

// NoteText words a notification in the user's language (CAB-1).
func (v *view) NoteText(n store.Notification) string {
	str := func(k string) string {
		if x, ok := n.Params[k]; ok && x != nil {
			return fmt.Sprint(x)
		}
		return ""
	}
	switch n.Kind {
	case "decision":
		kind, outcome := str("kind"), str("outcome")
		text := v.TOr("web.note.decision."+kind+"."+outcome, "web.note.other", "number", str("number"))
		if g := str("ground"); g != "" {
			text += " " + v.T("web.note.ground", "ground", v.TOr("web.ground."+g, "web.ground.other"))
		}
		return text
	}
	return v.TOr("web.note."+n.Kind, "web.note.other")
}

func (s *Server) pageCabinet(w http.ResponseWriter, r *http.Request) error {
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	v, err := s.cabinetView(r, acct)
	if err != nil {
		return err
	}
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

func (s *Server) cabinetView(r *http.Request, acct kabinet.Account) (*view, error) {
	home, err := s.db.Cabinet(r.Context(), acct)
	if err != nil {
		return nil, err
	}
	v := s.newView(r, "cabinet", "web.cabinet.title", "cabinet")
	v.Path = "/cabinet"
	v.D = cabinetData{Home: home}
	return v, nil
}

// pageCabinetAnnul: the signed-in subject forms an annulment application (ANN-1); the
// session stands in for the current password.
func (s *Server) pageCabinetAnnul(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	a, err := s.db.CreateApplication(r.Context(), taxpayerActor(r, acct), store.NewApplication{Kind: kabinet.KindAnnulment,
		INN: acct.INN, Passport: r.PostFormValue("passport"), SignedIn: true, Lang: string(langOf(r))})
	if err != nil {
		v, verr := s.cabinetView(r, acct)
		if verr != nil {
			return err
		}
		v.Form = keep(r, "passport")
		s.fail(w, r, v, err, "passport")
		return nil
	}
	s.renderApplied(w, r, a)
	return nil
}

func (s *Server) pageEndOthers(w http.ResponseWriter, r *http.Request) error {
	sess, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	n, err := s.db.EndOtherSessions(r.Context(), taxpayerActor(r, acct), sess)
	if err != nil {
		return err
	}
	return seeOther(w, r, fmt.Sprintf("/cabinet?m=ended&n=%d", n))
}

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

// passwordField is the field a change-password error belongs to.
func passwordField(code string) string {
	switch code {
	case "wrong_current_password", "account_locked":
		return "current_password"
	case "weak_password", "same_password":
		return "new_password"
	case "password_mismatch":
		return "new_password_confirm"
	case "invalid_code_word", "invalid_text", "text_too_long":
		return "code_word"
	}
	return ""
}

// pagePasswordPost: «Сменить пароль» — every session ends; this one continues under a
// new token (SEC-4).
func (s *Server) pagePasswordPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	sess, acct, ok, err := s.needTaxpayer(w, r, true)
	if !ok {
		return err
	}
	tok, err := s.db.ChangePassword(r.Context(), taxpayerActor(r, acct), sess, store.PasswordChange{
		Current: r.PostFormValue("current_password"), New: r.PostFormValue("new_password"),
		Confirm: r.PostFormValue("new_password_confirm"), CodeWord: r.PostFormValue("code_word")})
	if err != nil {
		s.fail(w, r, s.passwordView(r, sess, acct), err, passwordField(kabinet.ErrorCode(err)))
		return nil
	}
	s.setSessionCookie(w, "taxpayer", tok)
	return seeOther(w, r, "/cabinet?m=changed")
}

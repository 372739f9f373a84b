package web

import (
	"context"
	"net/http"

	"kabinet"
	"kabinet/store"
)

// Session cookies (SEC-4): HttpOnly and SameSite=Lax always; Secure with the __Host-
// prefix whenever the service is reached over TLS. Taxpayers and staff have separate
// cookies, so one browser's back-office session never stands in for a cabinet's.
func (s *Server) cookieName(principal string) string {
	name := "kabinet"
	if principal == "staff" {
		name = "kabinet_office"
	}
	if s.cfg.SecureCookies {
		return "__Host-" + name
	}
	return name
}

func (s *Server) setSessionCookie(w http.ResponseWriter, principal, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(principal), Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, principal string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(principal), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) token(r *http.Request, principal string) string {
	c, err := r.Cookie(s.cookieName(principal))
	if err != nil {
		return ""
	}
	return c.Value
}

// sessionMemo holds a page request's look-up of its taxpayer session, so every look-up
// in the request sees what the first saw. The store deletes a session it finds expired,
// so without it the page after the must-change check (mustChangeElsewhere) would find
// no session and say «sign in first» where the session had expired (issue 14, point 10).
type sessionMemo struct {
	done bool
	sess store.Session
	err  error
}

type sessionMemoKey struct{}

// withSessionMemo gives r a memo of its taxpayer session look-up.
func withSessionMemo(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionMemoKey{}, &sessionMemo{}))
}

// taxpayerSessionByToken looks the request's taxpayer session up once per request with
// a memo, at every call without one.
func (s *Server) taxpayerSessionByToken(r *http.Request) (store.Session, error) {
	m, _ := r.Context().Value(sessionMemoKey{}).(*sessionMemo)
	if m != nil && m.done {
		return m.sess, m.err
	}
	sess, err := s.db.SessionByToken(r.Context(), s.token(r, "taxpayer"))
	if m != nil {
		*m = sessionMemo{done: true, sess: sess, err: err}
	}
	return sess, err
}

// taxpayerSession returns the signed-in taxpayer's session and account. A session
// that must change its password reaches nothing else (PWD-4, SEC-4) unless allowMustChange.
func (s *Server) taxpayerSession(r *http.Request, allowMustChange bool) (store.Session, kabinet.Account, error) {
	sess, err := s.taxpayerSessionByToken(r)
	if err != nil {
		return sess, kabinet.Account{}, err
	}
	if sess.Principal != "taxpayer" {
		return sess, kabinet.Account{}, kabinet.Errorf(kabinet.KindUnauthorized, "not_signed_in", "sign in first")
	}
	if sess.MustChange && !allowMustChange {
		pol, err := s.db.Policy(r.Context())
		if err != nil {
			return sess, kabinet.Account{}, err
		}
		return sess, kabinet.Account{}, kabinet.PasswordChangeRequired(pol)
	}
	acct, err := s.db.AccountByID(r.Context(), sess.SubjectID)
	return sess, acct, err
}

// staffSession returns the signed-in staff member.
func (s *Server) staffSession(r *http.Request) (store.Session, store.StaffActor, error) {
	sess, st, err := s.db.StaffSessionByToken(r.Context(), s.token(r, "staff"))
	if err != nil {
		return sess, store.StaffActor{}, err
	}
	if !st.Active {
		return sess, store.StaffActor{}, kabinet.Errorf(kabinet.KindUnauthorized, "not_signed_in", "sign in first")
	}
	actor := store.StaffActor{Staff: st, Address: clientAddress(r)}
	if st.TOTPRequired && st.TOTPSecret == "" {
		// SEC-1: a supervisor requires a second factor; until it is enrolled, nothing else.
		return sess, actor, kabinet.Errorf(kabinet.KindForbidden, "totp_enrolment_required", "enrol a second factor first")
	}
	return sess, actor, nil
}

// actorFor names the taxpayer for the audit log.
func taxpayerActor(r *http.Request, a kabinet.Account) store.Actor {
	return store.Actor{Name: "taxpayer:" + a.Login, Address: clientAddress(r)}
}

// signOut ends principal's session server-side (SEC-4), clears its cookie and sends
// the browser to to.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request, principal, to string) error {
	if tok := s.token(r, principal); tok != "" {
		if err := s.db.SignOut(r.Context(), publicActor(r), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, principal)
	return seeOther(w, r, to)
}

// signIn checks a sign-in form with check (the taxpayers' or the staff's sign-in, with
// the same lockout rules: PWD-3, SEC-1) and, when it passes, sets principal's cookie
// with the new session's token (SEC-4). When it fails, the form is shown again from
// formView with the login kept, and ok is false.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, principal string, formView func() *view,
	check func(context.Context, store.Actor, store.Credentials) (store.SignInResult, error)) (res store.SignInResult, ok bool, err error) {
	if err := parseForm(r); err != nil {
		return res, false, err
	}
	f := readSignInForm(r)
	err = f.Validate()
	if err == nil {
		res, err = check(r.Context(), publicActor(r), store.Credentials{Login: f.Login, Password: f.Password, OTP: f.OTP})
	}
	if err != nil {
		v := formView()
		v.Form = keep(r, "login")
		s.fail(w, r, v, err, "")
		return res, false, nil
	}
	s.setSessionCookie(w, principal, res.Token)
	return res, true, nil
}

package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

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

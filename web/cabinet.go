package web

import (
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

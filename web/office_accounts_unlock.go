package web

import (
	"net/http"
	"strings"

	"kabinet/store"
)

// unlockForm names the account to unlock.
type unlockForm struct {
	Login string
}

func readUnlockForm(r *http.Request) unlockForm {
	return unlockForm{Login: strings.TrimSpace(r.PostFormValue("login"))}
}

func (f unlockForm) Validate() error { return notFound("account_not_found", f.Login) }

// pageOfficeUnlock clears a taxpayer's sign-in lock before its 20 minutes are up (PWD-3).
func (s *Server) pageOfficeUnlock(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readUnlockForm(r)
	err := f.Validate()
	if err == nil {
		err = s.db.Unlock(r.Context(), st, f.Login)
	}
	if err != nil {
		v := s.accountsView(r, st)
		v.Form = keep(r, "login")
		s.fail(w, r, v, err, "login")
		return nil
	}
	return seeOther(w, r, "/office/accounts?m=unlocked")
}

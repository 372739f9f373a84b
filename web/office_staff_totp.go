package web

import (
	"net/http"
	"strings"

	"kabinet/store"
)

// totpRequiredForm names a staff member and whether their second factor is compulsory.
type totpRequiredForm struct {
	Login    string
	Required bool
}

func readTOTPRequiredForm(r *http.Request) totpRequiredForm {
	return totpRequiredForm{Login: strings.TrimSpace(r.PostFormValue("staff_login")), Required: r.PostFormValue("required") == "on"}
}

func (f totpRequiredForm) Validate() error { return notFound("staff_not_found", f.Login) }

// pageOfficeRequireTOTP: a supervisor makes a staff member's second factor compulsory (SEC-1).
func (s *Server) pageOfficeRequireTOTP(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readTOTPRequiredForm(r)
	err := f.Validate()
	if err == nil {
		err = s.db.SetTOTPRequired(r.Context(), st, f.Login, f.Required)
	}
	if err != nil {
		v := s.accountsView(r, st)
		v.Form = keep(r, "staff_login", "required")
		s.fail(w, r, v, err, "staff_login")
		return nil
	}
	return seeOther(w, r, "/office/accounts?m=saved")
}

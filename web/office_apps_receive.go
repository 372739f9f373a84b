package web

import (
	"net/http"
	"net/url"

	"kabinet/store"
)

// receiveForm is the officer's checklist before receipt (Reg §6).
type receiveForm struct {
	Checks map[string]bool
}

func readReceiveForm(r *http.Request) receiveForm {
	f := receiveForm{Checks: map[string]bool{}}
	for _, c := range checklist {
		f.Checks[c] = r.PostFormValue("check_"+c) == "on"
	}
	return f
}

// Complete reports every check ticked; the store refuses receipt otherwise (ACC-5).
func (f receiveForm) Complete() bool {
	for _, c := range checklist {
		if !f.Checks[c] {
			return false
		}
	}
	return true
}

// pageOfficeReceive: the officer confirms the checklist and records receipt (Reg §6,
// §7; ACC-5); the deadline starts (ACC-9).
func (s *Server) pageOfficeReceive(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readReceiveForm(r)
	a, err := s.db.Receive(r.Context(), st, r.PathValue("code"), f.Complete())
	if err != nil {
		return s.failOnApplication(w, r, st, err, "checks", func(d *officeAppData) { d.Checks = f.Checks })
	}
	return seeOther(w, r, "/office/applications/"+url.PathEscape(a.Code))
}

package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// accountsData is the back office's page for a subject's account (PWD-3, ANN-3) and,
// for supervisors, staff second factors (SEC-1).
type accountsData struct {
	Decision *kabinet.Decision // the annulment just issued
}

func (s *Server) accountsView(r *http.Request, st store.StaffActor) *view {
	v := s.officeView(r, &st, "office_accounts", "web.office.accounts.title")
	v.Path = "/office/accounts"
	v.D = &accountsData{}
	return v
}

func (s *Server) pageOfficeAccounts(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	v := s.accountsView(r, st)
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

package web

import (
	"net/http"
)

func (s *Server) pageOfficeLogin(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.staffSession(r); err == nil {
		return seeOther(w, r, "/office/")
	}
	v := s.officeView(r, nil, "office_login", "web.office.login.title")
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

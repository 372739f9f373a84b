package web

import (
	"net/http"
	"net/url"

	"kabinet"
	"kabinet/store"
)

// pageOfficeFind: ИНН and the generated code together (Reg §6, ACC-5); a scanner
// types the code from the printed QR. The code is no personal identifier, so the
// application's page is addressed by it.
func (s *Server) pageOfficeFind(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	a, err := s.db.FindApplication(r.Context(), st, r.PostFormValue("inn"), r.PostFormValue("code"))
	if err != nil {
		v, berr := s.boardView(r, st)
		if berr != nil {
			return err
		}
		v.Form = keep(r, "inn", "code")
		field := "code"
		if kabinet.ErrorCode(err) == "invalid_inn" {
			field = "inn"
		}
		s.fail(w, r, v, err, field)
		return nil
	}
	return seeOther(w, r, "/office/applications/"+url.PathEscape(a.Code))
}

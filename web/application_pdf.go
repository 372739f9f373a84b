package web

import (
	"net/http"
)

// pageApplicationPDF: POST /applications/form.pdf {code, inn} — the printable form as
// PDF (ACC-4); the ИНН travels in the body (SEC-2).
func (s *Server) pageApplicationPDF(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.limitApplicationCalls(r); err != nil {
		return err
	}
	a, err := s.db.ApplicationStatus(r.Context(), r.PostFormValue("code"), r.PostFormValue("inn"))
	if err != nil {
		return err
	}
	return s.writeApplicationPDF(w, r, a, nil)
}

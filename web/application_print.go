package web

import (
	"html/template"
	"net/http"
)

// printData is the print-ready form: two copies (ACC-4).
type printData struct {
	App        applicationView
	OfficeName string
	QR         template.HTML
	Copies     []int
}

// pageApplicationPrint: POST /applications/print {code, inn} — the form as a
// print-ready page: two copies, every field with its number, the code large and as a
// QR for the officer's scanner, a signature line. Never the password.
func (s *Server) pageApplicationPrint(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	r = s.switchLang(w, r)
	if err := s.limitApplicationCalls(r); err != nil {
		return err
	}
	a, err := s.db.ApplicationStatus(r.Context(), r.PostFormValue("code"), r.PostFormValue("inn"))
	if err != nil {
		return err
	}
	o, err := s.db.Office(r.Context(), a.OfficeCode)
	if err != nil {
		return err
	}
	qr, err := qrSVG(a.Code, "qr")
	if err != nil {
		return err
	}
	v := s.newView(r, "print", "web.print.title", "public")
	v.Path = "/status"
	v.LangPost = &langPost{Action: "/applications/print", Fields: map[string]string{"code": a.Code, "inn": a.INN}}
	v.D = printData{App: viewOf(a), OfficeName: o.Code + " " + o.Name(v.Lang), QR: qr, Copies: []int{1, 2}}
	s.render(w, r, http.StatusOK, v)
	return nil
}

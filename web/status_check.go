package web

import (
	"net/http"

	"kabinet"
)

// pageStatusPost: POST /status {code, inn} — where the application stands, its
// history in words; superseded says a newer application replaced it (RST-2).
func (s *Server) pageStatusPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	r = s.switchLang(w, r)
	v := s.newView(r, "status", "web.status.title", "public")
	v.Path = "/status"
	v.Form = keep(r, "code", "inn")
	v.D = statusData{}
	if err := s.limitApplicationCalls(r); err != nil {
		s.fail(w, r, v, err, "")
		return nil
	}
	a, err := s.db.ApplicationStatus(r.Context(), r.PostFormValue("code"), r.PostFormValue("inn"))
	if err != nil {
		field := "code"
		if kabinet.ErrorCode(err) == "invalid_inn" {
			field = "inn"
		}
		s.fail(w, r, v, err, field)
		return nil
	}
	av := viewOf(a)
	d := statusData{App: &av}
	if a.DecisionNumber != "" {
		if dec, err := s.db.Decision(r.Context(), a.DecisionNumber); err == nil {
			d.Decision = &dec
		}
	}
	v.D = d
	v.LangPost = &langPost{Action: "/status", Fields: map[string]string{"code": a.Code, "inn": a.INN}}
	s.render(w, r, http.StatusOK, v)
	return nil
}

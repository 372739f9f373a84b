package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// applyField is the form field an application error belongs to.
func applyField(code string, kind kabinet.ApplicationKind) string {
	switch code {
	case "invalid_inn", "inn_not_found", "registration_liquidated", "no_active_account":
		return "inn"
	case "invalid_passport":
		return "passport"
	case "weak_password", "password_mismatch":
		return "password"
	case "invalid_credentials":
		if kind == kabinet.KindAnnulment {
			return "current_password"
		}
	}
	return ""
}

// appliedData is the page shown once the application is formed (ACC-4).
type appliedData struct {
	App applicationView
}

// pageApplySubmit: «Сформировать заявление» (ACC-1…ACC-4, ANN-1).
func (s *Server) pageApplySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	kind := kindOf(r.PostFormValue("kind"))
	a, err := s.db.CreateApplication(r.Context(), publicActor(r), store.NewApplication{Kind: kind,
		INN: r.PostFormValue("inn"), Passport: r.PostFormValue("passport"), Password: r.PostFormValue("password"),
		PasswordConfirm: r.PostFormValue("password_confirm"), CurrentPassword: r.PostFormValue("current_password"),
		Lang: string(langOf(r))})
	if err != nil {
		v := s.applyView(r, kind)
		v.Form = keep(r, "inn", "passport")
		code := kabinet.ErrorCode(err)
		field := applyField(code, kind)
		if field != "inn" && code != "rate_limited" && code != "body_too_large" {
			if f, lerr := s.lookup(r, r.PostFormValue("inn")); lerr == nil {
				v.D.(*applyData).Fields = &f
			}
		}
		s.fail(w, r, v, err, field)
		return nil
	}
	s.renderApplied(w, r, a)
	return nil
}

// renderApplied shows the formed application: its code, field 300, the printable
// form and what to do next (ACC-4).
func (s *Server) renderApplied(w http.ResponseWriter, r *http.Request, a kabinet.Application) {
	v := s.newView(r, "applied", "web.applied.title", "public")
	v.Path = "/status"
	v.LangPost = &langPost{Action: "/status", Fields: map[string]string{"code": a.Code, "inn": a.INN}}
	v.D = appliedData{App: viewOf(a)}
	s.render(w, r, http.StatusOK, v)
}

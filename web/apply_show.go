package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// applyData is the application form's data (ACC-1, ACC-3, ANN-1).
type applyData struct {
	Kind   kabinet.ApplicationKind
	Fields *store.FormFields // filled from the registry after a look-up
	// Blocked: the ИНН was refused (ACC-2: not in the registry, or liquidated), so the
	// rest of the form is disabled and says why, and nobody types a passport and a
	// password for nothing. The reason itself is the ИНН field's error.
	Blocked bool
}

// refusesINN reports the errors that refuse the ИНН itself (ACC-2): no application
// can be formed for it, whatever else is typed.
func refusesINN(err error) bool {
	switch kabinet.ErrorCode(err) {
	case "inn_not_found", "registration_liquidated":
		return true
	}
	return false
}

// Annulment reports the annulment variant of the form.
func (d applyData) Annulment() bool { return d.Kind == kabinet.KindAnnulment }

// OfficeName is field 104's name in lang.
func (d applyData) OfficeName(lang string) string {
	if d.Fields == nil {
		return ""
	}
	if lang == "ky" && d.Fields.OfficeNameKY != "" {
		return d.Fields.OfficeNameKY
	}
	return d.Fields.OfficeNameRU
}

func kindOf(s string) kabinet.ApplicationKind {
	if s == string(kabinet.KindAnnulment) {
		return kabinet.KindAnnulment
	}
	return kabinet.KindAccess
}

func (s *Server) applyView(r *http.Request, kind kabinet.ApplicationKind) *view {
	title := "web.apply.title"
	path := "/apply"
	if kind == kabinet.KindAnnulment {
		title, path = "web.annul.title", "/annul"
	}
	v := s.newView(r, "apply", title, "public")
	v.Path = path
	v.D = &applyData{Kind: kind}
	return v
}

func (s *Server) pageApply(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, s.applyView(r, kabinet.KindAccess))
	return nil
}

func (s *Server) pageAnnul(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, s.applyView(r, kabinet.KindAnnulment))
	return nil
}

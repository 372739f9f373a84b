package web

import (
	"net/http"
	"strings"

	"kabinet"
	"kabinet/store"
)

// annulForm names the account to annul and the document that evidences the ground.
type annulForm struct {
	Login, Reference string
}

func readAnnulForm(r *http.Request) annulForm {
	return annulForm{Login: strings.TrimSpace(r.PostFormValue("annul_login")), Reference: r.PostFormValue("reference")}
}

func (f annulForm) Validate() error { return notFound("account_not_found", f.Login) }

// pageOfficeAnnul annuls access at once on documentary evidence of false
// entrepreneurship or fictitious supplies (Reg §21; ANN-3, ANN-4).
func (s *Server) pageOfficeAnnul(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readAnnulForm(r)
	var d kabinet.Decision
	err := f.Validate()
	if err == nil {
		d, err = s.db.AnnulForFraud(r.Context(), st, f.Login, string(kabinet.GroundFraudEvidence), f.Reference)
	}
	v := s.accountsView(r, st)
	if err != nil {
		v.Form = keep(r, "annul_login", "reference")
		field := "annul_login"
		switch kabinet.ErrorCode(err) {
		case "reference_required", "invalid_text", "text_too_long":
			field = "reference"
		}
		s.fail(w, r, v, err, field)
		return nil
	}
	v.D.(*accountsData).Decision = &d
	s.render(w, r, http.StatusOK, v)
	return nil
}

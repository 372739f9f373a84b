package web

import (
	"net/http"
	"net/url"

	"kabinet"
	"kabinet/store"
)

// decisionForm is the officer's decision: granted, or refused on a ground.
type decisionForm struct {
	Outcome, Ground string
}

// readDecisionForm reads the decision; a grant has no ground, whatever was posted.
func readDecisionForm(r *http.Request) decisionForm {
	f := decisionForm{Outcome: r.PostFormValue("outcome"), Ground: r.PostFormValue("ground")}
	if f.Outcome == string(kabinet.Granted) {
		f.Ground = ""
	}
	return f
}

// pageOfficeDecision: granted, or refused on one of the two grounds of Reg §9 (ACC-6).
func (s *Server) pageOfficeDecision(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readDecisionForm(r)
	code := r.PathValue("code")
	_, err := s.db.Decide(r.Context(), st, code, store.DecisionInput{Outcome: kabinet.Outcome(f.Outcome), Ground: kabinet.Ground(f.Ground)})
	if err != nil {
		field := ""
		if kabinet.ErrorCode(err) == "invalid_ground" {
			field = "ground"
		}
		return s.failOnApplication(w, r, st, err, field, func(d *officeAppData) {
			d.Outcome = cleanEcho(f.Outcome)
			if f.Ground != "" {
				d.Ground = cleanEcho(f.Ground)
			}
		})
	}
	return seeOther(w, r, "/office/applications/"+url.PathEscape(code))
}

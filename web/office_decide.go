package web

import (
	"net/http"
	"net/url"

	"kabinet"
	"kabinet/store"
)

// decisionForm is the officer's decision: granted, or refused on a ground. Confirmed
// is the confirmation step's answer: a grant of access is issued only once the officer
// has seen whom it grants and on behalf of which office.
type decisionForm struct {
	Outcome, Ground string
	Confirmed       bool
}

// readDecisionForm reads the decision; a grant has no ground, whatever was posted.
func readDecisionForm(r *http.Request) decisionForm {
	f := decisionForm{Outcome: r.PostFormValue("outcome"), Ground: r.PostFormValue("ground"), Confirmed: r.PostFormValue("confirm") == "yes"}
	if f.Outcome == string(kabinet.Granted) {
		f.Ground = ""
	}
	return f
}

// decisionConfirmData is the confirmation step before a grant of access: the subject,
// the outcome, the office on whose behalf it is issued, and the officer (ACC-6, ACC-7,
// ACC-10).
type decisionConfirmData struct {
	App     kabinet.Application
	Outcome kabinet.Outcome
	Officer string
}

// pageOfficeDecision: granted, or refused on one of the two grounds of Reg §9 (ACC-6).
// A grant of access is issued in two steps: the first POST checks what Decide would
// check and shows the confirmation page, deciding nothing; the grant is issued by the
// POST that page sends (confirm=yes). Without JavaScript it is the same two pages.
// Refusals and annulments are issued at once, as the API issues every decision.
func (s *Server) pageOfficeDecision(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readDecisionForm(r)
	code := r.PathValue("code")
	in := store.DecisionInput{Outcome: kabinet.Outcome(f.Outcome), Ground: kabinet.Ground(f.Ground)}
	if in.Outcome == kabinet.Granted && !f.Confirmed {
		a, err := s.db.CheckDecision(r.Context(), st, code, in)
		if err != nil {
			return s.decisionFailed(w, r, st, f, err)
		}
		if a.Kind == kabinet.KindAccess {
			s.render(w, r, http.StatusOK, s.decisionConfirmView(r, st, a, in.Outcome))
			return nil
		}
	}
	if _, err := s.db.Decide(r.Context(), st, code, in); err != nil {
		return s.decisionFailed(w, r, st, f, err)
	}
	return seeOther(w, r, "/office/applications/"+url.PathEscape(code))
}

// decisionFailed shows a refused decision on the application's page, keeping the
// officer's choice.
func (s *Server) decisionFailed(w http.ResponseWriter, r *http.Request, st store.StaffActor, f decisionForm, err error) error {
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

func (s *Server) decisionConfirmView(r *http.Request, st store.StaffActor, a kabinet.Application, o kabinet.Outcome) *view {
	v := s.officeView(r, &st, "office_decide", "officer.confirm.title")
	v.Path = "/office/applications/" + url.PathEscape(a.Code)
	officer := st.Name
	if officer == "" {
		officer = st.Login
	}
	v.D = &decisionConfirmData{App: a, Outcome: o, Officer: officer}
	return v
}

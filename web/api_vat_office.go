package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// The back office's VAT calls (VAT-2, VAT-3; ACC-10): the office's open applications
// with their deadlines, one application, the decision, and the printed decision.

// vatOfficeView is a VAT application as the officer works it: with what the registry
// says now, which decides (VAT-3: the fraud mark bars assignment; a subject no longer a
// VAT payer or liquidated is refused on that ground).
type vatOfficeView struct {
	vatApplicationView
	FraudMark bool   `json:"fraud_mark"`
	Reference string `json:"fraud_reference,omitempty"`
	// Barred is why assignment is barred now (fraud_evidence, not_vat_payer,
	// registration_liquidated), empty when the officer may assign.
	Barred string `json:"barred,omitempty"`
}

func (s *Server) vatOfficeViewOf(r *http.Request, a kabinet.VATApplication) vatOfficeView {
	v := vatOfficeView{vatApplicationView: vatViewOf(a)}
	v.Links = nil
	if a.DecisionNumber != "" {
		v.Links = map[string]link{"decision_pdf": {Method: "GET", Href: "/api/v1/office/vat/decisions/" + a.DecisionNumber + "/pdf"}}
	}
	tp, err := s.db.Taxpayer(r.Context(), a.INN)
	if err != nil {
		tp = kabinet.Taxpayer{INN: a.INN, Status: kabinet.RegistrationLiquidated}
	}
	v.FraudMark, v.Reference = tp.HasFraudMark(), tp.FraudReference
	if err := kabinet.CheckVATDecision(tp, s.clock.Now(), true, "", ""); err != nil {
		v.Barred = kabinet.ErrorCode(err)
	}
	return v
}

// apiOfficeVATBoard: GET /api/v1/office/vat/applications — the open VAT applications
// of the officer's office (every office for a supervisor), soonest deadline first,
// with due_today and overdue flags (VAT-2).
func (s *Server) apiOfficeVATBoard(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	items, err := s.db.OfficeVATApplications(r.Context(), st.Staff)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"applications": items})
	return nil
}

// apiOfficeVATApplication: GET /api/v1/office/vat/applications/{code} (ACC-10: 403
// wrong_office for another office's).
func (s *Server) apiOfficeVATApplication(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	a, err := s.db.OfficeVATApplication(r.Context(), st, r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.vatOfficeViewOf(r, a))
	return nil
}

// vatDecisionInput is the officer's decision as posted: assigned, or refused on a
// ground of the closed list ("other" with its text).
type vatDecisionInput struct {
	Outcome string `json:"outcome"`
	Ground  string `json:"ground"`
	Text    string `json:"text"`
}

// decide runs the decision through the store (VAT-3, VAT-4).
func (s *Server) decideVAT(r *http.Request, st store.StaffActor, code string, in vatDecisionInput) (kabinet.VATDecision, error) {
	switch kabinet.Outcome(in.Outcome) {
	case kabinet.Assigned:
		return s.db.DecideVAT(r.Context(), st, code, true, kabinet.VATGround(in.Ground), in.Text)
	case kabinet.Refused:
		return s.db.DecideVAT(r.Context(), st, code, false, kabinet.VATGround(in.Ground), in.Text)
	}
	return kabinet.VATDecision{}, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_outcome", "outcome is assigned or refused").
		With("field", "outcome")
}

// apiOfficeVATDecision: POST /api/v1/office/vat/applications/{code}/decision
// {outcome, ground?, text?} → 201 {number, ranges?, verification_code, …} (VAT-3, VAT-4).
func (s *Server) apiOfficeVATDecision(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	var in vatDecisionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.decideVAT(r, st, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	out := map[string]any{"number": d.Number, "application_code": d.ApplicationCode, "outcome": d.Outcome,
		"verification_code": d.VerificationCode, "decided_at": d.DecidedAt, "on_time": d.OnTime, "quantity": d.Quantity,
		"links": map[string]link{"pdf": {Method: "GET", Href: "/api/v1/office/vat/decisions/" + d.Number + "/pdf"}}}
	if d.Outcome == kabinet.Assigned {
		out["ranges"] = d.Ranges
	} else {
		out["ground"] = d.Ground
		if d.Text != "" {
			out["text"] = d.Text
		}
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// officeVATDecision returns a VAT decision to staff of its office or a supervisor.
func (s *Server) officeVATDecision(r *http.Request, st store.StaffActor, number string) (kabinet.VATDecision, error) {
	d, err := s.vatDecisionByNumber(r, number)
	if err != nil {
		return d, err
	}
	if err := kabinet.MayActOn(st.Staff, d.OfficeCode); err != nil {
		return kabinet.VATDecision{}, err
	}
	return d, nil
}

// apiOfficeVATDecisionPDF: GET /api/v1/office/vat/decisions/{number}/pdf — two copies
// with the QR to the public verification (VAT-3, ACC-8), in the caller's language.
func (s *Server) apiOfficeVATDecisionPDF(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	d, err := s.officeVATDecision(r, st, r.PathValue("number"))
	if err != nil {
		return err
	}
	return s.writeVATDecisionPDF(w, r, d)
}

// vatDecisionByNumber reads a VAT decision by a number taken from a path: a number no
// decision can have (control characters, invalid UTF-8, too long) is not found before
// the store is asked, since PostgreSQL refuses NUL in text (SEC-3: both engines alike).
func (s *Server) vatDecisionByNumber(r *http.Request, number string) (kabinet.VATDecision, error) {
	if len(number) > 64 || badLogin(number) {
		return kabinet.VATDecision{}, kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no such decision")
	}
	return s.db.VATDecision(r.Context(), number)
}

package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// apiOfficeAnnul: POST /api/v1/office/accounts/{login}/annul {ground, reference} —
// immediate annulment on fraud evidence (Reg §21; ANN-3, ANN-4).
func (s *Server) apiOfficeAnnul(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	var in struct {
		Ground    string `json:"ground"`
		Reference string `json:"reference"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.db.AnnulForFraud(r.Context(), st, r.PathValue("login"), in.Ground, in.Reference)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"number": d.Number, "outcome": d.Outcome, "ground": d.Ground,
		"reference": d.Reference, "login": d.Login, "verification_code": d.VerificationCode, "sessions_ended": true,
		"links": map[string]link{"pdf": {Method: "GET", Href: "/api/v1/office/decisions/" + d.Number + "/pdf"}}})
	return nil
}

// apiCabinetAnnulment: POST /api/v1/me/annulment {passport} — the signed-in subject
// forms an annulment application from inside the cabinet (ANN-1).
func (s *Server) apiCabinetAnnulment(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	var in struct {
		Passport string `json:"passport"`
		Lang     string `json:"lang"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Lang == "" {
		in.Lang = string(langOf(r))
	}
	a, err := s.db.CreateApplication(r.Context(), taxpayerActor(r, acct), store.NewApplication{Kind: kabinet.KindAnnulment,
		INN: acct.INN, Passport: in.Passport, SignedIn: true, Lang: in.Lang})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewOf(a))
	return nil
}

// apiOfficeUnlock: POST /api/v1/office/accounts/{login}/unlock — lift a sign-in lock (PWD-3).
func (s *Server) apiOfficeUnlock(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	if err := s.db.Unlock(r.Context(), st, r.PathValue("login")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiOfficeRequireTOTP: POST /api/v1/office/staff/{login}/totp-required {required} (SEC-1).
func (s *Server) apiOfficeRequireTOTP(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	var in struct {
		Required bool `json:"required"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.SetTOTPRequired(r.Context(), st, r.PathValue("login"), in.Required); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

package web

import (
	"bytes"
	"net/http"

	"kabinet"
	"kabinet/pdf"
	"kabinet/store"
)

// apiOfficeLogin: POST /api/v1/office/auth/login {login, password, otp?} (SEC-1).
func (s *Server) apiOfficeLogin(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Login    string `json:"login"`
		Password string `json:"password"`
		OTP      string `json:"otp"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := s.db.SignInStaff(r.Context(), publicActor(r), store.Credentials{Login: in.Login, Password: in.Password, OTP: in.OTP})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, "staff", res.Token)
	writeJSON(w, http.StatusOK, map[string]any{"login": res.Login})
	return nil
}

// apiOfficeLogout: POST /api/v1/office/auth/logout.
func (s *Server) apiOfficeLogout(w http.ResponseWriter, r *http.Request) error {
	if tok := s.token(r, "staff"); tok != "" {
		if err := s.db.SignOut(r.Context(), publicActor(r), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, "staff")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// officeView is an application as the back office sees it: with the registry's current
// data beside the snapshot and the differences named (ACC-5).
type officeView struct {
	applicationView
	Registry    *kabinet.Taxpayer `json:"registry,omitempty"`
	Differences []string          `json:"differences,omitempty"`
	FraudMark   bool              `json:"fraud_mark"`
}

func (s *Server) officeViewOf(r *http.Request, a kabinet.Application) officeView {
	v := officeView{applicationView: viewOf(a)}
	v.Links = nil
	tp, err := s.db.Taxpayer(r.Context(), a.INN)
	if err != nil {
		v.Differences = []string{"registration"}
		return v
	}
	v.Registry = &tp
	v.FraudMark = tp.HasFraudMark()
	for _, d := range []struct {
		field      string
		snap, live string
	}{{"name", a.Name, tp.Name}, {"office_code", a.OfficeCode, tp.OfficeCode}, {"address", a.Address, tp.Address},
		{"signatory", a.Signatory, tp.Signatory()}, {"status", "active", string(tp.Status)}} {
		if d.snap != d.live {
			v.Differences = append(v.Differences, d.field)
		}
	}
	return v
}

// apiOfficeFind: POST /api/v1/office/applications/find {inn, code} (Reg §6, ACC-5, ACC-10).
func (s *Server) apiOfficeFind(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	var in codeINN
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.db.FindApplication(r.Context(), st, in.INN, in.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.officeViewOf(r, a))
	return nil
}

// apiOfficeReceive: POST /api/v1/office/applications/{code}/receive {documents_checked} (ACC-5, ACC-9).
func (s *Server) apiOfficeReceive(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	var in struct {
		DocumentsChecked bool `json:"documents_checked"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.db.Receive(r.Context(), st, r.PathValue("code"), in.DocumentsChecked)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.officeViewOf(r, a))
	return nil
}

// apiOfficeDecision: POST /api/v1/office/applications/{code}/decision {outcome, ground?} (ACC-6, ACC-7).
func (s *Server) apiOfficeDecision(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	var in struct {
		Outcome string `json:"outcome"`
		Ground  string `json:"ground"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.db.Decide(r.Context(), st, r.PathValue("code"), store.DecisionInput{Outcome: kabinet.Outcome(in.Outcome), Ground: kabinet.Ground(in.Ground)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"number": d.Number, "outcome": d.Outcome, "ground": d.Ground,
		"login": d.Login, "verification_code": d.VerificationCode, "on_time": d.OnTime, "decided_at": d.DecidedAt,
		"links": map[string]link{"pdf": {Method: "GET", Href: "/api/v1/office/decisions/" + d.Number + "/pdf"}}})
	return nil
}

// apiOfficeApplicationReceiptPDF: GET /api/v1/office/applications/{code}/receipt.pdf —
// the subject's copy with the office's acceptance mark (Reg §7).
func (s *Server) apiOfficeReceiptPDF(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	a, err := s.db.ApplicationFor(r.Context(), st, r.PathValue("code"))
	if err != nil {
		return err
	}
	if a.ReceivedAt == nil {
		return kabinet.Errorf(kabinet.KindConflict, "not_received", "the application has not been received yet")
	}
	o, err := s.db.Office(r.Context(), a.OfficeCode)
	if err != nil {
		return err
	}
	officer := a.ReceivedBy
	if rs, err := s.db.StaffByLogin(r.Context(), a.ReceivedBy); err == nil && rs.Name != "" {
		officer = rs.Name
	}
	return s.writeApplicationPDF(w, r, a, &pdf.Receipt{OfficeCode: o.Code, OfficeName: o.Name(string(langOf(r))),
		Officer: officer, ReceivedAt: *a.ReceivedAt})
}

// apiOfficeDecisionPDF: GET /api/v1/office/decisions/{number}/pdf (ACC-8).
func (s *Server) apiOfficeDecisionPDF(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	d, err := s.db.Decision(r.Context(), r.PathValue("number"))
	if err != nil {
		return err
	}
	if !st.CanActOn(d.OfficeCode) {
		return kabinet.WrongOffice(d.OfficeCode) // names the office (web: withOfficeName)
	}
	b, err := s.decisionPDF(r, d)
	if err != nil {
		return err
	}
	writePDF(w, "reshenie-"+d.Number+".pdf", b)
	return nil
}

func (s *Server) decisionPDF(r *http.Request, d kabinet.Decision) ([]byte, error) {
	o, err := s.db.Office(r.Context(), d.OfficeCode)
	if err != nil {
		return nil, err
	}
	lang := langOf(r)
	var buf bytes.Buffer
	err = pdf.Decision(&buf, pdf.DecisionForm{Number: d.Number, Kind: string(d.Kind), Outcome: string(d.Outcome), Ground: string(d.Ground),
		Reference: d.Reference, ApplicationCode: d.ApplicationCode, INN: d.INN, Name: d.Name, OfficeCode: o.Code,
		OfficeName: o.Name(string(lang)), Officer: d.Officer, Login: d.Login, DecidedAt: d.DecidedAt,
		VerificationCode: d.VerificationCode, VerifyURL: s.verifyURL(d), Lang: lang})
	return buf.Bytes(), err
}

// verifyURL is printed on the decision and encoded in its QR (ACC-8).
func (s *Server) verifyURL(d kabinet.Decision) string {
	return s.cfg.BaseURL + "/verify?number=" + d.Number + "&code=" + d.VerificationCode
}

// apiOfficeBoard: GET /api/v1/office/board (ACC-9, ANN-2).
func (s *Server) apiOfficeBoard(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	b, err := s.db.Board(r.Context(), st.Staff)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

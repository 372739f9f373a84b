package web

import (
	"net/http"
	"net/url"

	"kabinet"
	"kabinet/store"
)

// The back office's VAT pages (VAT-2, VAT-3; ACC-10): the office's open applications
// with their deadlines, an application with the decision forms, and the printed
// decision.

// vatBoardData is the office's VAT board.
type vatBoardData struct {
	Items []store.VATBoardItem
}

// Href is an application's page.
func (vatBoardData) Href(code string) string { return vatOfficeHref(code) }

func vatOfficeHref(code string) string { return "/office/vat/applications/" + url.PathEscape(code) }

// pageOfficeVATBoard: GET /office/vat/.
func (s *Server) pageOfficeVATBoard(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	items, err := s.db.OfficeVATApplications(r.Context(), st.Staff)
	if err != nil {
		return err
	}
	v := s.officeView(r, &st, "vat_office_board", "web.vat.board.title")
	v.Path = "/office/vat/"
	v.D = vatBoardData{Items: items}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// vatOfficeAppData is a VAT application as the officer works it.
type vatOfficeAppData struct {
	App      vatOfficeView
	Grounds  []kabinet.VATGround
	Outcome  string // kept after a refused post
	Ground   string
	Text     string
	Overdue  bool
	DueToday bool
}

// Href is the application's page; PDFHref the decision's print.
func (d vatOfficeAppData) Href() string { return vatOfficeHref(d.App.Code) }

// PDFHref is the printed decision's address.
func (d vatOfficeAppData) PDFHref() string {
	return "/office/vat/decisions/" + url.PathEscape(d.App.DecisionNumber) + ".pdf"
}

// RangeText prints a range as the decision does.
func (vatOfficeAppData) RangeText(r kabinet.VATRange) string { return r.String() }

func (s *Server) vatOfficeAppView(r *http.Request, st store.StaffActor, a kabinet.VATApplication) *view {
	v := s.officeView(r, &st, "vat_office_app", "web.vat.app.title")
	v.Path = vatOfficeHref(a.Code)
	now := s.clock.Now()
	d := &vatOfficeAppData{App: s.vatOfficeViewOf(r, a), Grounds: kabinet.VATGrounds}
	if a.Status == kabinet.VATApplicationOpen {
		d.Overdue, d.DueToday = kabinet.Late(a.DueAt, now), kabinet.DueToday(a.DueAt, now)
		switch d.App.Barred {
		case "fraud_evidence", "not_vat_payer", "registration_liquidated":
			d.Ground = d.App.Barred // the ground the registry suggests
		}
	}
	v.D = d
	return v
}

// pageOfficeVATApplication: GET /office/vat/applications/{code} (ACC-10: another
// office's is a 403 page).
func (s *Server) pageOfficeVATApplication(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	a, err := s.db.OfficeVATApplication(r.Context(), st, r.PathValue("code"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, s.vatOfficeAppView(r, st, a))
	return nil
}

// pageOfficeVATDecision: POST /office/vat/applications/{code}/decision {outcome,
// ground, text} (VAT-3) → 303 to the application, which shows the decision.
func (s *Server) pageOfficeVATDecision(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	in := vatDecisionInput{Outcome: r.PostFormValue("outcome"), Ground: r.PostFormValue("ground"), Text: r.PostFormValue("text")}
	if in.Outcome == string(kabinet.Assigned) {
		in.Ground, in.Text = "", "" // the assign button's form has none; ignore any posted
	}
	code := r.PathValue("code")
	if _, err := s.decideVAT(r, st, code, in); err != nil {
		a, aerr := s.db.OfficeVATApplication(r.Context(), st, code)
		if aerr != nil {
			return err // another office's or unknown: the error as a page of its own
		}
		v := s.vatOfficeAppView(r, st, a)
		d := v.D.(*vatOfficeAppData)
		d.Outcome, d.Ground, d.Text = cleanEcho(in.Outcome), cleanEcho(in.Ground), cleanEcho(in.Text)
		field := ""
		switch kabinet.ErrorCode(err) {
		case "invalid_ground":
			field = "ground"
		case "ground_text_required", "invalid_text", "text_too_long":
			field = "text"
		}
		s.vatFail(w, r, v, err, field)
		return nil
	}
	return seeOther(w, r, vatOfficeHref(code))
}

// pageOfficeVATDecisionPDF: GET /office/vat/decisions/{number}.pdf (VAT-3).
func (s *Server) pageOfficeVATDecisionPDF(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	number, err := pdfNumber(r)
	if err != nil {
		return err
	}
	d, err := s.officeVATDecision(r, st, number)
	if err != nil {
		return err
	}
	return s.writeVATDecisionPDF(w, r, d)
}

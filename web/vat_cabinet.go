package web

import (
	"net/http"
	"strconv"
	"strings"

	"kabinet"
)

// The cabinet's «Счета-фактуры НДС» section (CAB-3): the application form for an
// active VAT payer, or why not (VAT-1); the applications with their state and
// decisions (VAT-2, VAT-3); each assigned range with its annulled part and the notice
// of unused numbers (VAT-5). Every POST answers 303 on success.

// vatCabinetData is the section's page.
type vatCabinetData struct {
	Payer  vatPayerState
	Open   *kabinet.VATApplication // the open application, if any: no second one (application_open)
	Latest *kabinet.VATApplication // the newest decided application, shown with its decision
	Apps   []kabinet.VATApplication
	Ranges []vatRangeRow // every range assigned to the subject
	Max    int           // the policy's maximum quantity (VAT-2)
}

// vatRangeRow is an assigned range as the cabinet shows it, with its annulled tail.
type vatRangeRow struct {
	kabinet.VATAssignedRange
	Decision string
	Index    int // for the unused-numbers form's field ids
}

// Text prints the range as on the decision: «AA 0000001 – 0000100».
func (r vatRangeRow) Text() string { return r.VATRange.String() }

// AnnulledText is the annulled tail, «AA 0000051 – 0000100», or "".
func (r vatRangeRow) AnnulledText() string {
	if r.AnnulledFrom == 0 {
		return ""
	}
	return kabinet.VATRange{Series: r.Series, From: r.AnnulledFrom, To: r.To}.String()
}

// Open reports whether some numbers of the range can still be reported unused.
func (r vatRangeRow) Open() bool { return r.AnnulledFrom == 0 || r.AnnulledFrom > r.From }

// ToText is the range's last number as printed.
func (r vatRangeRow) ToText() string { return kabinet.FormatVATNumber(r.To) }

// FromText is the range's first number as printed.
func (r vatRangeRow) FromText() string { return kabinet.FormatVATNumber(r.From) }

// RangeText prints a decision's range.
func (d vatCabinetData) RangeText(r kabinet.VATRange) string { return r.String() }

// PDFHref is where the subject prints a decision.
func (d vatCabinetData) PDFHref(number string) string { return vatCabinetPDFHref(number) }

// vatNotices are the notices the section shows after a redirect (?m=…): a fixed list.
var vatNotices = map[string]string{"applied": "web.vat.notice.applied", "unused": "web.vat.notice.unused"}

func (s *Server) vatCabinetView(r *http.Request, acct kabinet.Account) (*view, error) {
	payer, err := s.vatPayer(r, acct)
	if err != nil {
		return nil, err
	}
	apps, err := s.db.VATApplications(r.Context(), acct.INN)
	if err != nil {
		return nil, err
	}
	v := s.newView(r, "vat_cabinet", "web.vat.title", "cabinet")
	v.Path = "/cabinet/vat"
	d := vatCabinetData{Payer: payer, Apps: apps, Max: v.Pol().VATMaxQuantity}
	for i := range apps {
		a := &apps[i]
		if a.Status == kabinet.VATApplicationOpen && d.Open == nil {
			d.Open = a
		}
		if a.Decision != nil && d.Latest == nil {
			d.Latest = a
		}
	}
	// Ranges oldest first, in the national sequence's order.
	for i := len(apps) - 1; i >= 0; i-- {
		for _, x := range apps[i].Ranges {
			d.Ranges = append(d.Ranges, vatRangeRow{VATAssignedRange: x, Decision: apps[i].DecisionNumber, Index: len(d.Ranges) + 1})
		}
	}
	v.D = d
	return v, nil
}

// pageVAT: GET /cabinet/vat.
func (s *Server) pageVAT(w http.ResponseWriter, r *http.Request) error {
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	v, err := s.vatCabinetView(r, acct)
	if err != nil {
		return err
	}
	if k, ok := vatNotices[r.URL.Query().Get("m")]; ok {
		v.Notice = k
	}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// vatFail shows err on v's form with the VAT wording of its message (SEC-3: the status
// of its kind, what was typed kept by the caller, never the password).
func (s *Server) vatFail(w http.ResponseWriter, r *http.Request, v *view, err error, field string) {
	e, status := s.answerError(w, r, err)
	fe := &formError{Code: e.Code, Message: s.vatErrorTextIn(v.lang, e, inOffice(r)), Field: field}
	if n, ok := e.Details["attempts_left"].(int); ok && e.Code == "invalid_credentials" {
		fe.Lines = append(fe.Lines, v.T("web.login.attempts_left", "n", n))
	}
	v.Err = fe
	s.render(w, r, status, v)
}

// vatApplyField names the application form's field an error belongs to.
func vatApplyField(err error) string {
	switch kabinet.ErrorCode(err) {
	case "invalid_quantity":
		return "quantity"
	case "invalid_credentials", "account_locked":
		return "vat-password"
	}
	return ""
}

// pageVATApply: POST /cabinet/vat/apply {quantity, password} (VAT-1, VAT-2).
func (s *Server) pageVATApply(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	sess, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	raw := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("quantity"), " ", ""))
	q, perr := strconv.Atoi(raw)
	if perr != nil || strings.TrimLeft(raw, "0123456789") != "" {
		q = 0 // refused below as invalid_quantity, with the policy's maximum in the message
	}
	_, err = s.db.ApplyVAT(r.Context(), taxpayerActor(r, acct), sess, r.PostFormValue("password"), q)
	if err != nil {
		v, verr := s.vatCabinetView(r, acct)
		if verr != nil {
			return err
		}
		v.Form = keep(r, "quantity")
		s.vatFail(w, r, v, err, vatApplyField(err))
		return nil
	}
	return seeOther(w, r, "/cabinet/vat?m=applied")
}

// pageVATUnused: POST /cabinet/vat/unused {series, from, to, password} — the notice of
// unused numbers (VAT-5, STI-005): from the number typed to the range's end.
func (s *Server) pageVATUnused(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	sess, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	idx := cleanEcho(r.PostFormValue("range"))
	from, ferr := kabinet.ParseVATNumber(r.PostFormValue("from"))
	to, terr := kabinet.ParseVATNumber(r.PostFormValue("to"))
	err = ferr
	if err == nil {
		err = terr
	}
	if err == nil {
		err = s.db.ReportUnusedVAT(r.Context(), taxpayerActor(r, acct), sess, r.PostFormValue("password"), r.PostFormValue("series"), from, to)
	}
	if err != nil {
		v, verr := s.vatCabinetView(r, acct)
		if verr != nil {
			return err
		}
		v.Form = keep(r, "from")
		v.Form["range"] = idx
		field := "from-" + idx
		if c := kabinet.ErrorCode(err); c == "invalid_credentials" || c == "account_locked" {
			field = "unused-password-" + idx
		}
		if _, nerr := strconv.Atoi(idx); nerr != nil {
			field = ""
		}
		s.vatFail(w, r, v, err, field)
		return nil
	}
	return seeOther(w, r, "/cabinet/vat?m=unused")
}

// pageVATDecisionPDF: GET /cabinet/vat/decisions/{number}.pdf — the subject prints a
// decision of its own (VAT-3); another's is not found.
func (s *Server) pageVATDecisionPDF(w http.ResponseWriter, r *http.Request) error {
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	number, err := pdfNumber(r)
	if err != nil {
		return err
	}
	d, err := s.vatDecisionByNumber(r, number)
	if err != nil {
		return err
	}
	if d.INN != acct.INN {
		return kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no such decision")
	}
	return s.writeVATDecisionPDF(w, r, d)
}

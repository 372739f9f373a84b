package web

import (
	"net/http"

	"kabinet"
)

// The public VAT pages: the check of a printed invoice (VAT-6) and the verification of
// a paper VAT decision (VAT-3, like /verify for access decisions).

// vatCheckData is the check's answer: the state alone, nothing more (VAT-6).
type vatCheckData struct {
	State kabinet.VATNumberState
}

// pageVATCheck: GET /vat/check — the form. The ИНН goes in a POST body (SEC-2).
func (s *Server) pageVATCheck(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "vat_check", "web.vat.check.title", "public")
	v.D = vatCheckData{}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageVATCheckPost: POST /vat/check {series, number, inn} — rate-limited and audited
// like the registry look-up (SEC-2); the answer is shown on the page, since the ИНН
// may not travel in a redirect's URL.
func (s *Server) pageVATCheckPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := s.newView(r, "vat_check", "web.vat.check.title", "public")
	v.Path = "/vat/check"
	v.Form = keep(r, "series", "number", "inn")
	v.D = vatCheckData{}
	st, err := s.checkVAT(r, r.PostFormValue("series"), r.PostFormValue("number"), r.PostFormValue("inn"))
	if err != nil {
		field := ""
		switch kabinet.ErrorCode(err) {
		case "invalid_series":
			field = "series"
		case "invalid_number":
			field = "number"
		case "invalid_inn":
			field = "inn"
		}
		s.vatFail(w, r, v, err, field)
		return nil
	}
	v.D = vatCheckData{State: st}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// vatVerifyData is the verification page's answer: what the paper shows, or which
// fields were sent empty.
type vatVerifyData struct {
	Decision *vatDecisionPublic
	// Missing are the fields the form was sent without ("number", "code").
	Missing map[string]bool
}

// RangeText prints a range as the decision does.
func (d vatVerifyData) RangeText(r kabinet.VATRange) string { return r.String() }

// pageVATVerify: GET /vat/verify[?number=&code=] — the QR on a VAT decision leads here.
// The form sent with a field empty asks for it, as /verify does, instead of answering
// that no such decision exists, and costs no look-up of the client's limit.
func (s *Server) pageVATVerify(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "vat_verify", "web.vat.verify.title", "public")
	q := r.URL.Query()
	v.Form = map[string]string{"number": cleanEcho(q.Get("number")), "code": cleanEcho(q.Get("code"))}
	v.D = vatVerifyData{}
	if !q.Has("number") && !q.Has("code") {
		s.render(w, r, http.StatusOK, v)
		return nil
	}
	if missing, first := missingFields(q.Get, verifyFields); first != "" {
		v.D = vatVerifyData{Missing: missing}
		s.vatFail(w, r, v, kabinet.Errorf(kabinet.KindUnprocessable, "verify_fields_required",
			"enter the decision's number and its verification code"), first)
		return nil
	}
	d, err := s.verifyVATDecision(r, q.Get("number"), q.Get("code"))
	if err != nil {
		s.vatFail(w, r, v, err, "")
		return nil
	}
	pd := publicVATDecision(d)
	v.D = vatVerifyData{Decision: &pd}
	s.render(w, r, http.StatusOK, v)
	return nil
}

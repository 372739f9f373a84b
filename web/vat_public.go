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

// vatVerifyData is the verification page's answer: what the paper shows.
type vatVerifyData struct {
	Decision *vatDecisionPublic
}

// RangeText prints a range as the decision does.
func (d vatVerifyData) RangeText(r kabinet.VATRange) string { return r.String() }

// pageVATVerify: GET /vat/verify[?number=&code=] — the QR on a VAT decision leads here.
func (s *Server) pageVATVerify(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "vat_verify", "web.vat.verify.title", "public")
	q := r.URL.Query()
	v.Form = map[string]string{"number": cleanEcho(q.Get("number")), "code": cleanEcho(q.Get("code"))}
	v.D = vatVerifyData{}
	if q.Get("number") == "" && q.Get("code") == "" {
		s.render(w, r, http.StatusOK, v)
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

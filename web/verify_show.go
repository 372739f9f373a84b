package web

import (
	"net/http"

	"kabinet"
)

// verifyData is the verification page's answer: what the paper shows (ACC-8), or which
// fields were sent empty.
type verifyData struct {
	Decision *decisionPublic
	// Missing are the fields the form was sent without ("number", "code"): each asks
	// for its value.
	Missing map[string]bool
}

// pageVerify: GET /verify[?number=&code=] — the QR on a decision leads here. Neither
// value is a personal identifier. The form sent with a field empty asks for it
// (issue 14, point 10) instead of answering that no such decision exists.
func (s *Server) pageVerify(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "verify", "web.verify.title", "public")
	q := r.URL.Query()
	v.Form = map[string]string{"number": cleanEcho(q.Get("number")), "code": cleanEcho(q.Get("code"))}
	v.D = verifyData{}
	if !q.Has("number") && !q.Has("code") {
		s.render(w, r, http.StatusOK, v)
		return nil
	}
	if missing, first := missingFields(q.Get, verifyFields); first != "" {
		v.D = verifyData{Missing: missing}
		s.fail(w, r, v, kabinet.Errorf(kabinet.KindUnprocessable, "verify_fields_required",
			"enter the decision's number and its verification code"), first)
		return nil
	}
	d, err := s.verifyDecision(r, q.Get("number"), q.Get("code"))
	if err != nil {
		s.fail(w, r, v, err, "")
		return nil
	}
	pd := publicDecision(d)
	v.D = verifyData{Decision: &pd}
	s.render(w, r, http.StatusOK, v)
	return nil
}

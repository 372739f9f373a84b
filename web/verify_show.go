package web

import (
	"net/http"
)

// verifyData is the verification page's answer: what the paper shows (ACC-8).
type verifyData struct {
	Decision *decisionPublic
}

// pageVerify: GET /verify[?number=&code=] — the QR on a decision leads here. Neither
// value is a personal identifier.
func (s *Server) pageVerify(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "verify", "web.verify.title", "public")
	q := r.URL.Query()
	v.Form = map[string]string{"number": cleanEcho(q.Get("number")), "code": cleanEcho(q.Get("code"))}
	v.D = verifyData{}
	if q.Get("number") == "" && q.Get("code") == "" {
		s.render(w, r, http.StatusOK, v)
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

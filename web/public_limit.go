package web

import (
	"net/http"
	"time"
)

// limitApplicationCalls counts one public call about an application — its status, its
// printable form as a page or a PDF — against the client address's per-minute limit,
// the look-up's number (policy LookupsPerMinute, SEC-2), under a key of its own so a
// person who looked up, applied and printed is not refused. Each renders or searches:
// unlimited, 20 loops of the PDF took 19 PDFs a second and slowed every other request
// (issue 12, point 17). The verifications (verify:) and the VAT check (vatcheck:)
// count under their own keys.
func (s *Server) limitApplicationCalls(r *http.Request) error {
	pol, err := s.db.Policy(r.Context())
	if err != nil {
		return err
	}
	return s.db.Limit(r.Context(), "application:"+clientAddress(r), pol.LookupsPerMinute, time.Minute)
}

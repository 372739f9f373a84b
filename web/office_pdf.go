package web

import (
	"net/http"
	"strings"

	"kabinet"
	"kabinet/store"
)

// pageOfficeReceiptPDF: the subject's copy with the office's acceptance mark (Reg §7).
func (s *Server) pageOfficeReceiptPDF(w http.ResponseWriter, r *http.Request, _ store.StaffActor) error {
	return s.apiOfficeReceiptPDF(w, r)
}

// pageOfficeDecisionPDF: GET /office/decisions/{number}.pdf (ACC-8).
func (s *Server) pageOfficeDecisionPDF(w http.ResponseWriter, r *http.Request, _ store.StaffActor) error {
	number, found := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !found || number == "" {
		return kabinet.Errorf(kabinet.KindNotFound, "not_found", "no page %s", r.URL.Path)
	}
	r.SetPathValue("number", number)
	return s.apiOfficeDecisionPDF(w, r)
}

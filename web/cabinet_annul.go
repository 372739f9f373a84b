package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// pageCabinetAnnul: the signed-in subject forms an annulment application (ANN-1); the
// session stands in for the current password. As on the public form, the formed
// application answers 303 to /applied, and one that would supersede an open annulment
// application (RST-2) is asked about first.
func (s *Server) pageCabinetAnnul(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	formed, err := s.newFormed()
	if err != nil {
		return err
	}
	_, err = s.db.CreateApplication(r.Context(), taxpayerActor(r, acct), store.NewApplication{Kind: kabinet.KindAnnulment,
		INN: acct.INN, Passport: r.PostFormValue("passport"), SignedIn: true, Lang: string(langOf(r)),
		AskFirst: true, Supersedes: supersedesOf(r), FormedToken: formed})
	if err == nil {
		s.setFormed(w, formed)
		return seeOther(w, r, appliedPath)
	}
	if kabinet.ErrorCode(err) == "would_supersede" && s.confirmAgain(w, r, kabinet.KindAnnulment, acct.INN, err) {
		return nil
	}
	v, verr := s.cabinetView(r, acct)
	if verr != nil {
		return err
	}
	v.Form = keep(r, "passport")
	s.fail(w, r, v, err, "passport")
	return nil
}

package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// pageCabinetAnnul: the signed-in subject forms an annulment application (ANN-1); the
// session stands in for the current password.
func (s *Server) pageCabinetAnnul(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	a, err := s.db.CreateApplication(r.Context(), taxpayerActor(r, acct), store.NewApplication{Kind: kabinet.KindAnnulment,
		INN: acct.INN, Passport: r.PostFormValue("passport"), SignedIn: true, Lang: string(langOf(r))})
	if err != nil {
		v, verr := s.cabinetView(r, acct)
		if verr != nil {
			return err
		}
		v.Form = keep(r, "passport")
		s.fail(w, r, v, err, "passport")
		return nil
	}
	s.renderApplied(w, r, a)
	return nil
}

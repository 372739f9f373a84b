package web

import (
	"net/http"

	"kabinet/store"
)

// lookup fills the form's registry fields: rate-limited and audited like the API's
// look-up (SEC-2), so re-rendering a form is no way around the limit.
func (s *Server) lookup(r *http.Request, rawINN string) (store.FormFields, error) {
	pol, err := s.db.Policy(r.Context())
	if err != nil {
		return store.FormFields{}, err
	}
	return s.db.LookupRegistry(r.Context(), publicActor(r), rawINN, pol.LookupsPerMinute)
}

// pageApplyLookup: the «Найти» button — fields 103, 104, address and 297 fill from the
// registry (ACC-1) or the subject is told why access cannot be requested (ACC-2).
func (s *Server) pageApplyLookup(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	kind := kindOf(r.PostFormValue("kind"))
	v := s.applyView(r, kind)
	v.Form = keep(r, "inn", "passport")
	f, err := s.lookup(r, r.PostFormValue("inn"))
	if err != nil {
		v.D.(*applyData).Blocked = refusesINN(err)
		s.fail(w, r, v, err, "inn")
		return nil
	}
	v.D.(*applyData).Fields = &f
	s.render(w, r, http.StatusOK, v)
	return nil
}

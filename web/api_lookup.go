package web

import (
	"net/http"

	"kabinet/store"
)

// actor is the public caller, for the audit log.
func publicActor(r *http.Request) store.Actor {
	return store.Actor{Name: "public", Address: clientAddress(r)}
}

// apiLookup: POST /api/v1/registry/lookup {inn} (ACC-1, ACC-2, SEC-2). The ИНН travels
// in the body, never the URL.
func (s *Server) apiLookup(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		INN string `json:"inn"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	pol, err := s.db.Policy(r.Context())
	if err != nil {
		return err
	}
	f, err := s.db.LookupRegistry(r.Context(), publicActor(r), in.INN, pol.LookupsPerMinute)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

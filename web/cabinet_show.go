package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// cabinetData is the cabinet's home (CAB-1).
type cabinetData struct {
	Home store.CabinetHome
}

func (s *Server) pageCabinet(w http.ResponseWriter, r *http.Request) error {
	_, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	v, err := s.cabinetView(r, acct)
	if err != nil {
		return err
	}
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

func (s *Server) cabinetView(r *http.Request, acct kabinet.Account) (*view, error) {
	home, err := s.db.Cabinet(r.Context(), acct)
	if err != nil {
		return nil, err
	}
	v := s.newView(r, "cabinet", "web.cabinet.title", "cabinet")
	v.Path = "/cabinet"
	v.D = cabinetData{Home: home}
	return v, nil
}

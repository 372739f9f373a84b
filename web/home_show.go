package web

import (
	"net/http"
)

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "home", "web.home.title", "public")
	s.render(w, r, http.StatusOK, v)
	return nil
}

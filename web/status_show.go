package web

import (
	"net/http"

	"kabinet"
)

// statusData is the application's status as its subject sees it.
type statusData struct {
	App      *applicationView
	Decision *kabinet.Decision
}

func (s *Server) pageStatus(w http.ResponseWriter, r *http.Request) error {
	v := s.newView(r, "status", "web.status.title", "public")
	v.D = statusData{}
	s.render(w, r, http.StatusOK, v)
	return nil
}

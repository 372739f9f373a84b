package web

import (
	_ "embed"
	"net/http"
)

// openapiJSON describes /api/v1 for integrators; TestOpenAPICoversRoutes keeps it
// in step with the routes.
//
//go:embed openapi.json
var openapiJSON []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openapiJSON)
}

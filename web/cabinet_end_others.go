package web

import (
	"fmt"
	"net/http"
)

func (s *Server) pageEndOthers(w http.ResponseWriter, r *http.Request) error {
	sess, acct, ok, err := s.needTaxpayer(w, r, false)
	if !ok {
		return err
	}
	n, err := s.db.EndOtherSessions(r.Context(), taxpayerActor(r, acct), sess)
	if err != nil {
		return err
	}
	return seeOther(w, r, fmt.Sprintf("/cabinet?m=ended&n=%d", n))
}

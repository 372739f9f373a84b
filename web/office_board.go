package web

import (
	"net/http"

	"kabinet/store"
)

// boardData is the back office's board (ACC-9, ANN-2).
type boardData struct {
	Board store.Board
}

func (s *Server) boardView(r *http.Request, st store.StaffActor) (*view, error) {
	b, err := s.db.Board(r.Context(), st.Staff)
	if err != nil {
		return nil, err
	}
	v := s.officeView(r, &st, "office_board", "web.office.board.title")
	v.Path = "/office/"
	v.D = boardData{Board: b}
	return v, nil
}

func (s *Server) pageOfficeBoard(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	v, err := s.boardView(r, st)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, v)
	return nil
}

package web

import (
	"net/http"
	"strconv"

	"kabinet"
)

// withOfficeName adds to a refusal for another office's subject (wrong_office, ACC-10)
// the office's name in the user's language (office_name), so that the message names
// the office, not only its code; the API's answer carries it beside the code.
func (s *Server) withOfficeName(r *http.Request, e *kabinet.Error) *kabinet.Error {
	if e.Code != "wrong_office" {
		return e
	}
	code, ok := e.Details["office"].(string)
	if _, named := e.Details["office_name"]; !ok || code == "" || named {
		return e
	}
	o, err := s.db.Office(r.Context(), code)
	if err != nil {
		return e // the code alone, as before
	}
	return e.With("office_name", o.Name(string(langOf(r))))
}

// textPairs are an error's details as a message's placeholder pairs. Where the error
// names its office's name (withOfficeName), {office} reads "038 Нарынский р-н".
func textPairs(e *kabinet.Error) []string {
	kv := make([]string, 0, 2*len(e.Details))
	for k, v := range e.Details {
		switch v := v.(type) {
		case string:
			if name, ok := e.Details["office_name"].(string); k == "office" && ok && name != "" {
				v += " " + name
			}
			kv = append(kv, k, v)
		case int:
			kv = append(kv, k, strconv.Itoa(v))
		}
	}
	return kv
}

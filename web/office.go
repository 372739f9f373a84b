package web

import (
	"net/http"

	"kabinet"
	"kabinet/store"
)

// staffPage is a back-office page's own logic, run for the signed-in staff member.
type staffPage func(w http.ResponseWriter, r *http.Request, st store.StaffActor) error

// staff wraps a back-office page in the preamble all of them share, so the page holds
// only its own logic: a POST's form is read first (an unreadable one is an error
// page); then the staff member is found from the session, and a browser without one
// is sent to the sign-in page, saying why, and one whose second factor is required
// but not enrolled to its enrolment page (SEC-1). Cross-origin POSTs are refused
// before this (middleware), the language is chosen there too, and an error the page
// returns is rendered as an error page in that language (page).
func (s *Server) staff(h staffPage) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Method == http.MethodPost {
			if err := parseForm(r); err != nil {
				return err
			}
		}
		_, st, err := s.staffSession(r)
		if err != nil {
			switch kabinet.ErrorCode(err) {
			case "totp_enrolment_required":
				// SEC-1: a second factor is required; until it is enrolled, only its page.
				if r.URL.Path != "/office/totp" {
					return seeOther(w, r, "/office/totp")
				}
			case "not_signed_in", "staff_not_found":
				return seeOther(w, r, "/office/login?m=signin")
			case "session_expired":
				return seeOther(w, r, "/office/login?m=expired")
			default:
				return err
			}
		}
		return h(w, r, st)
	}
}

// supervisor wraps a back-office page only a supervisor may use (PWD-6, SEC-1):
// officers get a 403 page.
func (s *Server) supervisor(h staffPage) func(w http.ResponseWriter, r *http.Request) error {
	return s.staff(func(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
		if st.Role != kabinet.RoleSupervisor {
			return kabinet.Errorf(kabinet.KindForbidden, "forbidden", "only a supervisor may do this")
		}
		return h(w, r, st)
	})
}

// officeView is a back-office page's view; st is nil on the sign-in page.
func (s *Server) officeView(r *http.Request, st *store.StaffActor, name, title string) *view {
	v := s.newView(r, name, title, "office")
	if st != nil {
		staff := st.Staff
		v.Staff = &staff
	}
	return v
}

package web

import (
	"net/http"
	"strconv"
)

// helpSection is one part of the Help page: a step of the declarant's Guide in the
// product's words, with the pages it leads to.
type helpSection struct {
	ID    string // the anchor, "h-apply"
	Title string // catalog key
	Steps []string
	Note  string // catalog key, or ""
	Links []helpLink
}

// helpLink is a page a section leads to; Label is a catalog key.
type helpLink struct{ Href, Label string }

// helpSections follow the Guide: getting access, printing, the office, the decision,
// the first sign-in and the password change with its code word, the lock, restoring
// and annulling access; then what the cabinet does inside (Reg §1, §2): reports and
// VAT invoice numbers.
var helpSections = func() []helpSection {
	part := func(id string, steps int, note bool, links ...helpLink) helpSection {
		h := helpSection{ID: "h-" + id, Title: "help." + id + ".title", Links: links}
		for i := 1; i <= steps; i++ {
			h.Steps = append(h.Steps, "help."+id+"."+strconv.Itoa(i))
		}
		if note {
			h.Note = "help." + id + ".note"
		}
		return h
	}
	return []helpSection{
		part("apply", 5, true, helpLink{"/apply", "web.nav.apply"}),
		part("print", 3, false, helpLink{"/status", "web.nav.status"}),
		part("office", 3, false),
		part("decision", 4, false, helpLink{"/status", "web.nav.status"}, helpLink{"/verify", "web.nav.verify"}),
		part("signin", 4, false, helpLink{"/login", "web.nav.login"}, helpLink{"/password", "web.nav.password"}),
		part("codeword", 2, false),
		part("lock", 4, false, helpLink{"/cabinet", "web.nav.cabinet"}),
		part("restore", 3, false, helpLink{"/apply", "web.nav.apply"}),
		part("annul", 4, false, helpLink{"/annul", "web.home.annul.action"}, helpLink{"/cabinet", "web.nav.cabinet"}),
		part("filing", 5, false, helpLink{"/cabinet/filings", "web.nav.filings"}),
		part("vat", 4, false, helpLink{"/cabinet/vat", "web.vat.nav"}),
	}
}()

// helpData is the Help page's data: its sections; the numbers come from the policy in
// force (PWD-6), so the page never states a number the service does not apply.
type helpData struct {
	Sections []helpSection
}

// pageHelp: «Помощь», linked at the top right of every public and cabinet page and on
// the change-password screen, where the Guide shows it. It is public and reads no
// personal data, so a session that must change its password reaches it too.
func (s *Server) pageHelp(w http.ResponseWriter, r *http.Request) error {
	area := "public"
	if _, _, err := s.taxpayerSession(r, false); err == nil {
		area = "cabinet"
	}
	v := s.newView(r, "help", "help.title", area)
	v.Path = "/help"
	v.D = helpData{Sections: helpSections}
	s.render(w, r, http.StatusOK, v)
	return nil
}

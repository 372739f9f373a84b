package web

import (
	"net/http"
	"strings"
	"time"

	"kabinet"
)

// The page of the application just formed (ACC-4), reached by 303 after the POST that
// formed it, so that Back and reload show the same code and never form another one
// that would supersede the one already printed (RST-2).
//
// Which application it shows is named by a cookie, not the URL: the code (with which
// the office finds the application) and the ИНН never travel in a URL (SEC-2). The
// cookie holds the code and the ИНН; it is HttpOnly and SameSite=Strict, lives
// formedShownFor, and is checked on the server against the same pair the status page
// takes, under the same rate limit, and against the application's own field 300, so a
// cookie kept or forged beyond its time shows nothing. Another browser, or this one
// after that time, gets a page saying where the application can still be found (the
// status page, by code and ИНН) without forming anything.

// appliedPath is the page of the application just formed.
const appliedPath = "/applied"

// formedShownFor is how long /applied shows the application formed in this browser:
// time to print it and come back to it, short enough that the next person at an
// office's public computer does not find it (and «Готово» ends it at once).
const formedShownFor = 30 * time.Minute

func (s *Server) formedCookieName() string {
	if s.cfg.SecureCookies {
		return "__Host-kabinet_formed"
	}
	return "kabinet_formed"
}

// setFormed names a in this browser's cookie for /applied.
func (s *Server) setFormed(w http.ResponseWriter, a kabinet.Application) {
	http.SetCookie(w, &http.Cookie{Name: s.formedCookieName(), Value: a.Code + "." + a.INN, Path: "/",
		MaxAge: int(formedShownFor / time.Second), HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearFormed(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.formedCookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

// formedHere is the application this browser's cookie names, if it still shows one:
// ok is false when there is no cookie, it names no application, or the application
// was formed more than formedShownFor ago.
func (s *Server) formedHere(r *http.Request) (a kabinet.Application, ok bool, err error) {
	c, cerr := r.Cookie(s.formedCookieName())
	if cerr != nil || c.Value == "" {
		return a, false, nil
	}
	code, inn, found := strings.Cut(c.Value, ".")
	if !found || len(c.Value) > 64 {
		return a, false, nil
	}
	if err := s.limitApplicationCalls(r); err != nil {
		return a, false, err
	}
	a, err = s.db.ApplicationStatus(r.Context(), code, inn)
	if err != nil {
		switch kabinet.ErrorKind(err) {
		case kabinet.KindNotFound, kabinet.KindInvalid, kabinet.KindUnprocessable:
			return a, false, nil
		}
		return a, false, err
	}
	if age := s.clock.Now().Sub(a.FilledAt); age > formedShownFor || age < -time.Minute {
		return a, false, nil
	}
	return a, true, nil
}

// pageApplied: GET /applied — the application formed in this browser: its code, field
// 300, the printable form and what to do next (ACC-4). Showing it forms nothing.
func (s *Server) pageApplied(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := s.formedHere(r)
	if err != nil {
		return err
	}
	d := appliedData{Minutes: int(formedShownFor / time.Minute)}
	if ok {
		_, acct, serr := s.taxpayerSession(r, false)
		d.Cabinet = serr == nil && acct.INN == a.INN
		av := viewOf(a)
		d.App = &av
	} else {
		s.clearFormed(w)
		d.Cabinet = s.token(r, "taxpayer") != ""
	}
	area, title := "public", "web.applied.title"
	if d.Cabinet {
		area = "cabinet"
	}
	if d.App == nil {
		title = "web.applied.gone.title"
	} else if a.Status != kabinet.StatusFormed {
		title = "web.applied.since.title"
	}
	v := s.newView(r, "applied", title, area)
	v.Path = appliedPath
	v.D = d
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageAppliedDone: POST /applied/done — «Готово»: this browser forgets the application
// (on an office's public computer, before the next person sits down).
func (s *Server) pageAppliedDone(w http.ResponseWriter, r *http.Request) error {
	s.clearFormed(w)
	if s.token(r, "taxpayer") != "" {
		return seeOther(w, r, "/cabinet")
	}
	return seeOther(w, r, "/")
}

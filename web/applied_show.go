package web

import (
	"net/http"
	"time"

	"kabinet"
)

// The page of the application just formed (ACC-4), reached by 303 after the POST that
// formed it, so that Back and reload show the same code and never form another one
// that would supersede the one already printed (RST-2).
//
// Which application it shows is named by a cookie, not the URL, and the cookie holds
// neither the code (with which the office finds the application, and which with the
// ИНН opens the status page) nor the ИНН (SEC-2): on an office's public computer the
// browser's cookie store is anybody's. It holds an opaque token of 256 random bits
// (store.NewFormedToken) of which the shared database keeps only the SHA-256 beside the
// application, so any instance finds it. The cookie is HttpOnly and SameSite=Strict,
// lives formedShownFor, and the server accepts the token only within formedShownFor of
// the application's field 300 (its own clock), so a cookie kept beyond its time shows
// nothing; «Готово» clears the cookie and forgets the token in the database. Another
// browser, or this one after that time, gets a page saying where the application can
// still be found (the status page, by code and ИНН) without forming anything.

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

// newFormed is a token naming the application about to be formed in this browser
// (store.NewApplication.FormedToken), to be set with setFormed once it is formed.
func (s *Server) newFormed() (string, error) { return s.db.NewFormedToken() }

// setFormed names the application formed with token in this browser's cookie for
// /applied.
func (s *Server) setFormed(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.formedCookieName(), Value: token, Path: "/",
		MaxAge: int(formedShownFor / time.Second), HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearFormed(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.formedCookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

// formedHere is the application this browser's cookie names, if it still shows one:
// ok is false when there is no cookie, its token names no application (unknown,
// forged, forgotten), or the application was formed more than formedShownFor ago.
func (s *Server) formedHere(r *http.Request) (a kabinet.Application, ok bool, err error) {
	c, cerr := r.Cookie(s.formedCookieName())
	if cerr != nil || c.Value == "" {
		return a, false, nil
	}
	if err := s.limitApplicationCalls(r); err != nil {
		return a, false, err
	}
	now := s.clock.Now()
	a, err = s.db.FormedApplication(r.Context(), c.Value, now.Add(-formedShownFor))
	if err != nil {
		if kabinet.ErrorKind(err) == kabinet.KindNotFound {
			// Past its time or never known: forgotten, so it finds nothing later either.
			return a, false, s.db.ForgetFormed(r.Context(), c.Value)
		}
		return a, false, err
	}
	if a.FilledAt.Sub(now) > time.Minute {
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
// (on an office's public computer, before the next person sits down): the cookie is
// cleared and its token forgotten in the database, so a copy of it finds nothing.
func (s *Server) pageAppliedDone(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.formedCookieName()); err == nil {
		if err := s.db.ForgetFormed(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearFormed(w)
	if s.token(r, "taxpayer") != "" {
		return seeOther(w, r, "/cabinet")
	}
	return seeOther(w, r, "/")
}

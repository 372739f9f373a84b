package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"kabinet/i18n"
)

func langOf(r *http.Request) i18n.Lang {
	if l, ok := r.Context().Value(keyLang).(i18n.Lang); ok {
		return l
	}
	return i18n.RU
}

// langCookie remembers the chosen language (I18N-1).
const langCookie = "lang"

// chooseLang: the remembered choice, else the browser's preference, else Russian.
func chooseLang(r *http.Request) i18n.Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l, ok := i18n.Parse(tag); ok {
			return l
		}
	}
	return i18n.RU
}

// pageLang remembers the chosen language for a year and returns to the page (I18N-1).
func (s *Server) pageLang(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, formParseError(err))
		return
	}
	if l, ok := i18n.Parse(r.PostFormValue("lang")); ok {
		s.setLangCookie(w, l)
	}
	http.Redirect(w, r, localPath(r.PostFormValue("return")), http.StatusSeeOther)
}

func (s *Server) setLangCookie(w http.ResponseWriter, l i18n.Lang) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 60 * 60,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// localPath returns p when it is a path on this site ("/…" but not "//…" or "/\…",
// which browsers read as another host), else "/".
func localPath(p string) string {
	if len(p) == 0 || len(p) > 2000 || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return p
}

// switchLang honours a language switch posted together with a page's own fields
// (pages shown in answer to a POST re-post their fields with "set_lang"), so the
// same page is shown again in the other language without losing it.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) *http.Request {
	l, ok := i18n.Parse(r.PostFormValue("set_lang"))
	if !ok || r.PostFormValue("set_lang") == "" {
		return r
	}
	s.setLangCookie(w, l)
	return r.WithContext(contextWithLang(r.Context(), l))
}

func contextWithLang(ctx context.Context, l i18n.Lang) context.Context {
	return context.WithValue(ctx, keyLang, l)
}

// langPost makes the language switch re-post a page's fields (see switchLang).
type langPost struct {
	Action string
	Fields map[string]string
}

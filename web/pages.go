package web

// Pages for people: server-rendered HTML in Russian and Kyrgyz that works fully
// without JavaScript (app.js only enhances). Every text comes from the catalog;
// every state change is a POST; personal identifiers (ИНН, passport) travel only in
// request bodies (SEC-2). Handlers live in pages_public.go, pages_cabinet.go and
// pages_office.go; this file holds the renderer, the routes and shared helpers.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kabinet"
	"kabinet/i18n"
	"kabinet/ident"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageTemplates are parsed once: each page is the layout and the partials with the
// page's own "content". They are read-only after start.
var pageTemplates = mustParsePages()

func mustParsePages() map[string]*template.Template {
	base := template.Must(template.New("layout.html").Funcs(pageFuncs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t := template.Must(base.Clone())
		template.Must(t.ParseFS(templateFS, n))
		out[name] = t
	}
	return out
}

// pageFuncs are pure helpers; texts come from the view's T method.
var pageFuncs = template.FuncMap{
	"field": func(v *view, name string) fieldArgs { return fieldArgs{V: v, F: name} },
	"rules": func(v *view, name, confirm string) rulesArgs { return rulesArgs{V: v, For: name, Confirm: confirm} },
}

// staticVersion is a short content hash appended to static URLs, so the long cache
// header never serves a stale file after an upgrade.
var staticVersion = func() map[string]string {
	m := map[string]string{}
	entries, _ := fs.ReadDir(staticFS, "static")
	for _, e := range entries {
		b, _ := fs.ReadFile(staticFS, "static/"+e.Name())
		sum := sha256.Sum256(b)
		m[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return m
}()

// pageRoutes registers the pages. Patterns are specific so the API's routes and the
// operations endpoints are untouched; "/" answers every other path with a 404 page.
func (s *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/{file}", s.serveStatic)
	mux.HandleFunc("POST /lang", s.pageLang)

	s.page(mux, "GET /{$}", s.pageHome)
	s.page(mux, "GET /apply", s.pageApply)
	s.page(mux, "GET /annul", s.pageAnnul)
	s.page(mux, "POST /apply/lookup", s.pageApplyLookup)
	s.page(mux, "POST /apply", s.pageApplySubmit)
	s.page(mux, "POST /applications/form.pdf", s.pageApplicationPDF)
	s.page(mux, "POST /applications/print", s.pageApplicationPrint)
	s.page(mux, "GET /status", s.pageStatus)
	s.page(mux, "POST /status", s.pageStatusPost)
	s.page(mux, "GET /verify", s.pageVerify)

	s.page(mux, "GET /login", s.pageLogin)
	s.page(mux, "POST /login", s.pageLoginPost)
	s.page(mux, "POST /logout", s.pageLogout)
	s.page(mux, "GET /cabinet", s.pageCabinet)
	s.page(mux, "POST /cabinet/end-others", s.pageEndOthers)
	s.page(mux, "POST /cabinet/annul", s.pageCabinetAnnul)
	s.page(mux, "GET /password", s.pagePassword)
	s.page(mux, "POST /password", s.pagePasswordPost)

	s.page(mux, "GET /office", func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, "/office/", http.StatusSeeOther)
		return nil
	})
	s.page(mux, "GET /office/login", s.pageOfficeLogin)
	s.page(mux, "POST /office/login", s.pageOfficeLoginPost)
	s.page(mux, "POST /office/logout", s.pageOfficeLogout)
	s.page(mux, "GET /office/{$}", s.pageOfficeBoard)
	s.page(mux, "POST /office/find", s.pageOfficeFind)
	s.page(mux, "GET /office/applications/{code}", s.pageOfficeApplication)
	s.page(mux, "POST /office/applications/{code}/receive", s.pageOfficeReceive)
	s.page(mux, "POST /office/applications/{code}/decision", s.pageOfficeDecision)
	s.page(mux, "GET /office/applications/{code}/receipt.pdf", s.pageOfficeReceiptPDF)
	s.page(mux, "GET /office/decisions/{file}", s.pageOfficeDecisionPDF)
	s.page(mux, "GET /office/totp", s.pageOfficeTOTP)
	s.page(mux, "POST /office/totp", s.pageOfficeTOTPPost)
	s.page(mux, "GET /office/accounts", s.pageOfficeAccounts)
	s.page(mux, "POST /office/accounts/unlock", s.pageOfficeUnlock)
	s.page(mux, "POST /office/accounts/annul", s.pageOfficeAnnul)
	s.page(mux, "POST /office/staff/totp-required", s.pageOfficeRequireTOTP)
	s.page(mux, "GET /office/policy", s.pageOfficePolicy)
	s.page(mux, "POST /office/policy", s.pageOfficePolicyPost)

	s.page(mux, "/", func(w http.ResponseWriter, r *http.Request) error {
		return kabinet.Errorf(kabinet.KindNotFound, "not_found", "no page %s", r.URL.Path)
	})
}

// page registers a page handler; an error it returns is shown as an error page.
func (s *Server) page(mux *http.ServeMux, pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if s.mustChangeElsewhere(r) {
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// mustChangeElsewhere reports a taxpayer session that must change its password asking
// for any page but the change-password screen and signing out (PWD-4, SEC-4: such a
// session reaches nothing else). The back office has its own session and is exempt.
func (s *Server) mustChangeElsewhere(r *http.Request) bool {
	switch p := r.URL.Path; {
	case p == "/password", p == "/logout", strings.HasPrefix(p, "/office"):
		return false
	}
	if s.token(r, "taxpayer") == "" {
		return false
	}
	_, _, err := s.taxpayerSession(r, false)
	return kabinet.ErrorCode(err) == "password_change_required"
}

// serveStatic serves app.css and app.js with a year's cache: their URLs carry a
// content hash (see view.Static).
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil || strings.Contains(name, "/") {
		w.Header().Set("Cache-Control", "no-store")
		s.renderError(w, r, kabinet.Errorf(kabinet.KindNotFound, "not_found", "no static file %q", name))
		return
	}
	ct := "application/octet-stream"
	switch path.Ext(name) {
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".svg":
		ct = "image/svg+xml"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
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

// formParseError classifies an unreadable form body.
func formParseError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return kabinet.Errorf(kabinet.KindTooLarge, "body_too_large", "request body larger than %d bytes", mbe.Limit)
	}
	return kabinet.Errorf(kabinet.KindInvalid, "invalid_form", "the form could not be read: %v", err)
}

// view is what every template receives: the page's data in D and the means to speak
// the user's language.
type view struct {
	s        *Server
	ctx      context.Context
	lang     i18n.Lang
	pol      *kabinet.Policy
	Lang     string
	Name     string // template name
	TitleKey string
	Area     string // "public", "cabinet" or "office"
	Path     string // where the language switch returns to
	LangPost *langPost
	Staff    *kabinet.Staff
	Err      *formError
	Notice   string // catalog key of a notice shown at the top
	NoticeKV []any
	Form     map[string]string
	D        any
}

// langPost makes the language switch re-post a page's fields (see switchLang).
type langPost struct {
	Action string
	Fields map[string]string
}

// formError is an error shown on a form: the message, the field it belongs to, and
// extra lines (the failed password rules, attempts left).
type formError struct {
	Code    string
	Message string
	Field   string
	Lines   []string
}

func (s *Server) newView(r *http.Request, name, titleKey, area string) *view {
	lang := langOf(r)
	v := &view{s: s, ctx: r.Context(), lang: lang, Lang: string(lang), Name: name, TitleKey: titleKey, Area: area, Form: map[string]string{}}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		v.Path = localPath(r.URL.RequestURI())
	} else {
		v.Path = "/"
	}
	return v
}

// T returns the catalog's text for key; kv are placeholder pairs.
func (v *view) T(key string, kv ...any) string {
	pairs := make([]string, 0, len(kv))
	for _, x := range kv {
		pairs = append(pairs, fmt.Sprint(x))
	}
	return v.s.cat.T(v.lang, key, pairs...)
}

// TOr returns the text for key, or for fallback when key is not in the catalog.
func (v *view) TOr(key, fallback string, kv ...any) string {
	if v.s.cat.Has(v.lang, key) {
		return v.T(key, kv...)
	}
	return v.T(fallback, kv...)
}

// Other is the language the switch offers.
func (v *view) Other() string {
	if v.lang == i18n.KY {
		return string(i18n.RU)
	}
	return string(i18n.KY)
}

// OtherName is the other language's name, in that language.
func (v *view) OtherName() string { return v.s.cat.T(i18n.Lang(v.Other()), "lang.name") }

// Static is a static file's URL with its content hash.
func (v *view) Static(name string) string { return "/static/" + name + "?v=" + staticVersion[name] }

// V is a kept form value.
func (v *view) V(name string) string { return v.Form[name] }

// Invalid reports whether the error belongs to field.
func (v *view) Invalid(field string) bool { return v.Err != nil && v.Err.Field == field }

// Described is the aria-describedby of a field: its hint and, when invalid, its error.
func (v *view) Described(field string, hint bool) string {
	var ids []string
	if hint {
		ids = append(ids, field+"-hint")
	}
	if v.Invalid(field) {
		ids = append(ids, field+"-error")
	}
	return strings.Join(ids, " ")
}

// Time formats an instant in Bishkek time, as on paper: ДД.ММ.ГГГГ чч:мм.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(kabinet.Bishkek).Format("02.01.2006 15:04")
}

// TimeP formats an optional instant.
func (v *view) TimeP(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return v.Time(*t)
}

// Field300 formats field 300.
func (v *view) Field300(t time.Time) string { return field300(t) }

// MMSS formats seconds as mm:ss (minutes may exceed 59), ignoring the sign.
func (v *view) MMSS(sec int64) string {
	if sec < 0 {
		sec = -sec
	}
	return fmt.Sprintf("%02d:%02d", sec/60, sec%60)
}

// UnixMS is an instant in milliseconds, for app.js's countdowns.
func (v *view) UnixMS(t time.Time) int64 { return t.UnixMilli() }

// Now is the server's clock in milliseconds, so countdowns follow the server, not the PC.
func (v *view) Now() int64 { return v.s.clock.Now().UnixMilli() }

// Office names an office in the user's language, "038 Нарынский р-н".
func (v *view) Office(code string) string {
	if o, err := v.s.db.Office(v.ctx, code); err == nil {
		return o.Code + " " + o.Name(v.Lang)
	}
	return code
}

// Passport formats a stored passport as typed in the Guide: "AN 4890152".
func (v *view) Passport(p string) string { return passportDisplay(p) }

// CodeDisplay groups an application code for reading aloud and typing.
func (v *view) CodeDisplay(code string) string { return ident.FormatCode(code) }

// render executes a page into a buffer and writes it with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, v *view) {
	t, ok := pageTemplates[v.Name]
	if !ok {
		s.log.ErrorContext(r.Context(), "no such page template", slog.String("page", v.Name))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.ErrorContext(r.Context(), "render page", slog.String("page", v.Name), slog.String("request_id", requestID(r)), slog.String("error", err.Error()))
		if v.Name != "error" {
			s.renderError(w, r, fmt.Errorf("render %s: %w", v.Name, err))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(s.cat.T(v.lang, "error.internal") + "\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorData is the error page's data.
type errorData struct {
	Status  int
	Message string
	Back    string
}

// renderError shows an error as a page in the user's language.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	e := domainError(err)
	status := statusOf(e.Kind)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestID(r)), slog.String("error", err.Error()))
	}
	if ra, ok := e.Details["retry_after"].(int); ok {
		w.Header().Set("Retry-After", strconv.Itoa(ra))
	}
	area, back := "public", "/"
	if strings.HasPrefix(r.URL.Path, "/office") {
		area, back = "office", "/office/"
	}
	v := s.newView(r, "error", "page.error.title", area)
	v.D = errorData{Status: status, Message: s.errorText(langOf(r), e), Back: back}
	s.render(w, r, status, v)
}

// fail shows err on the form of v, with the status of its kind, keeping what was typed.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *view, err error, field string) {
	e := domainError(err)
	status := statusOf(e.Kind)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestID(r)), slog.String("error", err.Error()))
	}
	if ra, ok := e.Details["retry_after"].(int); ok {
		w.Header().Set("Retry-After", strconv.Itoa(ra))
	}
	fe := &formError{Code: e.Code, Message: s.errorText(v.lang, e), Field: field}
	if rules, ok := e.Details["rules"].([]string); ok {
		for _, rule := range rules {
			fe.Lines = append(fe.Lines, v.ruleText(rule))
		}
	}
	if n, ok := e.Details["attempts_left"].(int); ok && e.Code == "invalid_credentials" {
		fe.Lines = append(fe.Lines, v.T("web.login.attempts_left", "n", n))
	}
	v.Err = fe
	s.render(w, r, status, v)
}

// keep copies the named form values for re-rendering: valid UTF-8, no control
// characters, bounded. Passwords are never kept.
func keep(r *http.Request, names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = cleanEcho(r.PostFormValue(n))
	}
	return m
}

func cleanEcho(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200])
	}
	return s
}

// badLogin reports a login no account can have: invalid UTF-8 or control characters.
// Pages refuse it before the store is asked, since PostgreSQL refuses NUL in text
// (SEC-3: both engines must answer alike, and never with a 500).
func badLogin(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// parseForm reads a form body; a failure is a page error.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formParseError(err)
	}
	return nil
}

// seeOther redirects after a POST (or to a sign-in page).
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// notice keys a page may show from its query (?m=…): a fixed list, so the query
// cannot put arbitrary text on a page.
var notices = map[string]string{
	"expired": "web.notice.expired", "out": "web.notice.signed_out", "changed": "web.notice.password_changed",
	"ended": "web.notice.sessions_ended", "saved": "web.notice.saved", "signin": "web.notice.sign_in_first",
	"unlocked": "web.notice.unlocked",
}

func (v *view) noticeFrom(r *http.Request) {
	if k, ok := notices[r.URL.Query().Get("m")]; ok {
		v.Notice = k
		if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && n >= 0 {
			v.NoticeKV = []any{"n", n}
		}
	}
}

// NoticeText is the notice shown at the top of the page.
func (v *view) NoticeText() string { return v.T(v.Notice, v.NoticeKV...) }

// Current reports whether href is the page shown, for aria-current in the navigation.
func (v *view) Current(href string) bool {
	p, _, _ := strings.Cut(v.Path, "?")
	return p == href
}

// StatusText words an application's status; annulments have their own words for a grant.
func (v *view) StatusText(kind kabinet.ApplicationKind, st kabinet.ApplicationStatus) string {
	return v.TOr("web.status."+string(kind)+"."+string(st), "web.status."+string(st))
}

// StatusExplain says what a status means for the subject and what comes next.
func (v *view) StatusExplain(kind kabinet.ApplicationKind, st kabinet.ApplicationStatus) string {
	return v.TOr("web.status.explain."+string(kind)+"."+string(st), "web.status.explain."+string(st))
}

// KindText names an application's kind.
func (v *view) KindText(kind kabinet.ApplicationKind) string { return v.T("web.kind." + string(kind)) }

// OutcomeText words a decision's outcome for its kind.
func (v *view) OutcomeText(kind kabinet.ApplicationKind, o kabinet.Outcome) string {
	return v.TOr("web.outcome."+string(kind)+"."+string(o), "web.outcome."+string(o))
}

// GroundText names a refusal's or an annulment's ground (Reg §9, §18, §21).
func (v *view) GroundText(g kabinet.Ground) string {
	if g == "" {
		return ""
	}
	return v.TOr("web.ground."+string(g), "web.ground.other")
}

// TaxpayerKind names a kind of taxpayer.
func (v *view) TaxpayerKind(k kabinet.TaxpayerKind) string { return v.T("web.tpkind." + string(k)) }

// SignInOutcome words a sign-in attempt's outcome (CAB-1).
func (v *view) SignInOutcome(o string) string { return v.TOr("web.signin."+o, "web.signin.other") }

// AccountStatus words an account's status.
func (v *view) AccountStatus(s kabinet.AccountStatus) string { return v.T("web.account." + string(s)) }

// DifferenceText names a field that changed in the registry since the application.
func (v *view) DifferenceText(d string) string { return v.TOr("web.diff."+d, "web.diff.other") }

// Minutes is a duration in whole minutes.
func (v *view) Minutes(d time.Duration) int { return int(d / time.Minute) }

// fieldArgs carry a view and a field's name to the "fielderr" partial.
type fieldArgs struct {
	V *view
	F string
}

// rulesArgs carry a view and the password field the requirements describe.
type rulesArgs struct {
	V       *view
	For     string
	Confirm string
}

package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"

	"kabinet/store"
)

//go:embed templates/*.html
var templateFS embed.FS

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
	"board": func(v *view, id string, rows []store.BoardItem, annulment bool) boardArgs {
		return boardArgs{V: v, ID: id, Rows: rows, Annulment: annulment}
	},
	"loginField": func(v *view, name, label string, max int) loginFieldArgs {
		return loginFieldArgs{V: v, F: name, Label: label, Max: max}
	},
}

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
	e, status := s.answerError(w, r, err)
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
	e, status := s.answerError(w, r, err)
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

// boardArgs carry a board section to the "boardtable" partial.
type boardArgs struct {
	V         *view
	ID        string // the section heading's id
	Rows      []store.BoardItem
	Annulment bool
}

// loginFieldArgs carry a login field to the "loginfield" partial.
type loginFieldArgs struct {
	V     *view
	F     string
	Label string // catalog key
	Max   int
}

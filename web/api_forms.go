package web

// The form catalogue through the API (FIL-1): the forms, one version's definition,
// and a supervisor's load of a new version without a new release.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"kabinet"
	"kabinet/form"
	"kabinet/store"
)

// formPeriod resolves a form code and a period as written on the wire to the version
// in force for the period (the period need not have ended): 404 form_not_found, 422
// invalid_period, 422 period_not_open before the form's first version.
func (s *Server) formPeriod(ctx context.Context, code, period string) (*form.Definition, form.Period, error) {
	s.refreshForms(ctx)
	kind := periodKindOf(s.forms, code)
	if kind == "" {
		return nil, form.Period{}, kabinet.Errorf(kabinet.KindNotFound, "form_not_found", "no form %s", code)
	}
	p, err := form.ParsePeriod(kind, period)
	if err != nil {
		return nil, p, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_period", "%v", err).With("period_kind", string(kind))
	}
	d, err := s.forms.InForce(code, p)
	return d, p, err
}

// currentPeriod is the period of kind that holds now, in Bishkek.
func currentPeriod(kind form.PeriodKind, now time.Time) form.Period {
	t := now.In(kabinet.Bishkek)
	var s string
	switch kind {
	case form.Month:
		s = t.Format("2006-01")
	case form.Quarter:
		s = fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
	default:
		s = strconv.Itoa(t.Year())
	}
	p, _ := form.ParsePeriod(kind, s)
	return p
}

// formSummary is one form in the catalogue's list.
type formSummary struct {
	Code       string          `json:"code"`
	Title      form.Text       `json:"title"`
	PeriodKind form.PeriodKind `json:"period_kind"`
	Filers     []string        `json:"filers"`
	InForce    int             `json:"in_force,omitempty"` // the version for today's period; 0: none
	Versions   []formVersion   `json:"versions"`
	Links      map[string]link `json:"links"`
}

type formVersion struct {
	Version     int       `json:"version"`
	ID          string    `json:"id"`
	Title       form.Text `json:"title"`
	ValidFrom   string    `json:"valid_from"`
	ValidTo     string    `json:"valid_to,omitempty"`
	Provisional bool      `json:"provisional,omitempty"`
}

// apiForms: GET /api/v1/forms — the catalogue (FIL-1): every form with its versions
// and the one in force today.
func (s *Server) apiForms(w http.ResponseWriter, r *http.Request) error {
	s.refreshForms(r.Context())
	out := []formSummary{}
	for _, list := range sortedForms(s.forms) {
		last := list[len(list)-1]
		f := formSummary{Code: last.Code, Title: last.Title, PeriodKind: last.PeriodKind, Filers: last.Filers,
			Links: map[string]link{"self": {Method: "GET", Href: "/api/v1/forms/" + last.Code}}}
		if d, err := s.forms.InForce(last.Code, currentPeriod(last.PeriodKind, s.clock.Now())); err == nil {
			f.InForce = d.Version
			f.Title, f.Filers = d.Title, d.Filers
		}
		for _, d := range list {
			f.Versions = append(f.Versions, formVersion{Version: d.Version, ID: d.ID(), Title: d.Title, ValidFrom: d.ValidFrom,
				ValidTo: d.ValidTo, Provisional: d.Provisional})
		}
		out = append(out, f)
	}
	writeJSON(w, http.StatusOK, map[string]any{"forms": out})
	return nil
}

// apiForm: GET /api/v1/forms/{code}[?period=|?version=] — one version's definition
// (FIL-1): the one in force today, for period, or the version named.
func (s *Server) apiForm(w http.ResponseWriter, r *http.Request) error {
	s.refreshForms(r.Context())
	code := r.PathValue("code")
	q := r.URL.Query()
	var d *form.Definition
	var err error
	switch {
	case q.Get("version") != "":
		n, perr := strconv.Atoi(q.Get("version"))
		if perr != nil || n < 1 {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_version", "a form version is a positive integer")
		}
		d, err = s.forms.Version(code, n)
	case q.Get("period") != "":
		d, _, err = s.formPeriod(r.Context(), code, q.Get("period"))
	default:
		kind := periodKindOf(s.forms, code)
		if kind == "" {
			return kabinet.Errorf(kabinet.KindNotFound, "form_not_found", "no form %s", code)
		}
		d, err = s.forms.InForce(code, currentPeriod(kind, s.clock.Now()))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// periodKindOf is the period kind of form code's versions, "" for an unknown form.
func periodKindOf(c *form.Catalog, code string) form.PeriodKind {
	for _, d := range c.List() {
		if d.Code == code {
			return d.PeriodKind
		}
	}
	return ""
}

// apiOfficeLoadForm: POST /api/v1/office/forms — a supervisor loads a new form version
// from a definition file (FIL-1), as the JSON body or as a multipart `file`. It is
// parsed and validated (422 invalid_definition with the reason), refused when the
// version exists (409 form_version_exists), stored and audited (form.load), and used
// at once. 201 the version's summary.
func (s *Server) apiOfficeLoadForm(w http.ResponseWriter, r *http.Request) error {
	_, st, err := s.staffSession(r)
	if err != nil {
		return err
	}
	if st.Role != kabinet.RoleSupervisor {
		return kabinet.Errorf(kabinet.KindForbidden, "supervisor_only", "only a supervisor loads form versions")
	}
	var src io.Reader = r.Body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		file, _, err := r.FormFile("file")
		if err != nil {
			if isMaxBytes(err) {
				return err
			}
			return kabinet.Errorf(kabinet.KindInvalid, "file_required", "send the definition as the part named file")
		}
		defer file.Close()
		src = file
	}
	data, err := io.ReadAll(io.LimitReader(src, MaxUploadBytes+1))
	if err != nil {
		return err
	}
	if len(data) > MaxUploadBytes {
		return kabinet.Errorf(kabinet.KindTooLarge, "file_too_large", "larger than %d bytes", MaxUploadBytes).With("max_bytes", MaxUploadBytes)
	}
	d, err := s.loadFormVersion(r.Context(), st, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, formVersion{Version: d.Version, ID: d.ID(), Title: d.Title, ValidFrom: d.ValidFrom,
		ValidTo: d.ValidTo, Provisional: d.Provisional})
	return nil
}

// isMaxBytes reports a body over the request limit.
func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// loadFormVersion parses a definition file, stores it as loaded by supervisor st
// (audited as form.load) and adds it to the catalogue (FIL-1).
func (s *Server) loadFormVersion(ctx context.Context, st store.StaffActor, data []byte) (*form.Definition, error) {
	s.refreshForms(ctx)
	d, err := parseDefinition(s.forms, data)
	if err != nil {
		return nil, err
	}
	if err := s.db.AddFormVersion(ctx, st, d.Code, d.Version, bytes.TrimSpace(data)); err != nil {
		return nil, err
	}
	if err := s.forms.Add(d); err != nil {
		return nil, err
	}
	return d, nil
}

// parseDefinition parses and validates a definition file for loading, refusing one
// whose version the catalogue holds or whose period kind differs from the form's
// other versions.
func parseDefinition(c *form.Catalog, data []byte) (*form.Definition, error) {
	d, err := form.Parse(bytes.TrimSpace(data))
	if err != nil {
		return nil, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_definition", "%v", err).With("reason", err.Error())
	}
	if _, err := c.Version(d.Code, d.Version); err == nil {
		return nil, kabinet.Errorf(kabinet.KindConflict, "form_version_exists", "%s is already in the catalogue", d.ID())
	}
	if k := periodKindOf(c, d.Code); k != "" && k != d.PeriodKind {
		return nil, kabinet.Errorf(kabinet.KindUnprocessable, "invalid_definition", "%s: period kind %s, other versions %s", d.ID(), d.PeriodKind, k).
			With("reason", fmt.Sprintf("period kind %s, other versions %s", d.PeriodKind, k))
	}
	return d, nil
}

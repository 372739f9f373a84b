package web

// The supervisor's offices page (issue 14, point 9; SPEC Actors: the supervisor
// manages offices): the tax offices with their staff and registry counts; adding or
// renaming one; loading an offices file (code,name_ru,name_ky) with the checks and
// the report of `kabinet offices import`.

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"kabinet"
	"kabinet/store"
)

// maxOfficesFile bounds an offices file: the real list is 65 lines of about 60 bytes.
const maxOfficesFile = 1 << 20

// officesData is the offices page.
type officesData struct {
	Offices []kabinet.Office
	Counts  map[string]store.OfficeCount
	Report  *store.ImportReport // an offices file just loaded
	Bad     []store.LineError   // its rejected lines
}

func (s *Server) officesView(r *http.Request, st store.StaffActor) (*view, error) {
	v := s.officeView(r, &st, "office_offices", "sup.offices.title")
	v.Path = "/office/offices"
	offices, err := s.db.Offices(r.Context())
	if err != nil {
		return v, err
	}
	counts, err := s.db.OfficeCounts(r.Context())
	v.D = &officesData{Offices: offices, Counts: counts}
	return v, err
}

// pageOfficeOffices: GET /office/offices[?code=038] — the list; with a code, the form
// filled with that office to rename it (an office code is no personal data).
func (s *Server) pageOfficeOffices(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	v, err := s.officesView(r, st)
	if err != nil {
		return err
	}
	if code := r.URL.Query().Get("code"); code != "" {
		if o, err := s.db.Office(r.Context(), strings.TrimSpace(code)); err == nil {
			v.Form = map[string]string{"code": o.Code, "name_ru": o.NameRU, "name_ky": o.NameKY}
		}
	}
	v.supNoticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeOfficesSave: POST /office/offices {code, name_ru, name_ky} — adds the
// office, or renames the one with that code.
func (s *Server) pageOfficeOfficesSave(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	o := kabinet.Office{Code: r.PostFormValue("code"), NameRU: r.PostFormValue("name_ru"), NameKY: r.PostFormValue("name_ky")}
	created, err := s.db.SaveOffice(r.Context(), st, o)
	if err != nil {
		v, verr := s.officesView(r, st)
		if verr != nil {
			return verr
		}
		v.Form = keep(r, "code", "name_ru", "name_ky")
		s.fail(w, r, v, err, errorField(err, "code"))
		return nil
	}
	if created {
		return seeOther(w, r, "/office/offices?m=office_created")
	}
	return seeOther(w, r, "/office/offices?m=saved")
}

// pageOfficeOfficesImport: POST /office/offices/import — an offices file (multipart,
// field "file"), loaded in one transaction as `kabinet offices import` loads it; the
// page shows the counts and each rejected line. The body is read after the
// supervisor's session is checked.
func (s *Server) pageOfficeOfficesImport(w http.ResponseWriter, r *http.Request) error {
	return s.supervisor(func(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
		data, err := readUploadedFile(r, "file", maxOfficesFile)
		var rep store.ImportReport
		var bad []store.LineError
		if err == nil {
			rep, err = s.db.ImportOfficesAs(r.Context(), st, strings.NewReader(string(data)), func(e store.LineError) {
				if len(bad) < store.JobLinesKept {
					bad = append(bad, e)
				}
			})
		}
		v, verr := s.officesView(r, st)
		if verr != nil {
			return verr
		}
		if err != nil {
			if k := kabinet.ErrorKind(err); k != kabinet.KindInvalid && k != kabinet.KindTooLarge && k != kabinet.KindForbidden {
				return err
			}
			s.fail(w, r, v, err, "offices_file")
			return nil
		}
		d := v.D.(*officesData)
		d.Report, d.Bad = &rep, bad
		s.render(w, r, http.StatusOK, v)
		return nil
	})(w, r)
}

// readUploadedFile reads the multipart body's part named field, up to max bytes.
func readUploadedFile(r *http.Request, field string, max int64) ([]byte, error) {
	required := kabinet.Errorf(kabinet.KindInvalid, "offices_file_required", "choose an offices file")
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, required
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, required
		}
		if err != nil {
			return nil, formParseError(err)
		}
		if part.FormName() != field || part.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, max+1))
		if err != nil {
			return nil, formParseError(err)
		}
		if int64(len(data)) > max {
			return nil, kabinet.Errorf(kabinet.KindTooLarge, "file_too_large", "the file is larger than %d bytes", max)
		}
		return data, nil
	}
}

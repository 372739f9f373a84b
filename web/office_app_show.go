package web

import (
	"net/http"
	"net/url"
	"time"

	"kabinet"
	"kabinet/store"
)

// compareRow is one field of the application beside the registry's current value.
type compareRow struct {
	Number  string
	Label   string // catalog key
	App     string
	Live    string
	Differs bool
}

// officeAppData is an application as the officer works it (ACC-5, ACC-6, ACC-9).
type officeAppData struct {
	App      officeView
	Rows     []compareRow
	Decision *kabinet.Decision
	Checks   map[string]bool
	Outcome  string
	Ground   string
	CanGrant bool
	Overdue  bool
	Left     int64 // seconds to the deadline; negative when overdue
}

// Checklist names the officer's checks before receipt (Reg §6).
func (d officeAppData) Checklist() []string { return checklist }

var checklist = []string{"complete", "match", "signed"}

func (s *Server) officeAppView(r *http.Request, st store.StaffActor, a kabinet.Application) *view {
	ov := s.officeViewOf(r, a)
	v := s.officeView(r, &st, "office_app", "web.office.app.title")
	v.Path = "/office/applications/" + url.PathEscape(a.Code)
	differs := map[string]bool{}
	for _, d := range ov.Differences {
		differs[d] = true
	}
	office := func(code string) string { return v.Office(code) }
	d := officeAppData{App: ov, Checks: map[string]bool{}}
	var live kabinet.Taxpayer
	if ov.Registry != nil {
		live = *ov.Registry
	}
	d.Rows = []compareRow{
		{"102", "web.field.102", a.INN, live.INN, false},
		{"103", "web.field.103", a.Name, live.Name, differs["name"]},
		{"104", "web.field.104", office(a.OfficeCode), office(live.OfficeCode), differs["office_code"]},
		{"", "web.field.address", a.Address, live.Address, differs["address"]},
		{"106", "web.field.106", passportDisplay(a.Passport), "", false},
		{"297", "web.field.297", a.Signatory, live.Signatory(), differs["signatory"]},
		{"300", "web.field.300", field300(a.FilledAt), "", false},
	}
	if ov.Registry == nil {
		for i := range d.Rows {
			d.Rows[i].Live = ""
		}
	}
	d.CanGrant = ov.Registry != nil && !ov.FraudMark && ov.Registry.Status == kabinet.RegistrationActive
	switch {
	case ov.FraudMark:
		d.Ground = string(kabinet.GroundFraudEvidence)
	case ov.Registry == nil || ov.Registry.Status != kabinet.RegistrationActive:
		d.Ground = string(kabinet.GroundNoRegistration)
	}
	if a.Kind == kabinet.KindAnnulment {
		d.CanGrant = true
	}
	if a.DueAt != nil {
		now := s.clock.Now()
		d.Left = int64(a.DueAt.Sub(now) / time.Second)
		d.Overdue = now.After(*a.DueAt)
	}
	if a.DecisionNumber != "" {
		if dec, err := s.db.Decision(r.Context(), a.DecisionNumber); err == nil {
			d.Decision = &dec
		}
	}
	v.D = &d
	return v
}

// DiffersAny reports whether the registry changed since the application was formed.
func (d officeAppData) DiffersAny() bool { return len(d.App.Differences) > 0 }

// RegistryStatusDiffers reports a registration no longer active (or gone).
func (d officeAppData) RegistryStatusDiffers() bool {
	for _, x := range d.App.Differences {
		if x == "status" || x == "registration" {
			return true
		}
	}
	return false
}

func (s *Server) pageOfficeApplication(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	a, err := s.db.ApplicationFor(r.Context(), st, r.PathValue("code"))
	if err != nil {
		return err // wrong_office: a 403 page; not found: 404 (ACC-10)
	}
	s.render(w, r, http.StatusOK, s.officeAppView(r, st, a))
	return nil
}

// failOnApplication shows err on the application's page, or as a page of its own
// when the application cannot be shown (another office's, unknown).
func (s *Server) failOnApplication(w http.ResponseWriter, r *http.Request, st store.StaffActor, err error, field string, keepForm func(*officeAppData)) error {
	a, aerr := s.db.ApplicationFor(r.Context(), st, r.PathValue("code"))
	if aerr != nil {
		return err
	}
	v := s.officeAppView(r, st, a)
	if keepForm != nil {
		keepForm(v.D.(*officeAppData))
	}
	s.fail(w, r, v, err, field)
	return nil
}

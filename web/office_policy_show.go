package web

import (
	"net/http"
	"strconv"
	"time"

	"kabinet"
	"kabinet/store"
)

// policyField is one number of the policy on the supervisor's form (PWD-6).
type policyField struct {
	Name  string
	Label string // catalog key
	Unit  string // catalog key
	Min   int
	Max   int
}

var policyFields = []policyField{
	{"password_min_length", "web.policy.password_min_length", "web.unit.chars", 8, 64},
	{"max_failures", "web.policy.max_failures", "web.unit.times", 1, 20},
	{"lock_minutes", "web.policy.lock_minutes", "web.unit.minutes", 1, 1440},
	{"inactivity_months", "web.policy.inactivity_months", "web.unit.months", 1, 36},
	{"decision_minutes", "web.policy.decision_minutes", "web.unit.minutes", 1, 1440},
	{"annulment_days", "web.policy.annulment_days", "web.unit.days", 1, 30},
	{"session_idle_minutes", "web.policy.session_idle_minutes", "web.unit.minutes", 1, 10080},
	{"session_absolute_minutes", "web.policy.session_absolute_minutes", "web.unit.minutes", 1, 10080},
	{"address_failures_per_hour", "web.policy.address_failures_per_hour", "web.unit.per_hour", 1, 100000},
	{"lookups_per_minute", "web.policy.lookups_per_minute", "web.unit.per_minute", 1, 100000},
}

// policyData is the policy form's data.
type policyData struct {
	Fields []policyField
}

func policyValues(p kabinet.Policy) map[string]string {
	return map[string]string{
		"password_min_length":       strconv.Itoa(p.PasswordMinLength),
		"password_specials":         p.PasswordSpecials,
		"max_failures":              strconv.Itoa(p.MaxFailures),
		"lock_minutes":              strconv.Itoa(int(p.LockDuration / time.Minute)),
		"inactivity_months":         strconv.Itoa(p.InactivityMonths),
		"decision_minutes":          strconv.Itoa(int(p.DecisionDeadline / time.Minute)),
		"annulment_days":            strconv.Itoa(p.AnnulmentDays),
		"session_idle_minutes":      strconv.Itoa(int(p.SessionIdle / time.Minute)),
		"session_absolute_minutes":  strconv.Itoa(int(p.SessionAbsolute / time.Minute)),
		"address_failures_per_hour": strconv.Itoa(p.AddressFailuresPerHour),
		"lookups_per_minute":        strconv.Itoa(p.LookupsPerMinute),
	}
}

func (s *Server) policyView(r *http.Request, st store.StaffActor) *view {
	v := s.officeView(r, &st, "office_policy", "web.office.policy.title")
	v.Path = "/office/policy"
	v.D = policyData{Fields: policyFields}
	return v
}

func (s *Server) pageOfficePolicy(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	p, err := s.db.Policy(r.Context())
	if err != nil {
		return err
	}
	v := s.policyView(r, st)
	v.Form = policyValues(p)
	v.noticeFrom(r)
	s.render(w, r, http.StatusOK, v)
	return nil
}

package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"kabinet"
	"kabinet/store"
)

// policyForm is the supervisor's policy form (PWD-6): its values as typed and, once
// valid, the numbers they make.
type policyForm struct {
	Values   map[string]string
	numbers  map[string]int
	specials string
}

func readPolicyForm(r *http.Request) *policyForm {
	f := &policyForm{Values: map[string]string{"password_specials": r.PostFormValue("password_specials")}}
	for _, pf := range policyFields {
		f.Values[pf.Name] = r.PostFormValue(pf.Name)
	}
	return f
}

// Validate checks each number against its field's range; the error names the field.
func (f *policyForm) Validate() error {
	f.numbers = map[string]int{}
	for _, pf := range policyFields {
		x, err := strconv.Atoi(strings.TrimSpace(f.Values[pf.Name]))
		if err != nil || x < pf.Min || x > pf.Max {
			return kabinet.Errorf(kabinet.KindUnprocessable, "invalid_policy", "%s must be a whole number %d..%d", pf.Name, pf.Min, pf.Max).
				With("field", pf.Name)
		}
		f.numbers[pf.Name] = x
	}
	specials, err := kabinet.CleanText("password_specials", f.Values["password_specials"], 64)
	if err != nil {
		return err
	}
	f.specials = strings.Join(strings.Fields(specials), "")
	return nil
}

// Policy is p with the form's numbers: what the form does not show stays as it was.
func (f *policyForm) Policy(p kabinet.Policy) kabinet.Policy {
	n, min := f.numbers, time.Minute
	p.PasswordMinLength, p.PasswordSpecials, p.MaxFailures = n["password_min_length"], f.specials, n["max_failures"]
	p.LockDuration, p.InactivityMonths = time.Duration(n["lock_minutes"])*min, n["inactivity_months"]
	p.DecisionDeadline, p.AnnulmentDays = time.Duration(n["decision_minutes"])*min, n["annulment_days"]
	p.SessionIdle, p.SessionAbsolute = time.Duration(n["session_idle_minutes"])*min, time.Duration(n["session_absolute_minutes"])*min
	p.AddressFailuresPerHour, p.LookupsPerMinute = n["address_failures_per_hour"], n["lookups_per_minute"]
	return p
}

// pageOfficePolicyPost saves the supervisor's numbers (PWD-6), or shows the form again
// with what was typed and the field at fault.
func (s *Server) pageOfficePolicyPost(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readPolicyForm(r)
	err := f.Validate()
	if err == nil {
		var p kabinet.Policy
		if p, err = s.db.Policy(r.Context()); err == nil {
			err = s.db.SetPolicy(r.Context(), store.Actor{Name: "staff:" + st.Login, Address: clientAddress(r)}, f.Policy(p))
		}
	}
	if err != nil {
		v := s.policyView(r, st)
		for name := range f.Values {
			v.Form[name] = cleanEcho(f.Values[name])
		}
		s.fail(w, r, v, err, errorField(err, ""))
		return nil
	}
	return seeOther(w, r, "/office/policy?m=saved")
}

package kabinet

import (
	"bytes"
	"encoding/json"
	"reflect"
	"time"
)

// Policy holds the numbers of the regulation and the Guide that a supervisor may
// configure (PWD-6). DefaultPolicy returns the regulation's values.
//
// The policy is stored as JSON under these tags; the names are part of the stored
// format and do not change with the Go names. Durations are whole nanoseconds (_ns).
// Reading it (ParsePolicy) refuses a name it does not know, so a renamed field can
// never be read as "absent" and quietly revert a supervisor's value to the default;
// a field absent from a stored policy (added by a later release) takes its default.
type Policy struct {
	PasswordMinLength      int           `json:"password_min_length"`       // Guide: «не менее 8 символов»
	PasswordSpecials       string        `json:"password_specials"`         // Guide: «хотя бы один из символов !@#$%^&*»
	MaxFailures            int           `json:"max_failures"`              // Guide 3: three wrong passwords in a row…
	LockDuration           time.Duration `json:"lock_duration_ns"`          // …lock the account for 20 minutes
	InactivityMonths       int           `json:"inactivity_months"`         // Guide 2: inactive for more than 6 months → change the password
	DecisionDeadline       time.Duration `json:"decision_deadline_ns"`      // Reg §14: a decision within 20 minutes of handing in
	AnnulmentDays          int           `json:"annulment_days"`            // Reg §20: annulment entered within two calendar days
	SessionIdle            time.Duration `json:"session_idle_ns"`           // SEC-4: idle timeout
	SessionAbsolute        time.Duration `json:"session_absolute_ns"`       // SEC-4: absolute lifetime
	AddressFailuresPerHour int           `json:"address_failures_per_hour"` // PWD-3: failed sign-ins one client address may make per hour
	LookupsPerMinute       int           `json:"lookups_per_minute"`        // SEC-2: registry look-ups one client may make per minute
	VATMaxQuantity         int           `json:"vat_max_quantity"`          // VAT-2: invoice numbers one application may ask for (this project's choice)
	VATDays                int           `json:"vat_days"`                  // VAT-2: calendar days the office has to decide (this project's choice)
}

// legacyPolicy is the policy as stored before it had tags: the Go field names.
// ParsePolicy still reads it; the next write stores the tagged form.
type legacyPolicy struct {
	PasswordMinLength      int
	PasswordSpecials       string
	MaxFailures            int
	LockDuration           time.Duration
	InactivityMonths       int
	DecisionDeadline       time.Duration
	AnnulmentDays          int
	SessionIdle            time.Duration
	SessionAbsolute        time.Duration
	AddressFailuresPerHour int
	LookupsPerMinute       int
	VATMaxQuantity         int
	VATDays                int
}

// ParsePolicy reads a stored policy: the tagged form, or the untagged form stored
// before (legacy reports which). Fields absent take DefaultPolicy's values; a name
// that is neither form's, or a mix of the two, is refused, and so is a policy that
// does not Validate.
func ParsePolicy(b []byte) (p Policy, legacy bool, err error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return p, false, Errorf(KindUnprocessable, "invalid_policy", "stored policy is not a JSON object: %v", err)
	}
	old := reflect.TypeOf(legacyPolicy{})
	nOld := 0
	for k := range keys {
		if _, ok := old.FieldByName(k); ok {
			nOld++
		}
	}
	legacy = nOld > 0
	if legacy && nOld != len(keys) {
		return p, legacy, Errorf(KindUnprocessable, "invalid_policy", "stored policy mixes old and new field names")
	}
	p = DefaultPolicy()
	target := any(&p)
	lp := legacyPolicy(p)
	if legacy {
		target = &lp
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		return DefaultPolicy(), legacy, Errorf(KindUnprocessable, "invalid_policy", "stored policy: %v", err)
	}
	if legacy {
		p = Policy(lp)
	}
	if err := p.Validate(); err != nil {
		return DefaultPolicy(), legacy, err
	}
	return p, legacy, nil
}

// DefaultPolicy returns the regulation's and the Guide's values.
func DefaultPolicy() Policy {
	return Policy{
		PasswordMinLength:      8,
		PasswordSpecials:       "!@#$%^&*",
		MaxFailures:            3,
		LockDuration:           20 * time.Minute,
		InactivityMonths:       6,
		DecisionDeadline:       20 * time.Minute,
		AnnulmentDays:          2,
		SessionIdle:            30 * time.Minute,
		SessionAbsolute:        12 * time.Hour,
		AddressFailuresPerHour: 30,
		LookupsPerMinute:       30,
		VATMaxQuantity:         10_000,
		VATDays:                2,
	}
}

// Validate checks that the numbers make sense; a supervisor's typo must not lock
// everyone out or switch the lock off.
func (p Policy) Validate() error {
	switch {
	case p.PasswordMinLength < 8 || p.PasswordMinLength > 64:
		return Errorf(KindUnprocessable, "invalid_policy", "password minimum length must be 8..64")
	case p.PasswordSpecials == "":
		return Errorf(KindUnprocessable, "invalid_policy", "at least one special character is required")
	case p.MaxFailures < 1 || p.MaxFailures > 20:
		return Errorf(KindUnprocessable, "invalid_policy", "max failures must be 1..20")
	case p.LockDuration < time.Minute || p.LockDuration > 24*time.Hour:
		return Errorf(KindUnprocessable, "invalid_policy", "lock duration must be 1m..24h")
	case p.InactivityMonths < 1 || p.InactivityMonths > 36:
		return Errorf(KindUnprocessable, "invalid_policy", "inactivity must be 1..36 months")
	case p.DecisionDeadline < time.Minute || p.DecisionDeadline > 24*time.Hour:
		return Errorf(KindUnprocessable, "invalid_policy", "decision deadline must be 1m..24h")
	case p.AnnulmentDays < 1 || p.AnnulmentDays > 30:
		return Errorf(KindUnprocessable, "invalid_policy", "annulment deadline must be 1..30 days")
	case p.SessionIdle < time.Minute || p.SessionIdle > p.SessionAbsolute:
		return Errorf(KindUnprocessable, "invalid_policy", "idle timeout must be at least 1m and not exceed the absolute lifetime")
	case p.SessionAbsolute > 7*24*time.Hour:
		return Errorf(KindUnprocessable, "invalid_policy", "absolute session lifetime must not exceed 7 days")
	case p.AddressFailuresPerHour < p.MaxFailures:
		return Errorf(KindUnprocessable, "invalid_policy", "per-address failures per hour must be at least max failures")
	case p.LookupsPerMinute < 1:
		return Errorf(KindUnprocessable, "invalid_policy", "look-ups per minute must be positive")
	case p.VATMaxQuantity < 1 || p.VATMaxQuantity > VATNumbersPerSeries:
		// At most one series' worth, so an assignment spans at most two series (VAT-4).
		return Errorf(KindUnprocessable, "invalid_policy", "VAT quantity limit must be 1..%d", VATNumbersPerSeries)
	case p.VATDays < 1 || p.VATDays > 30:
		return Errorf(KindUnprocessable, "invalid_policy", "VAT decision deadline must be 1..30 days")
	}
	return nil
}

package kabinet_test

import (
	"testing"
	"time"

	"kabinet"
)

var (
	naryn      = kabinet.Staff{Login: "naryn", Role: kabinet.RoleOfficer, OfficeCode: "038"}
	bishkekOff = kabinet.Staff{Login: "bishkek", Role: kabinet.RoleOfficer, OfficeCode: "002"}
	central    = kabinet.Staff{Login: "central", Role: kabinet.RoleSupervisor}
)

func app(kind kabinet.ApplicationKind, status kabinet.ApplicationStatus) kabinet.Application {
	received := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	a := kabinet.Application{Code: "K7M2", Kind: kind, INN: "11705198700772", OfficeCode: "038", Status: status}
	if status != kabinet.StatusFormed {
		a.ReceivedAt = &received
	}
	if status == kabinet.StatusGranted || status == kabinet.StatusRefused {
		a.DecisionNumber = "038-2026-000001"
	}
	return a
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return kabinet.ErrorCode(err)
}

func TestMayReceiveAndDecide(t *testing.T) {
	cases := []struct {
		name            string
		a               kabinet.Application
		s               kabinet.Staff
		receive, decide string
	}{
		{"ACC-5 a formed application of the officer's office is received", app(kabinet.KindAccess, kabinet.StatusFormed), naryn, "", "not_received"},
		{"ACC-6 a received one is decided, not received again", app(kabinet.KindAccess, kabinet.StatusReceived), naryn, "already_received", ""},
		{"ANN-1 annulments alike", app(kabinet.KindAnnulment, kabinet.StatusReceived), naryn, "already_received", ""},
		{"ACC-10 another office's officer may do neither", app(kabinet.KindAccess, kabinet.StatusReceived), bishkekOff, "wrong_office", "wrong_office"},
		{"ACC-10 the office is checked before the state", app(kabinet.KindAccess, kabinet.StatusGranted), bishkekOff, "wrong_office", "wrong_office"},
		{"ACC-10 a supervisor may act on any office", app(kabinet.KindAccess, kabinet.StatusFormed), central, "", "not_received"},
		{"ACC-10 an officer without an office may not", app(kabinet.KindAccess, kabinet.StatusFormed), kabinet.Staff{Role: kabinet.RoleOfficer}, "wrong_office", "wrong_office"},
		{"RST-2 a superseded one takes no act", app(kabinet.KindAccess, kabinet.StatusSuperseded), naryn, "superseded", "superseded"},
		{"ACC-6 a granted one is decided already", app(kabinet.KindAccess, kabinet.StatusGranted), naryn, "already_decided", "already_decided"},
		{"ACC-6 a refused one is decided already", app(kabinet.KindAnnulment, kabinet.StatusRefused), naryn, "already_decided", "already_decided"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := code(kabinet.MayReceive(c.a, c.s)); got != c.receive {
				t.Errorf("MayReceive: %q, want %q", got, c.receive)
			}
			if got := code(kabinet.MayDecide(c.a, c.s)); got != c.decide {
				t.Errorf("MayDecide: %q, want %q", got, c.decide)
			}
		})
	}
	e, _ := kabinet.AsError(kabinet.MayDecide(app(kabinet.KindAccess, kabinet.StatusReceived), bishkekOff))
	if e.Kind != kabinet.KindForbidden || e.Details["office"] != "038" {
		t.Errorf("ACC-10 the refusal names the subject's office: %+v", e)
	}
	e, _ = kabinet.AsError(kabinet.MayDecide(app(kabinet.KindAccess, kabinet.StatusGranted), naryn))
	if e.Kind != kabinet.KindConflict || e.Details["decision_number"] != "038-2026-000001" {
		t.Errorf("ACC-6 already decided names the decision: %+v", e)
	}
}

func TestReceived(t *testing.T) {
	pol := kabinet.DefaultPolicy()
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	a := kabinet.Received(app(kabinet.KindAccess, kabinet.StatusFormed), naryn, now, pol)
	if a.Status != kabinet.StatusReceived || !a.ReceivedAt.Equal(now) || a.ReceivedBy != "naryn" || !a.DueAt.Equal(now.Add(20*time.Minute)) {
		t.Errorf("ACC-9 Reg §14 received access application: %+v", a)
	}
	a = kabinet.Received(app(kabinet.KindAnnulment, kabinet.StatusFormed), naryn, now, pol)
	if want := time.Date(2026, 11, 24, 17, 59, 59, 999e6, time.UTC); !a.DueAt.Equal(want) {
		t.Errorf("ANN-2 Reg §20 received annulment due %v, want %v", a.DueAt, want)
	}
	if !kabinet.DecidedOnTime(a, *a.DueAt) || kabinet.DecidedOnTime(a, a.DueAt.Add(time.Millisecond)) {
		t.Error("ACC-9 on time up to the deadline's instant, late after it")
	}
	if !kabinet.DecidedOnTime(app(kabinet.KindAccess, kabinet.StatusFormed), now.Add(100*time.Hour)) {
		t.Error("an application without a running deadline is decided on time")
	}
}

func TestCheckOutcome(t *testing.T) {
	cases := []struct {
		outcome kabinet.Outcome
		ground  kabinet.Ground
		want    string
	}{
		{kabinet.Granted, "", ""},
		{kabinet.Granted, kabinet.GroundNoRegistration, "invalid_ground"},
		{kabinet.Refused, kabinet.GroundNoRegistration, ""},
		{kabinet.Refused, kabinet.GroundFraudEvidence, ""},
		{kabinet.Refused, kabinet.GroundSubjectRequest, "invalid_ground"},
		{kabinet.Refused, "", "invalid_ground"},
		{"maybe", "", "invalid_outcome"},
	}
	for _, c := range cases {
		if got := code(kabinet.CheckOutcome(c.outcome, c.ground)); got != c.want {
			t.Errorf("ACC-6 Reg §9 %s/%s: %q, want %q", c.outcome, c.ground, got, c.want)
		}
	}
	if kabinet.Granted.Status() != kabinet.StatusGranted || kabinet.Refused.Status() != kabinet.StatusRefused {
		t.Error("an outcome's status")
	}
}

func TestMayGrant(t *testing.T) {
	active := kabinet.Taxpayer{Status: kabinet.RegistrationActive}
	liquidated := kabinet.Taxpayer{Status: kabinet.RegistrationLiquidated}
	fraud := kabinet.Taxpayer{Status: kabinet.RegistrationActive, FraudReference: "Акт № 12-04/118"}
	cases := []struct {
		name string
		kind kabinet.ApplicationKind
		tp   *kabinet.Taxpayer
		want string
	}{
		{"ACC-6 an active registration", kabinet.KindAccess, &active, ""},
		{"ACC-6 gone from the registry", kabinet.KindAccess, nil, "no_registration"},
		{"ACC-6 liquidated since the application", kabinet.KindAccess, &liquidated, "no_registration"},
		{"ACC-6 the fraud mark bars access", kabinet.KindAccess, &fraud, "fraud_evidence"},
		{"ANN-1 an annulment is granted whatever the registry says", kabinet.KindAnnulment, &fraud, ""},
		{"ANN-1 even without a registration", kabinet.KindAnnulment, nil, ""},
	}
	for _, c := range cases {
		if got := code(kabinet.MayGrant(c.kind, c.tp)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestSupersedes(t *testing.T) {
	newer := app(kabinet.KindAccess, kabinet.StatusFormed)
	other := app(kabinet.KindAccess, kabinet.StatusReceived)
	other.INN = "01503201010123"
	cases := []struct {
		name  string
		older kabinet.Application
		want  bool
	}{
		{"RST-2 a formed one of the same kind", app(kabinet.KindAccess, kabinet.StatusFormed), true},
		{"RST-2 a received one of the same kind", app(kabinet.KindAccess, kabinet.StatusReceived), true},
		{"RST-2 a decided one stays", app(kabinet.KindAccess, kabinet.StatusGranted), false},
		{"RST-2 a refused one stays", app(kabinet.KindAccess, kabinet.StatusRefused), false},
		{"RST-2 a superseded one stays as it is", app(kabinet.KindAccess, kabinet.StatusSuperseded), false},
		{"RST-2 another kind stays", app(kabinet.KindAnnulment, kabinet.StatusReceived), false},
		{"RST-2 another ИНН stays", other, false},
	}
	for _, c := range cases {
		if got := kabinet.Supersedes(newer, c.older); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

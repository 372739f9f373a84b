package kabinet

import "time"

// The application's state machine (Reg §6–§9, §13, §14, §17–§20):
//
//	formed ──receive──▶ received ──decide──▶ granted | refused
//	   └───────────┴──── a newer one of the same kind ──▶ superseded (RST-2)
//
// Only an officer of the subject's registration office, or a supervisor, may receive
// or decide (ACC-10). The functions below decide; the store loads the application,
// calls them, and writes what they allow in one transaction.

// WrongOffice is the refusal of an act on a subject of another office (ACC-10).
func WrongOffice(office string) *Error {
	return Errorf(KindForbidden, "wrong_office", "the subject is registered in office %s; only its officers or a supervisor may act", office).
		With("office", office)
}

// MayActOn allows staff member s to act on a subject registered in office (ACC-10;
// Reg §13, §14, §20): an officer of that office, or a supervisor.
func MayActOn(s Staff, office string) error {
	if !s.CanActOn(office) {
		return WrongOffice(office)
	}
	return nil
}

// closedError explains why a decided or superseded application takes no more acts.
func closedError(a Application) error {
	switch a.Status {
	case StatusSuperseded:
		return Errorf(KindConflict, "superseded", "a newer application replaced this one (RST-2)")
	case StatusGranted, StatusRefused:
		return Errorf(KindConflict, "already_decided", "the application is already decided: %s", a.DecisionNumber).
			With("decision_number", a.DecisionNumber)
	}
	return nil
}

// MayReceive allows s to record the receipt of a (Reg §6, §7; ACC-5, ACC-10): a formed
// application of s's office. The office is checked first, so another office learns
// nothing of the application's state.
func MayReceive(a Application, s Staff) error {
	if err := MayActOn(s, a.OfficeCode); err != nil {
		return err
	}
	if err := closedError(a); err != nil {
		return err
	}
	if a.Status == StatusReceived {
		received := ""
		if a.ReceivedAt != nil {
			received = a.ReceivedAt.In(Bishkek).Format("02.01.2006 15:04:05")
		}
		return Errorf(KindConflict, "already_received", "the application was already received at %s", received)
	}
	return nil
}

// ReceiptDue is the deadline that starts when an application is received: the
// decision on access within 20 minutes (Reg §14, ACC-9), the annulment within two
// calendar days (Reg §20, ANN-2).
func ReceiptDue(kind ApplicationKind, received time.Time, pol Policy) time.Time {
	if kind == KindAnnulment {
		return AnnulmentDue(received, pol)
	}
	return DecisionDue(received, pol)
}

// Received returns a as received by s at now, its deadline running (ACC-5, ACC-9, ANN-2).
// Call it only once MayReceive allows.
func Received(a Application, s Staff, now time.Time, pol Policy) Application {
	due := ReceiptDue(a.Kind, now, pol)
	a.Status, a.ReceivedAt, a.ReceivedBy, a.DueAt = StatusReceived, &now, s.Login, &due
	return a
}

// CheckOutcome checks the officer's decision itself (ACC-6; Reg §9): a grant has no
// ground; a refusal has one of exactly two — no tax registration, or documentary
// evidence of false entrepreneurship or fictitious supplies.
func CheckOutcome(outcome Outcome, ground Ground) error {
	switch outcome {
	case Granted:
		if ground != "" {
			return Errorf(KindUnprocessable, "invalid_ground", "a grant has no ground")
		}
	case Refused:
		if ground != GroundNoRegistration && ground != GroundFraudEvidence {
			return Errorf(KindUnprocessable, "invalid_ground",
				"a refusal needs one of the two grounds of Reg §9: no_registration or fraud_evidence")
		}
	default:
		return Errorf(KindUnprocessable, "invalid_outcome", "outcome must be granted or refused")
	}
	return nil
}

// MayDecide allows s to decide a (Reg §8; ACC-6, ACC-10, RST-2): a received
// application of s's office, not yet decided nor superseded. As in MayReceive, the
// office is checked first.
func MayDecide(a Application, s Staff) error {
	if err := MayActOn(s, a.OfficeCode); err != nil {
		return err
	}
	if err := closedError(a); err != nil {
		return err
	}
	if a.Status != StatusReceived {
		return Errorf(KindConflict, "not_received", "record the application's receipt before deciding (Reg §6–§8)")
	}
	return nil
}

// MayGrant allows a grant of access to the subject as the registry holds it now, not as
// the application's snapshot did (ACC-6; Reg §9): tp is the registry's record, nil
// when the ИНН is no longer there. Other kinds of application are granted freely.
func MayGrant(kind ApplicationKind, tp *Taxpayer) error {
	if kind != KindAccess {
		return nil
	}
	if tp == nil || tp.Status != RegistrationActive {
		return Errorf(KindConflict, "no_registration", "the subject has no active tax registration now; refuse on no_registration (Reg §9)")
	}
	if tp.HasFraudMark() {
		return Errorf(KindConflict, "fraud_evidence", "documentary evidence of false entrepreneurship or fictitious supplies bars access (Reg §9): %s", tp.FraudReference).
			With("reference", tp.FraudReference)
	}
	return nil
}

// Status is where a decision with this outcome leaves its application.
func (o Outcome) Status() ApplicationStatus {
	if o == Granted {
		return StatusGranted
	}
	return StatusRefused
}

// DecidedOnTime reports whether a decision at `at` met the deadline of application a
// (ACC-9, ANN-2); an application decided without a running deadline is on time.
func DecidedOnTime(a Application, at time.Time) bool {
	return a.DueAt == nil || !Late(*a.DueAt, at)
}

// Supersedes reports whether a newer application supersedes an older one (RST-2):
// the same kind, the same ИНН, and the older one not yet decided.
func Supersedes(newer, older Application) bool {
	return newer.Kind == older.Kind && newer.INN == older.INN && older.Status.Open()
}

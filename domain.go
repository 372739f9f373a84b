package kabinet

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Office is a territorial tax office (налоговый орган), e.g. 038 Нарынский р-н.
type Office struct {
	Code   string `json:"code"` // 3 digits
	NameRU string `json:"name_ru"`
	NameKY string `json:"name_ky"`
}

// Name returns the office's name in lang ("ru" or "ky").
func (o Office) Name(lang string) string {
	if lang == "ky" && o.NameKY != "" {
		return o.NameKY
	}
	return o.NameRU
}

// TaxpayerKind is the kind of subject in the registry.
type TaxpayerKind string

const (
	Individual   TaxpayerKind = "individual"
	Entrepreneur TaxpayerKind = "entrepreneur"
	Legal        TaxpayerKind = "legal"
)

// RegistrationStatus is the state of a tax registration.
type RegistrationStatus string

const (
	RegistrationActive     RegistrationStatus = "active"
	RegistrationLiquidated RegistrationStatus = "liquidated"
)

// Taxpayer is a registry record: the tax registration the application form fills from.
type Taxpayer struct {
	INN            string             `json:"inn"`
	Kind           TaxpayerKind       `json:"kind"`
	Name           string             `json:"name"` // field 103
	HeadPosition   string             `json:"head_position,omitempty"`
	HeadName       string             `json:"head_name,omitempty"`
	OfficeCode     string             `json:"office_code"` // field 104
	Address        string             `json:"address"`
	Status         RegistrationStatus `json:"status"`
	FraudReference string             `json:"fraud_reference,omitempty"` // Reg §9, §21
	// VATRegisteredOn is the start (Bishkek time) of the day the subject became a VAT
	// payer; nil when it is not one (VAT-1).
	VATRegisteredOn *time.Time `json:"vat_registered_on,omitempty"`
	// Reports are the codes of the report forms the subject must file (FIL-8), e.g. STI-091.
	Reports   []string  `json:"reports,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Signatory is field 297: the individual's full name, or the head's position and
// name for a legal entity.
func (t Taxpayer) Signatory() string {
	if t.Kind == Legal {
		return strings.TrimSpace(t.HeadPosition + " " + t.HeadName)
	}
	return t.Name
}

// HasFraudMark reports documentary evidence of false entrepreneurship or fictitious supplies.
func (t Taxpayer) HasFraudMark() bool { return t.FraudReference != "" }

// CleanText rejects what the two engines would treat differently (SEC-3): invalid
// UTF-8 and NUL bytes (PostgreSQL refuses them in text, SQLite keeps them), and
// other control characters except tab. It returns s with surrounding spaces trimmed.
func CleanText(field, s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(KindInvalid, "invalid_text", "%s: not valid UTF-8", field).With("field", field)
	}
	for _, r := range s {
		if r == 0 || (r < 0x20 && r != '\t') || r == 0x7f {
			return "", Errorf(KindInvalid, "invalid_text", "%s: control characters are not allowed", field).With("field", field)
		}
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return "", Errorf(KindInvalid, "text_too_long", "%s: longer than %d characters", field, max).With("field", field)
	}
	return s, nil
}

// ApplicationKind is what an application asks for.
type ApplicationKind string

const (
	KindAccess    ApplicationKind = "access"    // grant or restore access (Reg §3, §17)
	KindAnnulment ApplicationKind = "annulment" // give access up (Reg §18)
)

// ApplicationStatus is where an application stands.
type ApplicationStatus string

const (
	StatusFormed     ApplicationStatus = "formed"     // stored and printed, not yet handed in
	StatusReceived   ApplicationStatus = "received"   // handed in; the deadline runs (Reg §14, §20)
	StatusGranted    ApplicationStatus = "granted"    // decided: granted (for annulment: annulled)
	StatusRefused    ApplicationStatus = "refused"    // decided: refused
	StatusSuperseded ApplicationStatus = "superseded" // a newer application of the same kind replaced it (RST-2)
)

// Open reports whether the application still awaits a decision.
func (s ApplicationStatus) Open() bool { return s == StatusFormed || s == StatusReceived }

// Application is an application (Заявление) with its snapshot of the form's fields.
type Application struct {
	ID             int64             `json:"-"`
	Code           string            `json:"code"` // Сгенерированный код заявления
	Kind           ApplicationKind   `json:"kind"`
	INN            string            `json:"inn"`              // 102
	Name           string            `json:"name"`             // 103
	OfficeCode     string            `json:"office_code"`      // 104
	Address        string            `json:"address"`          // место жительства / юридический адрес
	Passport       string            `json:"passport"`         // 106, normalised: AN4890152
	PassportFlag   bool              `json:"passport_flagged"` // a series other than AN, ID, AC, PE (PSP-1)
	Signatory      string            `json:"signatory"`        // 297
	FilledAt       time.Time         `json:"filled_at"`        // 300
	PasswordHash   string            `json:"-"`                // access only; never the password
	Lang           string            `json:"lang"`             // language the form was printed in
	Status         ApplicationStatus `json:"status"`
	ReceivedAt     *time.Time        `json:"received_at,omitempty"`
	ReceivedBy     string            `json:"received_by,omitempty"`
	DueAt          *time.Time        `json:"due_at,omitempty"`
	DecidedAt      *time.Time        `json:"decided_at,omitempty"`
	DecisionNumber string            `json:"decision_number,omitempty"`
	History        []StatusChange    `json:"history,omitempty"`
}

// StatusChange is one entry of an application's history.
type StatusChange struct {
	Status ApplicationStatus `json:"status"`
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor,omitempty"`
}

// Outcome of a decision.
type Outcome string

const (
	Granted Outcome = "granted"
	Refused Outcome = "refused"
)

// Ground is the reason of a refusal or an annulment; Reg §9 names exactly two for refusals.
type Ground string

const (
	GroundNoRegistration Ground = "no_registration" // отсутствие налоговой регистрации
	GroundFraudEvidence  Ground = "fraud_evidence"  // лжепредпринимательство, фиктивные поставки
	GroundSubjectRequest Ground = "subject_request" // annulment on the subject's own application (Reg §18)
)

// Decision (Решение) answers an application.
type Decision struct {
	Number           string          `json:"number"`
	ApplicationCode  string          `json:"application_code"`
	Kind             ApplicationKind `json:"kind"`
	Outcome          Outcome         `json:"outcome"`
	Ground           Ground          `json:"ground,omitempty"`
	Reference        string          `json:"reference,omitempty"` // document reference (fraud evidence)
	INN              string          `json:"inn"`
	Name             string          `json:"name"`
	OfficeCode       string          `json:"office_code"`
	Officer          string          `json:"officer"`
	DecidedAt        time.Time       `json:"decided_at"`
	Login            string          `json:"login,omitempty"`
	VerificationCode string          `json:"verification_code"`
	OnTime           bool            `json:"on_time"`
}

// AccountStatus is whether an account may sign in.
type AccountStatus string

const (
	AccountActive   AccountStatus = "active"
	AccountAnnulled AccountStatus = "annulled"
)

// Account is a taxpayer's access to the cabinet.
type Account struct {
	ID                int64         `json:"-"`
	Login             string        `json:"login"`
	INN               string        `json:"inn"`
	PasswordHash      string        `json:"-"`
	CodeWordHash      string        `json:"-"`
	Status            AccountStatus `json:"status"`
	CreatedAt         time.Time     `json:"created_at"`
	LastActivityAt    time.Time     `json:"last_activity_at"`
	PasswordChangedAt time.Time     `json:"password_changed_at"`
}

// Role of a back-office user.
type Role string

const (
	RoleOfficer    Role = "officer"    // acts on subjects of their own office (Reg §13, §14, §20)
	RoleSupervisor Role = "supervisor" // central staff: every office
)

// Staff is a back-office user.
type Staff struct {
	ID           int64     `json:"-"`
	Login        string    `json:"login"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	OfficeCode   string    `json:"office_code,omitempty"`
	PasswordHash string    `json:"-"`
	TOTPSecret   string    `json:"-"`
	TOTPRequired bool      `json:"totp_required"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// CanActOn reports whether the staff member may act on a subject registered in office (ACC-10).
func (s Staff) CanActOn(office string) bool {
	return s.Role == RoleSupervisor || (s.Role == RoleOfficer && s.OfficeCode == office)
}

// AuditEvent is one entry of the append-only audit log (SEC-1). Each entry's Hash
// covers its fields and the previous entry's hash, so any change breaks the chain.
type AuditEvent struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`   // "staff:ivanova", "taxpayer:np4k7…", "public", "system"
	Action   string    `json:"action"`  // "registry.lookup", "application.receive"…
	Subject  string    `json:"subject"` // ИНН, application code, login…
	Address  string    `json:"address"` // client address
	Details  string    `json:"details"` // JSON object, no secrets
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

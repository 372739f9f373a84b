package kabinet

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Filing tax reports (CAB-2; FIL-5 … FIL-9). The form engine (package form) checks a
// report's cells; the rules here decide whether a checked report may be accepted for
// its period, and what its receipt says. The store reads the facts, calls these rules
// and writes the outcome in one transaction.

// FilingType is field 001 of every report form.
type FilingType string

const (
	FilingInitial     FilingType = "initial"     // Первоначальный: the first report for the period
	FilingCorrection  FilingType = "correction"  // Уточненный: replaces the accepted report whole
	FilingLiquidation FilingType = "liquidation" // Ликвидационный: no later report of the form
)

// FilingTypes lists the types of field 001 in the forms' order.
var FilingTypes = []FilingType{FilingInitial, FilingCorrection, FilingLiquidation}

// Valid reports whether t is one of the three types of field 001.
func (t FilingType) Valid() bool {
	return t == FilingInitial || t == FilingCorrection || t == FilingLiquidation
}

// First reports whether t files a period's first report (initial or liquidation), of
// which a subject has at most one per form and period (FIL-5).
func (t FilingType) First() bool { return t == FilingInitial || t == FilingLiquidation }

// FilingStatus is where one version of a report stands.
type FilingStatus string

const (
	FilingCurrent  FilingStatus = "current"  // the accepted report for its period
	FilingReplaced FilingStatus = "replaced" // a correction replaced it; kept in the history (FIL-5)
)

// Filing is one accepted report as filed: every version is kept.
type Filing struct {
	Number           string          `json:"number"` // registration number, unique across the service (FIL-7)
	INN              string          `json:"inn"`
	OfficeCode       string          `json:"office_code"` // the subject's office when it was filed
	Form             string          `json:"form"`        // STI-107
	Version          int             `json:"version"`     // 3 for STI-107_3
	Period           string          `json:"period"`      // YYYY-MM, YYYY-Qn or YYYY
	Type             FilingType      `json:"type"`        // field 001
	Status           FilingStatus    `json:"status"`
	ReceivedAt       time.Time       `json:"received_at"`
	Due              Date            `json:"-"`      // the period's due date under the form's due rule
	Late             bool            `json:"late"`   // FIL-8
	AcceptedOn       Date            `json:"-"`      // cell 901: дата принятия отчета налоговым органом
	Digest           string          `json:"digest"` // SHA-256 of the canonical content, hex (FIL-6)
	VerificationCode string          `json:"verification_code"`
	Content          json.RawMessage `json:"content,omitempty"` // the canonical content as filed
	Login            string          `json:"login"`             // the account that filed it
	IdempotencyKey   string          `json:"-"`
	Replaces         string          `json:"replaces,omitempty"`    // the version this correction replaced
	ReplacedBy       string          `json:"replaced_by,omitempty"` // the correction that replaced this one
}

// Receipt is the квитанция (FIL-7): what the paper shows and what the public
// verification answers. It never holds a cell value, not even the ИНН (cell 102).
type Receipt struct {
	Number           string     `json:"number"`
	ReceivedAt       time.Time  `json:"received_at"`
	AcceptedOn       string     `json:"accepted_on"` // cell 901, ДД.ММ.ГГГГ (Bishkek)
	Late             bool       `json:"late"`
	VerificationCode string     `json:"verification_code"`
	Form             string     `json:"form"`
	Version          int        `json:"version"`
	Period           string     `json:"period"`
	Type             FilingType `json:"type"`
	Digest           string     `json:"digest"`
}

// Receipt is the filing's receipt.
func (f Filing) Receipt() Receipt {
	return Receipt{Number: f.Number, ReceivedAt: f.ReceivedAt, AcceptedOn: f.AcceptedOn.String(), Late: f.Late,
		VerificationCode: f.VerificationCode, Form: f.Form, Version: f.Version, Period: f.Period, Type: f.Type, Digest: f.Digest}
}

// FilingFacts are what the store knows, when a report arrives, about the subject's
// earlier reports of the same form.
type FilingFacts struct {
	Accepted    bool     // a current accepted report exists for the report's period
	Liquidation []string // periods of the subject's liquidation reports of this form, any version
}

// CheckFilingType decides whether a report of type t for period may be accepted
// (FIL-5; the forms' instructions on field 001), given the types the form version
// allows and the facts. It checks, in order:
//   - t is a type of field 001 at all (invalid_filing_type), and one the form allows
//     (type_not_allowed: STI-107 offers no liquidation report);
//   - no liquidation report of this form covers an earlier period: «Ликвидационный»
//     closes the form for every later period (form_closed);
//   - an initial or liquidation report is the period's first: none is accepted yet
//     (already_filed);
//   - a correction replaces an accepted report, so one must exist (nothing_to_correct).
func CheckFilingType(t FilingType, allowed []FilingType, period string, facts FilingFacts) error {
	if !t.Valid() {
		return Errorf(KindUnprocessable, "invalid_filing_type", "field 001 must be initial, correction or liquidation").With("type", string(t))
	}
	ok := false
	for _, a := range allowed {
		ok = ok || a == t
	}
	if !ok {
		return Errorf(KindUnprocessable, "type_not_allowed", "this form does not allow a report of type %s", t).With("type", string(t))
	}
	for _, l := range facts.Liquidation {
		after, err := PeriodAfter(period, l)
		if err != nil {
			return err
		}
		if after {
			return Errorf(KindConflict, "form_closed", "a liquidation report for %s closed this form for later periods", l).With("liquidation_period", l)
		}
	}
	switch {
	case t.First() && facts.Accepted:
		return Errorf(KindConflict, "already_filed", "a report for %s is already accepted; file a correction to change it", period)
	case t == FilingCorrection && !facts.Accepted:
		return Errorf(KindConflict, "nothing_to_correct", "no report for %s has been accepted, so there is nothing to correct; file an initial report", period)
	}
	return nil
}

// FilingLate reports whether a report received at `received` for a period due on
// due is late (FIL-8): on time until the end of the due date, Bishkek time. Every
// filing is judged on its own, so a correction received after the due date is late.
func FilingLate(due Date, received time.Time) bool { return Late(EndOfDay(due), received) }

// AcceptedOn is cell 901, the date the tax office accepted the report: the Bishkek
// calendar date of its receipt (FIL-7).
func AcceptedOn(received time.Time) Date { return DateOf(received) }

// FormatFilingNumber is a report's registration number (FIL-7): «F», the year of
// receipt and the service-wide sequence from the database, at least 7 digits —
// F-2026-0000123. It is unique across the service because the sequence is.
func FormatFilingNumber(year int, seq int64) string { return fmt.Sprintf("F-%04d-%07d", year, seq) }

// NormalizeFilingNumber canonicalises a typed registration number: spaces trimmed,
// letters upper-cased, a Cyrillic «Ф» or look-alike «F» accepted for the prefix.
func NormalizeFilingNumber(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if strings.HasPrefix(s, "Ф-") {
		s = "F-" + strings.TrimPrefix(s, "Ф-")
	}
	return s
}

// period is a report period as months since year 0: its first and last month.
type period struct{ first, last int }

// parsePeriod reads a period as the API writes it: YYYY-MM (month), YYYY-Qn (quarter)
// or YYYY (year).
func parsePeriod(s string) (period, error) {
	bad := Errorf(KindUnprocessable, "invalid_period", "period %q is not YYYY-MM, YYYY-Qn or YYYY", s).With("period", s)
	if len(s) < 4 {
		return period{}, bad
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1991 || y > 9999 || strings.ContainsAny(s[:4], "+-") {
		return period{}, bad
	}
	switch rest := s[4:]; {
	case rest == "":
		return period{y * 12, y*12 + 11}, nil
	case len(rest) == 3 && rest[:2] == "-Q" && rest[2] >= '1' && rest[2] <= '4':
		q := int(rest[2] - '1')
		return period{y*12 + 3*q, y*12 + 3*q + 2}, nil
	case len(rest) == 3 && rest[0] == '-' && rest[1] >= '0' && rest[1] <= '1' && rest[2] >= '0' && rest[2] <= '9':
		m, _ := strconv.Atoi(rest[1:])
		if m < 1 || m > 12 {
			return period{}, bad
		}
		return period{y*12 + m - 1, y*12 + m - 1}, nil
	}
	return period{}, bad
}

// ValidPeriod checks a period's syntax: YYYY-MM, YYYY-Qn or YYYY (invalid_period).
func ValidPeriod(s string) error {
	_, err := parsePeriod(s)
	return err
}

// PeriodAfter reports whether period p begins after period q has ended: p is one of
// the "later periods" a liquidation report for q closes (FIL-5). Periods of different
// kinds compare by the months they cover.
func PeriodAfter(p, q string) (bool, error) {
	a, err := parsePeriod(p)
	if err != nil {
		return false, err
	}
	b, err := parsePeriod(q)
	if err != nil {
		return false, err
	}
	return a.first > b.last, nil
}

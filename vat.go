package kabinet

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// VAT invoice series and numbers (CAB-3, VAT-1 … VAT-7; Reg §2; Tax Code art. 83(5)).
//
// The text of the 2016 procedure for assigning series and numbers was not available:
// the series format (two capital Latin letters AA … ZZ, numbers 0000001 … 9999999),
// the quantity limit (policy VATMaxQuantity) and the 2-day deadline (policy VATDays)
// are this project's choices (SPEC VAT details).

const (
	// VATNumbersPerSeries is how many numbers one series holds: 0000001 … 9999999 (VAT-4).
	VATNumbersPerSeries = 9_999_999
	// VATSeriesCount is how many series there are: AA … ZZ (VAT-4).
	VATSeriesCount = 26 * 26
	// VATCapacity is the national sequence's length: every number of every series.
	VATCapacity = int64(VATSeriesCount) * VATNumbersPerSeries
)

// VATRange is a run of consecutive invoice numbers within one series, both ends included.
type VATRange struct {
	Series string `json:"series"`
	From   int    `json:"from"`
	To     int    `json:"to"`
}

// Quantity is how many numbers the range holds.
func (r VATRange) Quantity() int { return r.To - r.From + 1 }

// Contains reports whether number lies in the range.
func (r VATRange) Contains(series string, number int) bool {
	return r.Series == series && number >= r.From && number <= r.To
}

// String formats the range as printed on the decision: «AA 0000001 – 0000100».
func (r VATRange) String() string {
	return fmt.Sprintf("%s %s – %s", r.Series, FormatVATNumber(r.From), FormatVATNumber(r.To))
}

// FormatVATNumber prints an invoice number with its seven digits: 0000042.
func FormatVATNumber(n int) string { return fmt.Sprintf("%07d", n) }

// VATSeriesName returns the series at index i (0 → AA, 1 → AB, … 675 → ZZ).
func VATSeriesName(i int) string {
	return string([]byte{byte('A' + i/26), byte('A' + i%26)})
}

// ParseVATSeries returns the index of a series typed by a person: two Latin letters,
// case and surrounding spaces ignored (VAT-4, VAT-6). A series is read off a printed
// invoice, so a Cyrillic letter that looks like a Latin one (А В Е К М Н О Р С Т Х У,
// typed in the Russian or Kyrgyz layout) counts as that letter, as passport series do
// (PSP-1).
func ParseVATSeries(s string) (int, error) {
	s = latinLookalikes.Replace(strings.ToUpper(strings.TrimSpace(s)))
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return 0, Errorf(KindInvalid, "invalid_series", "a series is two Latin letters AA … ZZ")
	}
	return int(s[0]-'A')*26 + int(s[1]-'A'), nil
}

// latinLookalikes replaces each capital Cyrillic letter that looks like a Latin capital.
var latinLookalikes = strings.NewReplacer("А", "A", "В", "B", "Е", "E", "К", "K", "М", "M", "Н", "H",
	"О", "O", "Р", "P", "С", "C", "Т", "T", "Х", "X", "У", "Y")

// ParseVATNumber returns an invoice number typed by a person: 1 … 9999999, leading
// zeros allowed, ASCII digits only.
func ParseVATNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 7 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, Errorf(KindInvalid, "invalid_number", "an invoice number is 1 … 9999999")
	}
	n, _ := strconv.Atoi(s)
	if n < 1 {
		return 0, Errorf(KindInvalid, "invalid_number", "an invoice number is 1 … 9999999")
	}
	return n, nil
}

// VATPosition is a number's place in the national sequence: 0 is AA 0000001.
func VATPosition(series, number int) int64 {
	return int64(series)*VATNumbersPerSeries + int64(number-1)
}

// VATRangesFor splits the quantity of numbers that starts at position start of the
// national sequence into ranges, one per series it touches (VAT-4: a range lies within
// one series; an assignment that does not fit in what is left of the current series is
// split, the next series starting when one is full). The database hands out start
// atomically; this only names what it handed out.
func VATRangesFor(start int64, quantity int) []VATRange {
	var out []VATRange
	pos, left := start, int64(quantity)
	for left > 0 {
		series := int(pos / VATNumbersPerSeries)
		from := int(pos%VATNumbersPerSeries) + 1
		n := min(left, int64(VATNumbersPerSeries-from+1))
		out = append(out, VATRange{Series: VATSeriesName(series), From: from, To: from + int(n) - 1})
		pos += n
		left -= n
	}
	return out
}

// VATFits reports whether quantity numbers starting at position next still fit in the
// national sequence; after ZZ 9999999 the service refuses (series_exhausted).
func VATFits(next int64, quantity int) bool { return next+int64(quantity) <= VATCapacity }

// ErrVATSeriesExhausted is the answer once the national sequence is used up (VAT-4).
func ErrVATSeriesExhausted() error {
	return Errorf(KindConflict, "series_exhausted", "the national sequence of VAT invoice series is used up")
}

// CheckVATQuantity enforces VAT-2: 1 … the policy's maximum.
func CheckVATQuantity(q int, pol Policy) error {
	if q < 1 || q > pol.VATMaxQuantity {
		return Errorf(KindUnprocessable, "invalid_quantity", "quantity must be 1..%d", pol.VATMaxQuantity).
			With("max", pol.VATMaxQuantity)
	}
	return nil
}

// VATDecisionDue is when the office's decision on a VAT application is due: the end of
// the policy's VATDays-th calendar day after submission, Bishkek time (SPEC VAT details;
// counted like ANN-2).
func VATDecisionDue(submitted time.Time, pol Policy) time.Time {
	return CalendarDaysDue(submitted, pol.VATDays)
}

// VATGround is why a VAT application was refused (VAT-3: a closed list).
type VATGround string

const (
	VATGroundNotPayer   VATGround = "not_vat_payer"
	VATGroundLiquidated VATGround = "registration_liquidated"
	VATGroundFraud      VATGround = "fraud_evidence"
	VATGroundOther      VATGround = "other" // with its text
)

// VATGrounds lists the refusal grounds in the order the back office offers them.
var VATGrounds = []VATGround{VATGroundNotPayer, VATGroundLiquidated, VATGroundFraud, VATGroundOther}

// VATPayer reports whether the subject may apply for invoice numbers at now (VAT-1):
// registered as a VAT payer on or before now's calendar day (Bishkek time), with an
// active registration. The error says why not.
func VATPayer(t Taxpayer, now time.Time) error {
	switch {
	case t.Status != RegistrationActive:
		return Errorf(KindConflict, "registration_liquidated", "the subject's registration is liquidated")
	case t.VATRegisteredOn == nil:
		return Errorf(KindConflict, "not_vat_payer", "the subject is not registered as a VAT payer")
	case now.Before(*t.VATRegisteredOn): // the registration takes effect at the start of its day
		return Errorf(KindConflict, "not_vat_payer", "the subject is a VAT payer only from %s", DateOf(*t.VATRegisteredOn)).
			With("vat_registered_on", DateOf(*t.VATRegisteredOn).ISO())
	}
	return nil
}

// CheckVATDecision is the VAT-3 rule for an officer's decision on an application: an
// assignment is barred by the fraud mark (as ACC-6), by a liquidated registration and
// for a subject no longer a VAT payer — the registry as it is at the decision decides,
// not as it was at submission; a refusal names a ground from the closed list, and
// "other" carries its text. The text of another ground is cleaned by the caller.
func CheckVATDecision(t Taxpayer, now time.Time, assign bool, ground VATGround, text string) error {
	if assign {
		if ground != "" || text != "" {
			return Errorf(KindUnprocessable, "invalid_ground", "an assignment has no ground")
		}
		if t.HasFraudMark() {
			return Errorf(KindConflict, "fraud_evidence", "documentary evidence of false entrepreneurship or fictitious supplies bars assignment: %s", t.FraudReference).
				With("reference", t.FraudReference)
		}
		return VATPayer(t, now)
	}
	switch ground {
	case VATGroundNotPayer, VATGroundLiquidated, VATGroundFraud:
		return nil
	case VATGroundOther:
		if strings.TrimSpace(text) == "" {
			return Errorf(KindUnprocessable, "ground_text_required", "a refusal on another ground states it")
		}
		return nil
	}
	return Errorf(KindUnprocessable, "invalid_ground", "unknown refusal ground %q", ground)
}

// VATAssignedRange is a range assigned to a subject with its annulled tail (VAT-5):
// numbers from AnnulledFrom to To are annulled; 0 means none is.
type VATAssignedRange struct {
	VATRange
	INN          string `json:"inn"`
	AnnulledFrom int    `json:"annulled_from,omitempty"`
}

// Annulled reports whether number of this range has been annulled.
func (r VATAssignedRange) Annulled(number int) bool {
	return r.AnnulledFrom != 0 && number >= r.AnnulledFrom
}

// CheckVATUnused is the VAT-5 rule for a notice of unused numbers: the tail from `from`
// to the range's end is annulled for good; `from` lies in the range, and a tail already
// annulled is not annulled again (a later notice may only annul more).
func CheckVATUnused(r VATAssignedRange, from, to int) error {
	switch {
	case to != r.To || from < r.From || from > r.To:
		return Errorf(KindUnprocessable, "invalid_tail", "the unused numbers run from a number of the range to its end %d", r.To)
	case r.AnnulledFrom != 0 && from >= r.AnnulledFrom:
		return Errorf(KindConflict, "already_annulled", "these numbers are already annulled")
	}
	return nil
}

// VATNumberState is what the public check answers (VAT-6): assigned to that ИНН,
// annulled, or not assigned — a number assigned to another ИНН is "not_assigned".
type VATNumberState string

const (
	VATAssigned    VATNumberState = "assigned"
	VATAnnulled    VATNumberState = "annulled"
	VATNotAssigned VATNumberState = "not_assigned"
)

// VATStateOf answers VAT-6 for a number, given the range that holds it (nil when the
// number was never assigned) and the ИНН the person typed.
func VATStateOf(r *VATAssignedRange, inn string, number int) VATNumberState {
	switch {
	case r == nil || r.INN != inn || number < r.From || number > r.To:
		return VATNotAssigned
	case r.Annulled(number):
		return VATAnnulled
	}
	return VATAssigned
}

// KindVAT is the kind of a VAT application and of its decision: decisions of every
// kind share one numbering and one public verification (ACC-8; SPEC VAT details).
const KindVAT ApplicationKind = "vat"

// Assigned is the outcome of a VAT decision that assigns numbers (VAT-3); a refusal is Refused.
const Assigned Outcome = "assigned"

// VATStatus is where a VAT application stands: open until the office decides.
type VATStatus string

const (
	VATApplicationOpen     VATStatus = "open"
	VATApplicationAssigned VATStatus = "assigned"
	VATApplicationRefused  VATStatus = "refused"
)

// VATApplication is a subject's application for a quantity of invoice numbers (VAT-2),
// with a snapshot of the registry's name and office at submission. Its code is an
// application code like any other: unique across the service.
type VATApplication struct {
	ID             int64              `json:"-"`
	Code           string             `json:"code"`
	INN            string             `json:"inn"`
	Name           string             `json:"name"`
	OfficeCode     string             `json:"office_code"`
	Quantity       int                `json:"quantity"`
	Status         VATStatus          `json:"status"`
	SubmittedAt    time.Time          `json:"submitted_at"`
	DueAt          time.Time          `json:"due_at"`
	DecidedAt      *time.Time         `json:"decided_at,omitempty"`
	DecisionNumber string             `json:"decision_number,omitempty"`
	Decision       *VATDecision       `json:"decision,omitempty"`
	Ranges         []VATAssignedRange `json:"ranges,omitempty"` // assigned ranges with their annulled tails (VAT-5)
}

// VATDecision is the office's decision on a VAT application (VAT-3; Tax Code art. 83(5)
// «о присвоении серий и номеров счетов-фактур НДС» / «об отказе в присвоении»).
type VATDecision struct {
	Number           string     `json:"number"`
	ApplicationCode  string     `json:"application_code"`
	Outcome          Outcome    `json:"outcome"` // assigned or refused
	Ground           VATGround  `json:"ground,omitempty"`
	Text             string     `json:"text,omitempty"` // the ground "other" stated
	INN              string     `json:"inn"`
	Name             string     `json:"name"`
	OfficeCode       string     `json:"office_code"`
	Officer          string     `json:"officer"`
	DecidedAt        time.Time  `json:"decided_at"`
	Quantity         int        `json:"quantity"`
	Ranges           []VATRange `json:"ranges,omitempty"` // on assignment: one range, or two when a series ran out (VAT-4)
	VerificationCode string     `json:"verification_code"`
	OnTime           bool       `json:"on_time"`
}

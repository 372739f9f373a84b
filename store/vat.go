package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kabinet"
	"kabinet/ident"
	"kabinet/inn"
)

// VAT invoice series and numbers (CAB-3; VAT-1 … VAT-7). The rules are the root
// package's (vat.go); here they meet the database. The one thing the database must
// decide itself is where an assignment starts: vat_sequence's single row is advanced in
// one UPDATE … RETURNING, under its row lock, so concurrent assignments on any number
// of instances each get their own run of the national sequence (VAT-4).

// vatTaxpayer is the signed-in taxpayer's account, for the cabinet's VAT acts.
func (db *DB) vatTaxpayer(ctx context.Context, s Session) (kabinet.Account, error) {
	if s.Principal != principalTaxpayer {
		return kabinet.Account{}, kabinet.Errorf(kabinet.KindForbidden, "forbidden", "only a taxpayer applies for VAT invoice numbers")
	}
	if s.MustChange {
		pol, err := db.Policy(ctx)
		if err != nil {
			return kabinet.Account{}, err
		}
		return kabinet.Account{}, kabinet.PasswordChangeRequired(pol)
	}
	acct, err := db.AccountByID(ctx, s.SubjectID)
	if err != nil {
		return acct, err
	}
	if acct.Status != kabinet.AccountActive {
		return acct, kabinet.Errorf(kabinet.KindForbidden, "account_annulled", "access to the cabinet was annulled")
	}
	return acct, nil
}

// ApplyVAT is a VAT payer's application for quantity invoice numbers (VAT-1, VAT-2),
// confirmed with the password under the sign-in's counted rules (PWD-3; as FIL-6): a
// wrong one counts toward the lock. The office's deadline runs from submission
// (policy VATDays). A subject has at most one open VAT application: the database's
// partial unique index holds that even for two submissions at once (409 application_open).
func (db *DB) ApplyVAT(ctx context.Context, who Actor, s Session, password string, quantity int) (kabinet.VATApplication, error) {
	var a kabinet.VATApplication
	acct, err := db.vatTaxpayer(ctx, s)
	if err != nil {
		return a, err
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return a, err
	}
	if err := kabinet.CheckVATQuantity(quantity, pol); err != nil {
		return a, err
	}
	tp, err := db.Taxpayer(ctx, acct.INN)
	if err != nil {
		return a, err
	}
	if err := kabinet.VATPayer(tp, db.clock.Now()); err != nil {
		return a, err
	}
	if err := db.verifyCounted(ctx, who, acct, password, pol); err != nil {
		return a, err
	}
	who = who.as(principalTaxpayer, acct.Login)
	a = kabinet.VATApplication{INN: tp.INN, Name: tp.Name, OfficeCode: tp.OfficeCode, Quantity: quantity, Status: kabinet.VATApplicationOpen}
	err = db.inTx(ctx, func(tx *Tx) error {
		code, err := tx.unusedApplicationCode(ctx)
		if err != nil {
			return err
		}
		a.Code, a.SubmittedAt, a.DueAt = code, tx.now, kabinet.VATDecisionDue(tx.now, pol)
		err = tx.QueryRowContext(ctx, `INSERT INTO vat_applications (code, inn, name, office_code, quantity, status, submitted_at, due_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.Code, a.INN, a.Name, a.OfficeCode, a.Quantity, string(a.Status), ms(a.SubmittedAt), ms(a.DueAt)).Scan(&a.ID)
		if db.dialect.isUniqueViolation(err) {
			// The code was checked unused above: the index on open applications refused it.
			return errVATApplicationOpen
		}
		if err != nil {
			return fmt.Errorf("store: insert VAT application: %w", err)
		}
		return tx.audit(ctx, who, "vat.apply", a.INN, map[string]any{"code": a.Code, "quantity": a.Quantity, "due_at": a.DueAt})
	})
	if errors.Is(err, errVATApplicationOpen) {
		var open string
		if qerr := db.sql.QueryRowContext(ctx, "SELECT code FROM vat_applications WHERE inn = $1 AND status = 'open'", a.INN).Scan(&open); qerr == nil {
			return kabinet.VATApplication{}, errVATApplicationOpen.With("code", open)
		}
		return kabinet.VATApplication{}, errVATApplicationOpen
	}
	if err != nil {
		return kabinet.VATApplication{}, err
	}
	return a, nil
}

var errVATApplicationOpen = kabinet.Errorf(kabinet.KindConflict, "application_open",
	"the subject already has an open VAT application; wait for the office's decision")

// unusedApplicationCode draws an application code unused by access, annulment and VAT
// applications alike: a code names an application on its own across the service.
func (tx *Tx) unusedApplicationCode(ctx context.Context) (string, error) {
	for attempt := 0; attempt < 5; attempt++ {
		code, err := ident.NewApplicationCode(tx.db.rand)
		if err != nil {
			return "", err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM applications WHERE code = $1)
			+ (SELECT COUNT(*) FROM vat_applications WHERE code = $1)`, code).Scan(&n); err != nil {
			return "", fmt.Errorf("store: check application code: %w", err)
		}
		if n == 0 {
			return code, nil
		}
	}
	return "", fmt.Errorf("store: no unused application code after 5 draws")
}

const vatApplicationColumns = `id, code, inn, name, office_code, quantity, status, submitted_at, due_at, decided_at, decision_number`

func scanVATApplication(row interface{ Scan(...any) error }) (kabinet.VATApplication, error) {
	var a kabinet.VATApplication
	var submitted, due int64
	var decided sql.NullInt64
	var number sql.NullString
	err := row.Scan(&a.ID, &a.Code, &a.INN, &a.Name, &a.OfficeCode, &a.Quantity, &a.Status, &submitted, &due, &decided, &number)
	a.SubmittedAt, a.DueAt, a.DecidedAt, a.DecisionNumber = fromMS(submitted), fromMS(due), fromNullMS(decided), number.String
	return a, err
}

func vatApplicationNotFound() error {
	return kabinet.Errorf(kabinet.KindNotFound, "application_not_found", "no VAT application with this code")
}

// vatApplication reads a VAT application by its canonical code; forUpdate locks its
// row on PostgreSQL (SQLite's immediate transaction already holds the only write lock).
func (tx *Tx) vatApplication(ctx context.Context, code string, forUpdate bool) (kabinet.VATApplication, error) {
	q := "SELECT " + vatApplicationColumns + " FROM vat_applications WHERE code = $1"
	if forUpdate && tx.db.dialect == postgres {
		q += " FOR UPDATE"
	}
	a, err := scanVATApplication(tx.QueryRowContext(ctx, q, code))
	if errors.Is(err, errNoRows) {
		return a, vatApplicationNotFound()
	}
	if err != nil {
		return a, fmt.Errorf("store: VAT application: %w", err)
	}
	return a, nil
}

// withDecision adds a decided application's decision and its ranges, each with its
// annulled tail (VAT-3, VAT-5).
func (db *DB) withDecision(ctx context.Context, a *kabinet.VATApplication) error {
	if a.DecisionNumber == "" {
		return nil
	}
	d, err := db.VATDecision(ctx, a.DecisionNumber)
	if err != nil {
		return err
	}
	a.Decision = &d
	a.Ranges, err = db.vatRanges(ctx, "application_id", a.ID)
	return err
}

// vatRanges lists the ranges of one application or decision, in sequence order.
func (db *DB) vatRanges(ctx context.Context, column string, value any) ([]kabinet.VATAssignedRange, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT series, from_no, to_no, inn, annulled_from FROM vat_ranges
		WHERE `+column+` = $1 ORDER BY start_pos`, value)
	if err != nil {
		return nil, fmt.Errorf("store: VAT ranges: %w", err)
	}
	defer rows.Close()
	var out []kabinet.VATAssignedRange
	for rows.Next() {
		r, err := scanVATRange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanVATRange(row interface{ Scan(...any) error }) (kabinet.VATAssignedRange, error) {
	var r kabinet.VATAssignedRange
	var annulled sql.NullInt64
	err := row.Scan(&r.Series, &r.From, &r.To, &r.INN, &annulled)
	r.AnnulledFrom = int(annulled.Int64)
	return r, err
}

// VATApplications lists a subject's VAT applications for the cabinet, newest first,
// each with its state, its decision, and each assigned range with its annulled part
// (VAT-2, VAT-3, VAT-5).
func (db *DB) VATApplications(ctx context.Context, innValue string) ([]kabinet.VATApplication, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+vatApplicationColumns+" FROM vat_applications WHERE inn = $1 ORDER BY submitted_at DESC, id DESC LIMIT 50", innValue)
	if err != nil {
		return nil, fmt.Errorf("store: VAT applications: %w", err)
	}
	out := []kabinet.VATApplication{}
	for rows.Next() {
		a, err := scanVATApplication(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := db.withDecision(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// VATBoardItem is an open VAT application on the back office's board with its
// deadline (VAT-2; flagged like ANN-2).
type VATBoardItem struct {
	kabinet.VATApplication
	SecondsLeft int64 `json:"seconds_left"` // negative when overdue
	Overdue     bool  `json:"overdue"`
	DueToday    bool  `json:"due_today"` // the deadline falls today, Bishkek time
}

// OfficeVATApplications lists the open VAT applications of the staff member's office
// (every office for a supervisor), soonest deadline first.
func (db *DB) OfficeVATApplications(ctx context.Context, s kabinet.Staff) ([]VATBoardItem, error) {
	office := ""
	if s.Role != kabinet.RoleSupervisor {
		office = s.OfficeCode
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT "+vatApplicationColumns+` FROM vat_applications
		WHERE status = 'open' AND ($1 = '' OR office_code = $1) ORDER BY due_at, id`, office)
	if err != nil {
		return nil, fmt.Errorf("store: VAT board: %w", err)
	}
	defer rows.Close()
	now := db.clock.Now()
	out := []VATBoardItem{}
	for rows.Next() {
		a, err := scanVATApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, VATBoardItem{VATApplication: a, SecondsLeft: int64(a.DueAt.Sub(now).Seconds()),
			Overdue: kabinet.Late(a.DueAt, now), DueToday: kabinet.DueToday(a.DueAt, now)})
	}
	return out, rows.Err()
}

// OfficeVATApplication returns a VAT application to a staff member of the subject's
// office or a supervisor (ACC-10); anyone else's attempt is audited and refused.
func (db *DB) OfficeVATApplication(ctx context.Context, s StaffActor, code string) (kabinet.VATApplication, error) {
	c, ok := ident.NormalizeCode(code)
	if !ok {
		return kabinet.VATApplication{}, vatApplicationNotFound()
	}
	a, err := scanVATApplication(db.sql.QueryRowContext(ctx, "SELECT "+vatApplicationColumns+" FROM vat_applications WHERE code = $1", c))
	if errors.Is(err, errNoRows) {
		return a, vatApplicationNotFound()
	}
	if err != nil {
		return a, fmt.Errorf("store: VAT application: %w", err)
	}
	if err := kabinet.MayActOn(s.Staff, a.OfficeCode); err != nil {
		return kabinet.VATApplication{}, db.refusedOffice(ctx, s, "vat.view", a.Code, err)
	}
	return a, db.withDecision(ctx, &a)
}

// DecideVAT is the office's decision on a VAT application (VAT-3, VAT-4): an officer of
// the subject's office or a supervisor (ACC-10) assigns, or refuses on a ground of the
// closed list. The registry as it is now decides (the fraud mark bars assignment:
// 409 fraud_evidence). An assignment takes the application's full quantity from the
// national sequence in the database, in this transaction, and names the ranges it
// covers — two when the current series runs out; after ZZ it is refused
// (409 series_exhausted). The decision is numbered and verified like an access
// decision, and the subject is notified in the cabinet.
func (db *DB) DecideVAT(ctx context.Context, s StaffActor, code string, assign bool, ground kabinet.VATGround, text string) (kabinet.VATDecision, error) {
	c, ok := ident.NormalizeCode(code)
	if !ok {
		return kabinet.VATDecision{}, vatApplicationNotFound()
	}
	text, err := kabinet.CleanText("text", text, 500)
	if err != nil {
		return kabinet.VATDecision{}, err
	}
	// Decided with the decisions that arrive with it, in one transaction (vat_batch.go).
	r := &vatDecisionRequest{s: s, code: c, assign: assign, ground: ground, text: text, done: make(chan vatDecisionResult, 1)}
	res, err := submit(ctx, db.vatDecisions, r, r.done)
	if err != nil {
		return kabinet.VATDecision{}, err
	}
	if res.refused != nil {
		return kabinet.VATDecision{}, db.refusedOffice(ctx, s, "vat.decide", c, res.refused)
	}
	return res.d, res.err
}

// allocateVAT takes quantity numbers from the national sequence and returns the
// position of the first (VAT-4). One statement reads and advances the sequence under
// its row lock, and refuses when the numbers left do not hold the full quantity, so
// concurrent assignments on any instance never overlap and leave no gap.
func (tx *Tx) allocateVAT(ctx context.Context, quantity int) (int64, error) {
	var next int64
	err := tx.queryRowOften(ctx, vatSequenceTake, int64(quantity), kabinet.VATCapacity).Scan(&next)
	if errors.Is(err, errNoRows) {
		return 0, kabinet.ErrVATSeriesExhausted()
	}
	if err != nil {
		return 0, fmt.Errorf("store: allocate VAT numbers: %w", err)
	}
	return next - int64(quantity), nil
}

func vatRangeTexts(rs []kabinet.VATRange) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

func vatDecisionNotFound() error {
	return kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no decision with this number and verification code")
}

// VATDecision returns a VAT decision by its number with the ranges it assigned (for
// printing by staff or the subject; VAT-3).
func (db *DB) VATDecision(ctx context.Context, number string) (kabinet.VATDecision, error) {
	var d kabinet.VATDecision
	var at int64
	var ground string
	err := db.sql.QueryRowContext(ctx, `SELECT d.number, v.code, d.outcome, v.ground, v.ground_text, d.inn, d.name, d.office_code,
		d.officer, d.decided_at, v.quantity, d.verification_code, d.on_time
		FROM decisions d JOIN vat_applications v ON v.decision_number = d.number
		WHERE d.number = $1 AND d.kind = $2`, strings.TrimSpace(number), string(kabinet.KindVAT)).Scan(
		&d.Number, &d.ApplicationCode, &d.Outcome, &ground, &d.Text, &d.INN, &d.Name, &d.OfficeCode,
		&d.Officer, &at, &d.Quantity, &d.VerificationCode, &d.OnTime)
	if errors.Is(err, errNoRows) {
		return d, vatDecisionNotFound()
	}
	if err != nil {
		return d, fmt.Errorf("store: VAT decision: %w", err)
	}
	d.Ground, d.DecidedAt = kabinet.VATGround(ground), fromMS(at)
	assigned, err := db.vatRanges(ctx, "decision_number", d.Number)
	for _, r := range assigned {
		d.Ranges = append(d.Ranges, r.VATRange)
	}
	return d, err
}

// VerifyVATDecision checks a paper VAT decision by its number and verification code,
// like an access decision (ACC-8; SPEC VAT details). A wrong code answers exactly like
// an unknown number. The answer is what the paper shows.
func (db *DB) VerifyVATDecision(ctx context.Context, number, code string) (kabinet.VATDecision, error) {
	vc, ok := ident.NormalizeVerificationCode(code)
	d, err := db.VATDecision(ctx, number)
	if err != nil || !ok || d.VerificationCode != vc {
		return kabinet.VATDecision{}, vatDecisionNotFound()
	}
	return d, nil
}

// ReportUnusedVAT is the subject's notice of unused series and numbers (VAT-5, STI-005):
// the tail of one of its ranges, from a number to the range's end, is annulled for
// good. It is confirmed with the password under the sign-in's counted rules (PWD-3).
func (db *DB) ReportUnusedVAT(ctx context.Context, who Actor, s Session, password, series string, from, to int) error {
	acct, err := db.vatTaxpayer(ctx, s)
	if err != nil {
		return err
	}
	si, err := kabinet.ParseVATSeries(series)
	if err != nil {
		return err
	}
	if err := validVATNumber(from); err != nil {
		return err
	}
	if err := validVATNumber(to); err != nil {
		return err
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return err
	}
	if err := db.verifyCounted(ctx, who, acct, password, pol); err != nil {
		return err
	}
	who = who.as(principalTaxpayer, acct.Login)
	series = kabinet.VATSeriesName(si)
	return db.inTx(ctx, func(tx *Tx) error {
		q := `SELECT id, decision_number, series, from_no, to_no, inn, annulled_from FROM vat_ranges
			WHERE inn = $1 AND series = $2 AND from_no <= $3 AND to_no >= $3`
		if db.dialect == postgres {
			q += " FOR UPDATE"
		}
		var id int64
		var number string
		var r kabinet.VATAssignedRange
		var annulled sql.NullInt64
		err := tx.QueryRowContext(ctx, q, acct.INN, series, from).Scan(&id, &number, &r.Series, &r.From, &r.To, &r.INN, &annulled)
		if errors.Is(err, errNoRows) {
			return kabinet.Errorf(kabinet.KindNotFound, "range_not_found", "no range assigned to you holds %s %s", series, kabinet.FormatVATNumber(from))
		}
		if err != nil {
			return fmt.Errorf("store: VAT range: %w", err)
		}
		r.AnnulledFrom = int(annulled.Int64)
		if err := kabinet.CheckVATUnused(r, from, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE vat_ranges SET annulled_from = $1, annulled_at = $2 WHERE id = $3", from, ms(tx.now), id); err != nil {
			return fmt.Errorf("store: annul VAT numbers: %w", err)
		}
		return tx.audit(ctx, who, "vat.unused", acct.INN, map[string]any{"series": series, "from": from, "to": to,
			"decision_number": number, "previously_annulled_from": r.AnnulledFrom})
	})
}

func validVATNumber(n int) error {
	if n < 1 || n > kabinet.VATNumbersPerSeries {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_number", "an invoice number is 1 … 9999999")
	}
	return nil
}

// CheckVATNumber answers the public check of a printed invoice (VAT-6): the number of
// that series is assigned to that ИНН, annulled, or not assigned — a number assigned
// to another ИНН answers not_assigned, so the check tells nothing about anyone else.
// The caller rate-limits it per client (SEC-2) with Limit and VATCheckKey.
func (db *DB) CheckVATNumber(ctx context.Context, series string, number int, innValue string) (kabinet.VATNumberState, error) {
	si, err := kabinet.ParseVATSeries(series)
	if err != nil {
		return "", err
	}
	if err := validVATNumber(number); err != nil {
		return "", err
	}
	id, err := inn.Parse(innValue)
	if err != nil {
		return "", err
	}
	r, err := scanVATRange(db.sql.QueryRowContext(ctx, `SELECT series, from_no, to_no, inn, annulled_from FROM vat_ranges
		WHERE series = $1 AND from_no <= $2 ORDER BY from_no DESC LIMIT 1`, kabinet.VATSeriesName(si), number))
	if errors.Is(err, errNoRows) {
		return kabinet.VATStateOf(nil, id.Value, number), nil
	}
	if err != nil {
		return "", fmt.Errorf("store: VAT check: %w", err)
	}
	return kabinet.VATStateOf(&r, id.Value, number), nil
}

// VATCheckKey is the rate-limit key of the public VAT check for a client address: the
// web layer calls Limit(ctx, VATCheckKey(addr), policy.LookupsPerMinute, VATCheckWindow)
// before CheckVATNumber (SEC-2).
func VATCheckKey(address string) string { return "vatcheck:" + address }

// VATCheckWindow is the window of the public VAT check's rate limit.
const VATCheckWindow = time.Minute

// VATSequence returns the position of the national sequence's next free number (VAT-4).
func (db *DB) VATSequence(ctx context.Context) (int64, error) {
	var next int64
	if err := db.sql.QueryRowContext(ctx, "SELECT next_pos FROM vat_sequence WHERE id = 1").Scan(&next); err != nil {
		return 0, fmt.Errorf("store: VAT sequence: %w", err)
	}
	return next, nil
}

// SetVATSequenceForTest moves the national sequence to position next, so that tests
// and the benchmark can start near the end of a series or of ZZ (VAT-4). It is never
// called by the service: moving the sequence back would hand numbers out twice.
func (db *DB) SetVATSequenceForTest(ctx context.Context, next int64) error {
	if next < 0 || next > kabinet.VATCapacity {
		return fmt.Errorf("store: VAT sequence position %d is outside 0..%d", next, kabinet.VATCapacity)
	}
	_, err := db.sql.ExecContext(ctx, "UPDATE vat_sequence SET next_pos = $1 WHERE id = 1", next)
	return err
}

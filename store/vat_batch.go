package store

import (
	"context"
	"fmt"
	"time"

	"kabinet"
	"kabinet/ident"
)

// The offices' VAT decisions are committed in batches (group commit, as the registry's
// look-ups are). Every assignment passes three service-wide serialisation points — the
// decision counter, the national sequence (VAT-4) and the audit head — each held from
// its statement to the commit; one transaction a decision queued every officer of the
// country behind each other's round trips and commit (250 assignments/s by 64 officers
// on PostgreSQL, issue 13). A batch takes each point once for all its decisions and
// commits once. Each decision is still
// checked on its own, gets its own number, its own run of the sequence, its own
// notification and audit entry, and its officer an answer of its own: one refused
// decision never fails the others of its batch.

// maxVATBatch bounds a batch, so one batch never holds many officers waiting.
const maxVATBatch = 64

// vatDecisionTimeout bounds one batch's transaction, whatever its callers' deadlines.
const vatDecisionTimeout = 15 * time.Second

type vatDecisionRequest struct {
	s      StaffActor
	code   string // canonical
	assign bool
	ground kabinet.VATGround
	text   string // cleaned
	done   chan vatDecisionResult
}

type vatDecisionResult struct {
	d   kabinet.VATDecision
	err error
	// refused is an act refused because the application is another office's (ACC-10),
	// audited after the batch in a transaction of its own, as DecideVAT always did.
	refused error
}

// newVATDecisionBatcher commits one batch at a time on either engine: on PostgreSQL a
// second batch of the same instance would only wait for the decision counter the first
// holds to its commit, and with two instances four small batches queued there lost to
// two large ones (0.21–0.25 of the look-ups beside against 0.26–0.34; README).
func newVATDecisionBatcher(db *DB) *batcher[*vatDecisionRequest] {
	return newBatcher(db, "VAT decision", maxVATBatch, db.commitVATDecisions)
}

// commitVATDecisions decides a batch and answers each request. Requests for one
// application (two officers at once) go in successive transactions, in their order,
// so the later sees the earlier's decision as one at a time it would.
func (db *DB) commitVATDecisions(batch []*vatDecisionRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), vatDecisionTimeout)
	defer cancel()
	for len(batch) > 0 {
		var round, later []*vatDecisionRequest
		seen := map[string]bool{}
		for _, r := range batch {
			if seen[r.code] {
				later = append(later, r)
				continue
			}
			seen[r.code] = true
			round = append(round, r)
		}
		var results []vatDecisionResult
		var err error
		if db.dialect == postgres {
			results, err = db.decideVATPipelined(ctx, round)
		} else {
			err = db.inTx(ctx, func(tx *Tx) error {
				var err error
				results, err = tx.decideVAT(ctx, round) // again from the start if the transaction is retried
				return err
			})
		}
		for i, r := range round {
			if err != nil {
				r.done <- vatDecisionResult{err: err}
				continue
			}
			r.done <- results[i]
		}
		batch = later
	}
}

// vatDecided is one accepted decision of a batch while the batch is written.
type vatDecided struct {
	req    *vatDecisionRequest
	app    kabinet.VATApplication
	tp     kabinet.Taxpayer
	dec    kabinet.Decision
	status string
	text   string
	start  int64
	ranges []kabinet.VATRange
}

// decideVAT decides the batch in tx (SQLite; PostgreSQL pipelines the same in three
// round trips, vat_batch_pg.go): each request is checked as DecideVAT always checked
// it (checkVATBatch); the accepted ones are then numbered, given their runs of the
// sequence and written, each row by a statement prepared once.
func (tx *Tx) decideVAT(ctx context.Context, batch []*vatDecisionRequest) ([]vatDecisionResult, error) {
	results := make([]vatDecisionResult, len(batch))
	apps, registry, err := tx.readVATBatch(ctx, batch)
	if err != nil {
		return nil, err
	}
	accepted := checkVATBatch(tx.now, batch, apps, registry, results)
	if len(accepted) == 0 {
		return results, nil
	}
	if accepted, err = tx.numberVATDecisions(ctx, accepted, results, batch); err != nil {
		return nil, err
	}
	if len(accepted) == 0 {
		return results, nil
	}
	if err := tx.writeVATDecisions(ctx, accepted); err != nil {
		return nil, err
	}
	answer(batch, accepted, results)
	return results, nil
}

// The batch's reads on SQLite, one statement each whatever the batch's size: the codes
// as one JSON array (json_each), as the look-ups' reads are. One statement a request,
// each a round through database/sql and the driver, took a sixth of the batch's time,
// which every officer waits behind.
const (
	vatApplicationsJSON = "SELECT " + vatApplicationColumns + " FROM vat_applications WHERE code IN (SELECT value FROM json_each($1))"
	vatTaxpayersJSON    = "SELECT " + taxpayerColumns + ` FROM taxpayers WHERE inn IN
		(SELECT inn FROM vat_applications WHERE code IN (SELECT value FROM json_each($1)))`
)

// readVATBatch reads the batch's applications by code and their subjects in the
// registry by ИНН (SQLite: its immediate transaction already holds the only write
// lock, so no row locks).
func (tx *Tx) readVATBatch(ctx context.Context, batch []*vatDecisionRequest) (map[string]kabinet.VATApplication, map[string]kabinet.Taxpayer, error) {
	codes := batchCodes(batch)
	arr, err := jsonString(codes)
	if err != nil {
		return nil, nil, err
	}
	apps := make(map[string]kabinet.VATApplication, len(batch))
	registry := make(map[string]kabinet.Taxpayer, len(batch))
	rows, err := tx.queryOften(ctx, vatApplicationsJSON, arr)
	if err != nil {
		return nil, nil, fmt.Errorf("store: VAT applications: %w", err)
	}
	err = collectVATApplications(rows, apps)
	rows.Close()
	if err != nil {
		return nil, nil, err
	}
	if rows, err = tx.queryOften(ctx, vatTaxpayersJSON, arr); err != nil {
		return nil, nil, fmt.Errorf("store: taxpayers: %w", err)
	}
	err = collectTaxpayers(rows, registry)
	rows.Close()
	if err != nil {
		return nil, nil, err
	}
	return apps, registry, nil
}

// batchCodes is the batch's application codes, in its order.
func batchCodes(batch []*vatDecisionRequest) []string {
	codes := make([]string, len(batch))
	for i, r := range batch {
		codes[i] = r.code
	}
	return codes
}

// rowScanner is a result of either driver, as the batch's reads use it.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// collectVATApplications reads rows of vatApplicationColumns into apps, by code (the
// caller closes rows).
func collectVATApplications(rows rowScanner, apps map[string]kabinet.VATApplication) error {
	for rows.Next() {
		a, err := scanVATApplication(rows)
		if err != nil {
			return fmt.Errorf("store: VAT application: %w", err)
		}
		apps[a.Code] = a
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: VAT applications: %w", err)
	}
	return nil
}

// collectTaxpayers reads rows of taxpayerColumns into registry, by ИНН (the caller
// closes rows).
func collectTaxpayers(rows rowScanner, registry map[string]kabinet.Taxpayer) error {
	for rows.Next() {
		t, err := scanTaxpayer(rows)
		if err != nil {
			return err
		}
		registry[t.INN] = t
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: taxpayers: %w", err)
	}
	return nil
}

// checkVATBatch checks each request of a batch as DecideVAT always checked one: the
// application exists, is the officer's office's (ACC-10: refused, audited later) and
// open, and kabinet.CheckVATDecision allows the decision on the registry as it is now.
// It fills the refused requests' results and returns the accepted ones, in order.
func checkVATBatch(now time.Time, batch []*vatDecisionRequest, apps map[string]kabinet.VATApplication,
	registry map[string]kabinet.Taxpayer, results []vatDecisionResult) []*vatDecided {
	var accepted []*vatDecided
	for i, r := range batch {
		a, ok := apps[r.code]
		if !ok {
			results[i].err = vatApplicationNotFound()
			continue
		}
		if err := kabinet.MayActOn(r.s.Staff, a.OfficeCode); err != nil {
			results[i].refused = err
			continue
		}
		if a.Status != kabinet.VATApplicationOpen {
			results[i].err = kabinet.Errorf(kabinet.KindConflict, "already_decided", "the application is already decided: %s",
				a.DecisionNumber).With("decision_number", a.DecisionNumber)
			continue
		}
		tp, ok := registry[a.INN]
		if !ok {
			// Gone from the registry: no active registration to assign to.
			tp = kabinet.Taxpayer{INN: a.INN, Status: kabinet.RegistrationLiquidated}
		}
		if err := kabinet.CheckVATDecision(tp, now, r.assign, r.ground, r.text); err != nil {
			results[i].err = err
			continue
		}
		accepted = append(accepted, &vatDecided{req: r, app: a, tp: tp})
	}
	return accepted
}

// numberVATDecisions takes the service-wide serialisation points for the accepted
// decisions, in the order every transaction takes them — the decision counter, then
// the national sequence (then, in writeVATDecisions, the audit head) — and gives each
// decision its number and each assignment its run of the sequence. When what is left
// of the sequence does not hold every assignment of the batch, they take their runs
// one by one in the batch's order and those that no longer fit are refused
// (series_exhausted), as one at a time they always were; the counter is set back by
// the decisions dropped, under its row lock, so no decision number is skipped.
func (tx *Tx) numberVATDecisions(ctx context.Context, accepted []*vatDecided, results []vatDecisionResult,
	batch []*vatDecisionRequest) ([]*vatDecided, error) {
	var last int64
	if err := tx.queryRowOften(ctx, decisionCounterAdd, len(accepted)).Scan(&last); err != nil {
		return nil, fmt.Errorf("store: decision numbers: %w", err)
	}
	if total := assigned(accepted); total > 0 {
		start, err := tx.allocateVAT(ctx, total)
		switch {
		case err == nil:
			spread(accepted, start)
		case kabinet.ErrorCode(err) == "series_exhausted":
			if accepted, last, err = oneByOne(accepted, last, results, batch,
				func(q int) (int64, error) { return tx.allocateVAT(ctx, q) },
				func(dropped int) error {
					_, err := tx.ExecContext(ctx, giveBackDecisionNumbers, dropped)
					return err
				}); err != nil {
				return nil, err
			}
		default:
			return nil, err
		}
	}
	return accepted, numberFrom(tx.db, tx.now, last, accepted)
}

// assigned is how many numbers the batch's assignments take from the sequence.
func assigned(accepted []*vatDecided) int {
	total := 0
	for _, d := range accepted {
		if d.req.assign {
			total += d.app.Quantity
		}
	}
	return total
}

// spread gives the assignments consecutive runs of the sequence from start, in order.
func spread(accepted []*vatDecided, start int64) {
	for _, d := range accepted {
		if d.req.assign {
			d.start, start = start, start+int64(d.app.Quantity)
		}
	}
}

// giveBackDecisionNumbers returns $1 numbers drawn for decisions a batch dropped; the
// counter's row lock is still held, so no number is skipped.
const giveBackDecisionNumbers = "UPDATE counters SET value = value - $1 WHERE name = 'decision'"

// oneByOne is a batch's assignments when what is left of the sequence does not hold
// them all: each takes its run in the batch's order (allocate), those that no longer
// fit are refused (series_exhausted) and the decision numbers drawn for them are given
// back (giveBack). It returns the decisions kept and the last number now drawn.
func oneByOne(accepted []*vatDecided, last int64, results []vatDecisionResult, batch []*vatDecisionRequest,
	allocate func(quantity int) (int64, error), giveBack func(dropped int) error) ([]*vatDecided, int64, error) {
	kept := accepted[:0]
	for _, d := range accepted {
		if d.req.assign {
			start, err := allocate(d.app.Quantity)
			if kabinet.ErrorCode(err) == "series_exhausted" {
				for i, r := range batch {
					if r == d.req {
						results[i].err = err
					}
				}
				continue
			}
			if err != nil {
				return nil, 0, err
			}
			d.start = start
		}
		kept = append(kept, d)
	}
	if dropped := len(accepted) - len(kept); dropped > 0 {
		if err := giveBack(dropped); err != nil {
			return nil, 0, fmt.Errorf("store: decision numbers: %w", err)
		}
		last -= int64(dropped)
	}
	return kept, last, nil
}

// numberFrom gives the accepted decisions the numbers up to last, in order, and
// prepares each.
func numberFrom(db *DB, now time.Time, last int64, accepted []*vatDecided) error {
	first := last - int64(len(accepted)) + 1
	for i, d := range accepted {
		if err := d.prepare(db, now, first+int64(i)); err != nil {
			return err
		}
	}
	return nil
}

// answer fills the accepted decisions' results.
func answer(batch []*vatDecisionRequest, accepted []*vatDecided, results []vatDecisionResult) {
	at := make(map[*vatDecisionRequest]int, len(batch))
	for i, r := range batch {
		at[r] = i
	}
	for _, d := range accepted {
		results[at[d.req]].d = d.decision()
	}
}

// prepare fills the decision numbered seq: what DecideVAT wrote for one decision.
func (d *vatDecided) prepare(db *DB, now time.Time, seq int64) error {
	r, a := d.req, d.app
	vc, err := ident.NewVerificationCode(db.rand)
	if err != nil {
		return err
	}
	d.dec = kabinet.Decision{Number: ident.FormatDecisionNumber(a.OfficeCode, kabinet.DateOf(now).Year, seq),
		OfficeCode: a.OfficeCode, Officer: officerName(r.s.Staff), DecidedAt: now, VerificationCode: vc,
		ApplicationCode: a.Code, Kind: kabinet.KindVAT, INN: a.INN, Name: a.Name}
	d.dec.OnTime = !kabinet.Late(a.DueAt, d.dec.DecidedAt)
	d.text = r.text
	if r.assign {
		d.dec.Outcome, d.status = kabinet.Assigned, string(kabinet.VATApplicationAssigned)
		d.ranges = kabinet.VATRangesFor(d.start, a.Quantity)
	} else {
		d.dec.Outcome, d.dec.Ground, d.status = kabinet.Refused, kabinet.Ground(r.ground), string(kabinet.VATApplicationRefused)
		if r.ground == kabinet.VATGroundFraud {
			d.dec.Reference = d.tp.FraudReference
		}
	}
	if r.ground != kabinet.VATGroundOther {
		d.text = ""
	}
	return nil
}

// decision is the answer to the officer.
func (d *vatDecided) decision() kabinet.VATDecision {
	v := kabinet.VATDecision{Number: d.dec.Number, ApplicationCode: d.app.Code, Outcome: d.dec.Outcome, Ground: d.req.ground,
		Text: d.text, INN: d.app.INN, Name: d.app.Name, OfficeCode: d.app.OfficeCode, Officer: d.dec.Officer,
		DecidedAt: d.dec.DecidedAt, Quantity: d.app.Quantity, Ranges: d.ranges, VerificationCode: d.dec.VerificationCode,
		OnTime: d.dec.OnTime}
	if d.req.assign {
		v.Ground = ""
	}
	return v
}

// notification is the subject's notice of the decision (its params).
func (d *vatDecided) notification() (string, error) {
	v := d.decision()
	return jsonString(map[string]any{"number": v.Number, "code": v.ApplicationCode, "outcome": v.Outcome,
		"ground": v.Ground, "ranges": vatRangeTexts(v.Ranges)})
}

// auditEntry is the decision's entry in the audit log.
func (d *vatDecided) auditEntry() auditEntry {
	v := d.decision()
	return auditEntry{who: d.req.s.actor(), action: "vat.decide", subject: d.app.Code,
		details: map[string]any{"inn": d.app.INN, "outcome": v.Outcome, "ground": v.Ground, "number": v.Number,
			"quantity": d.app.Quantity, "ranges": vatRangeTexts(v.Ranges), "on_time": v.OnTime}}
}

// writeVATDecisions writes the numbered decisions (SQLite; PostgreSQL pipelines the
// same writes as arrays, vat_batch_pg.go): the decisions, their ranges, the
// applications closed, the subjects' notifications and the audit entries, each row by
// a statement prepared once (prepared.go), which on SQLite costs less than parsing a
// statement shaped by the batch.
func (tx *Tx) writeVATDecisions(ctx context.Context, accepted []*vatDecided) error {
	entries := make([]auditEntry, 0, len(accepted))
	for _, d := range accepted {
		if err := tx.insertDecision(ctx, d.dec); err != nil {
			return err
		}
		pos := d.start
		for _, r := range d.ranges {
			if _, err := tx.execOften(ctx, insertVATRange, d.dec.Number, d.app.ID, d.app.INN, r.Series, r.From, r.To, pos); err != nil {
				return fmt.Errorf("store: insert VAT range %s: %w", r, err)
			}
			pos += int64(r.Quantity())
		}
		if _, err := tx.execOften(ctx, closeVATApplication, d.status, ms(d.dec.DecidedAt), d.req.s.Login, d.dec.Number,
			string(d.dec.Ground), d.text, d.app.ID); err != nil {
			return fmt.Errorf("store: close VAT application: %w", err)
		}
		params, err := d.notification()
		if err != nil {
			return err
		}
		if _, err := tx.execOften(ctx, insertNotification, d.app.INN, ms(tx.now), "vat_decision", params); err != nil {
			return fmt.Errorf("store: notify: %w", err)
		}
		entries = append(entries, d.auditEntry())
	}
	return tx.auditMany(ctx, entries)
}

const (
	insertVATRange = `INSERT INTO vat_ranges (decision_number, application_id, inn, series, from_no, to_no, start_pos)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`
	closeVATApplication = `UPDATE vat_applications SET status = $1, decided_at = $2, decided_by = $3, decision_number = $4,
	ground = $5, ground_text = $6 WHERE id = $7`
)

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"kabinet"
)

// decideVATPipelined is decideVAT on PostgreSQL: the same checks and writes, in the
// same transaction, pipelined into three round trips —
//
//	BEGIN; lock and read the applications; read their subjects  → check each
//	take the decision counter, the national sequence, the audit head  → number, chain
//	insert decisions, ranges, notifications, audit entries; close the applications; set the head; COMMIT
//
// The service-wide points are held from the second round trip to the commit: with one
// statement a round trip they were held across eleven, and every officer of the
// country waited behind them. Each statement's text is fixed whatever the batch's
// size (arrays), so the server plans it once per connection.
func (db *DB) decideVATPipelined(ctx context.Context, batch []*vatDecisionRequest) ([]vatDecisionResult, error) {
	var results []vatDecisionResult
	err := db.onPgxConn(ctx, "VAT decision", func(c *pgx.Conn) error {
		var err error
		results, err = db.pipelineVATDecisions(ctx, c, batch)
		return err
	})
	return results, Fault(err)
}

// The batch's statements on PostgreSQL, one text each whatever the batch's size.
const (
	vatApplicationsMany = "SELECT " + vatApplicationColumns + " FROM vat_applications WHERE code = ANY($1::text[]) ORDER BY id FOR UPDATE"
	vatTaxpayersMany    = "SELECT " + taxpayerColumns + " FROM taxpayers WHERE inn IN (SELECT inn FROM vat_applications WHERE code = ANY($1::text[]))"
	decisionCounterAdd  = "UPDATE counters SET value = value + $1 WHERE name = 'decision' RETURNING value"
	vatSequenceTake     = `UPDATE vat_sequence SET next_pos = next_pos + $1 WHERE id = 1 AND next_pos + $1 <= $2 RETURNING next_pos`
	vatDecisionsMany    = `INSERT INTO decisions (number, application_id, kind, outcome, ground, reference, inn, name,
		office_code, officer, decided_at, login, verification_code, on_time)
		SELECT u.number, (SELECT id FROM applications WHERE code = u.code), u.kind, u.outcome, u.ground, u.reference, u.inn,
		u.name, u.office_code, u.officer, $1::bigint, '', u.vc, u.on_time
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
		$10::text[], $11::text[], $12::text[], $13::boolean[])
		AS u(number, code, kind, outcome, ground, reference, inn, name, office_code, officer, vc, on_time)`
	vatRangesMany = `INSERT INTO vat_ranges (decision_number, application_id, inn, series, from_no, to_no, start_pos)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::int[], $7::bigint[])`
	vatCloseMany = `UPDATE vat_applications a SET status = u.status, decided_at = $1::bigint, decided_by = u.by,
		decision_number = u.number, ground = u.ground, ground_text = u.text
		FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(id, status, by, number, ground, text)
		WHERE a.id = u.id`
	notificationsMany = `INSERT INTO notifications (inn, at, kind, params)
		SELECT u.inn, $1::bigint, $2::text, u.params FROM unnest($3::text[], $4::text[]) AS u(inn, params)`
)

func (db *DB) pipelineVATDecisions(ctx context.Context, c *pgx.Conn, batch []*vatDecisionRequest) (_ []vatDecisionResult, err error) {
	now := db.clock.Now().UTC().Truncate(time.Millisecond) // as a Tx's now
	open := false
	defer rollbackUnless(ctx, c, &open, &err)
	codes := batchCodes(batch)

	// 1. The applications, locked, and their subjects in the registry.
	b := &pgx.Batch{}
	beginPipelined(b)
	b.Queue(vatApplicationsMany, codes)
	b.Queue(vatTaxpayersMany, codes)
	apps := map[string]kabinet.VATApplication{}
	registry := map[string]kabinet.Taxpayer{}
	err = sendBatch(ctx, c, b, func(br pgx.BatchResults) error {
		if err := begun(br, "VAT decisions", &open); err != nil {
			return err
		}
		rows, err := br.Query()
		if err != nil {
			return fmt.Errorf("store: VAT applications: %w", err)
		}
		err = collectVATApplications(rows, apps)
		rows.Close()
		if err != nil {
			return err
		}
		if rows, err = br.Query(); err != nil {
			return fmt.Errorf("store: taxpayers: %w", err)
		}
		err = collectTaxpayers(rows, registry)
		rows.Close()
		return err
	})
	if err != nil {
		return nil, err
	}
	results := make([]vatDecisionResult, len(batch))
	accepted := checkVATBatch(now, batch, apps, registry, results)
	if len(accepted) == 0 {
		_, err = c.Exec(ctx, "COMMIT")
		open = false
		return results, err
	}

	// 2. The service-wide points, in the order every transaction takes them.
	total := assigned(accepted)
	reserved := len(accepted)
	var last, start, head int64
	var prev string
	seqTaken := true
	b = &pgx.Batch{}
	b.Queue(decisionCounterAdd, reserved)
	if total > 0 {
		b.Queue(vatSequenceTake, total, kabinet.VATCapacity)
	}
	b.Queue(moveAuditHead, reserved)
	err = sendBatch(ctx, c, b, func(br pgx.BatchResults) error {
		if err := br.QueryRow().Scan(&last); err != nil {
			return fmt.Errorf("store: decision numbers: %w", err)
		}
		if total > 0 {
			var next int64
			err := br.QueryRow().Scan(&next)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				seqTaken = false // what is left does not hold the whole batch: one by one below
			case err != nil:
				return fmt.Errorf("store: allocate VAT numbers: %w", err)
			default:
				start = next - int64(total)
			}
		}
		if err := br.QueryRow().Scan(&head, &prev); err != nil {
			return fmt.Errorf("store: audit head: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if seqTaken {
		spread(accepted, start)
	} else {
		if accepted, last, err = oneByOne(accepted, last, results, batch,
			func(q int) (int64, error) {
				var next int64
				err := c.QueryRow(ctx, vatSequenceTake, q, kabinet.VATCapacity).Scan(&next)
				if errors.Is(err, pgx.ErrNoRows) {
					return 0, kabinet.ErrVATSeriesExhausted()
				}
				return next - int64(q), err
			},
			func(dropped int) error {
				_, err := c.Exec(ctx, giveBackDecisionNumbers, dropped)
				return err
			}); err != nil {
			return nil, err
		}
	}
	if err := numberFrom(db, now, last, accepted); err != nil {
		return nil, err
	}

	// 3. The writes and the commit.
	w, err := vatArrays(accepted, now)
	if err != nil {
		return nil, err
	}
	b = &pgx.Batch{}
	steps := []string{}
	if len(accepted) > 0 {
		entries := make([]auditEntry, len(accepted))
		for i, d := range accepted {
			entries[i] = d.auditEntry()
		}
		lastEntry := head - int64(reserved-len(entries))
		_, args, hash, err := auditInsert(db.dialect, entries, now, lastEntry, prev)
		if err != nil {
			return nil, err
		}
		b.Queue(vatDecisionsMany, w.decisions...)
		b.Queue(vatRangesMany, w.ranges...)
		b.Queue(vatCloseMany, w.close...)
		b.Queue(notificationsMany, w.notes...)
		b.Queue(insertAuditMany, auditArrays(args)...)
		b.Queue(setAuditHeadTo, lastEntry, hash)
		steps = append(steps, "insert VAT decisions", "insert VAT ranges", "close VAT applications", "notify", "audit insert", "audit head")
	} else {
		b.Queue(setAuditHeadTo, head-int64(reserved), prev) // none left: the head goes back
		steps = append(steps, "audit head")
	}
	b.Queue("COMMIT")
	steps = append(steps, "commit")
	err = sendBatch(ctx, c, b, func(br pgx.BatchResults) error {
		for _, what := range steps {
			if _, err := br.Exec(); err != nil {
				return fmt.Errorf("store: VAT decisions: %s: %w", what, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	open = false
	answer(batch, accepted, results)
	return results, nil
}

// sendBatch sends b and reads its results with read, then closes them.
func sendBatch(ctx context.Context, c *pgx.Conn, b *pgx.Batch, read func(pgx.BatchResults) error) error {
	br := c.SendBatch(ctx, b)
	err := read(br)
	if cerr := br.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("store: %w", cerr)
	}
	return err
}

// vatColumns are a batch's writes as one array per column, for the statements above.
type vatColumns struct {
	decisions, ranges, close, notes []any
}

func vatArrays(accepted []*vatDecided, now time.Time) (vatColumns, error) {
	n := len(accepted)
	dec := make([][]string, 11)
	for i := range dec {
		dec[i] = make([]string, 0, n)
	}
	onTime := make([]bool, 0, n)
	var rNumber, rINN, rSeries []string
	var rApp, rStart []int64
	var rFrom, rTo []int32
	cID := make([]int64, 0, n)
	cText := make([][]string, 5)
	var nINN, nParams []string
	for _, d := range accepted {
		x := d.dec
		for i, v := range []string{x.Number, x.ApplicationCode, string(x.Kind), string(x.Outcome), string(x.Ground), x.Reference,
			x.INN, x.Name, x.OfficeCode, x.Officer, x.VerificationCode} {
			dec[i] = append(dec[i], v)
		}
		onTime = append(onTime, x.OnTime)
		pos := d.start
		for _, r := range d.ranges {
			rNumber, rApp, rINN, rSeries = append(rNumber, x.Number), append(rApp, d.app.ID), append(rINN, d.app.INN), append(rSeries, r.Series)
			rFrom, rTo, rStart = append(rFrom, int32(r.From)), append(rTo, int32(r.To)), append(rStart, pos)
			pos += int64(r.Quantity())
		}
		cID = append(cID, d.app.ID)
		for i, v := range []string{d.status, d.req.s.Login, x.Number, string(x.Ground), d.text} {
			cText[i] = append(cText[i], v)
		}
		params, err := d.notification()
		if err != nil {
			return vatColumns{}, err
		}
		nINN, nParams = append(nINN, d.app.INN), append(nParams, params)
	}
	var w vatColumns
	w.decisions = []any{ms(now)}
	for _, col := range dec {
		w.decisions = append(w.decisions, col)
	}
	w.decisions = append(w.decisions, onTime)
	w.ranges = []any{rNumber, rApp, rINN, rSeries, rFrom, rTo, rStart}
	w.close = []any{ms(now), cID}
	for _, col := range cText {
		w.close = append(w.close, col)
	}
	w.notes = []any{ms(now), "vat_decision", nINN, nParams}
	return w, nil
}

package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"kabinet"
	"kabinet/demo"
	"kabinet/store"
)

// The office's filing list at scale (FIL-9): its p99 with --rows filings in the
// database beside its p99 with 10,000. The filings are seeded straight into the
// database in multi-row INSERTs, not through the API: a million reports through the
// password confirmation would take hours of hashing.

// seedPeriods are the (form, period) pairs each seeded subject has filed: three
// quarters of STI-091 and five months of STI-161, each a first report.
var seedPeriods = []struct{ form, period, due string }{
	{"STI-091", "2026-Q1", "2026-04-20"}, {"STI-091", "2026-Q2", "2026-07-20"}, {"STI-091", "2026-Q3", "2026-10-20"},
	{"STI-161", "2026-01", "2026-02-20"}, {"STI-161", "2026-02", "2026-03-20"}, {"STI-161", "2026-03", "2026-04-20"},
	{"STI-161", "2026-04", "2026-05-20"}, {"STI-161", "2026-05", "2026-06-20"},
}

// listOffice is the office whose officers' list is measured.
const listOffice = "038"

// officeFilters are the lists an officer asks for, in turn: the office's newest
// filings, one form's period, and one form's late filings (FIL-9).
func officeFilters() []store.OfficeFilingFilter {
	late := true
	return []store.OfficeFilingFilter{
		{Office: listOffice},
		{Office: listOffice, Form: "STI-091", Period: "2026-Q2"},
		{Office: listOffice, Form: "STI-161", Late: &late},
	}
}

// scenarioFilingScale seeds filings up to 10,000 (or a tenth of --rows), measures the
// office's list, seeds up to --rows and measures again.
func (b *bench) scenarioFilingScale(ctx context.Context) error {
	if err := b.ensureSupervisor(ctx); err != nil {
		return err
	}
	small := min(10_000, b.cfg.rows/10)
	base := b.allocRows(b.cfg.rows/len(seedPeriods) + 1)
	fig := &filingScaleFigures{}
	t0 := time.Now()
	if err := b.seedFilings(ctx, base, 0, small, fig); err != nil {
		return err
	}
	n, err := b.countFilings(ctx)
	if err != nil {
		return err
	}
	fig.SmallFilings = n
	fig.Small, fig.SmallByFilter = b.officeLists(ctx, fmt.Sprintf("filing list, %d filings", n))
	t1 := time.Now()
	if err := b.seedFilings(ctx, base, small, b.cfg.rows, fig); err != nil {
		return err
	}
	fig.SeedSeconds = round2(time.Since(t1).Seconds() + t1.Sub(t0).Seconds())
	fig.Seeded = int64(b.cfg.rows)
	if fig.LargeFilings, err = b.countFilings(ctx); err != nil {
		return err
	}
	fig.SeedPerSecond = round1(float64(fig.Seeded) / max(fig.SeedSeconds, 1e-9))
	fig.Large, fig.LargeByFilter = b.officeLists(ctx, fmt.Sprintf("filing list, %d filings", fig.LargeFilings))
	if fig.Small.P99MS > 0 {
		fig.Ratio = round2(fig.Large.P99MS / fig.Small.P99MS)
	}
	b.rep.FilingScale = fig
	return nil
}

func (b *bench) countFilings(ctx context.Context) (int64, error) {
	var n int64
	if err := b.db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM filings").Scan(&n); err != nil {
		return 0, fmt.Errorf("bench: count filings: %w", err)
	}
	return n, nil
}

// officeLists lists the office's filings through the store (db.OfficeFilings, audited
// as the page and the API do) with --clients clients, the filters in turn; beside the
// whole, each filter's p99, so a slow list names its filter.
func (b *bench) officeLists(ctx context.Context, label string) (rateFigures, []filterFigures) {
	filters := officeFilters()
	var mu sync.Mutex
	lat := make([][]time.Duration, len(filters))
	res := b.run(ctx, loadSpec{label: label, clients: b.cfg.clients, duration: b.duration(), requests: b.cfg.requests,
		do: func(ctx context.Context, _ int, seq int64) (int, error) {
			k := int(seq) % len(filters)
			t0 := time.Now()
			list, err := b.db.OfficeFilings(ctx, b.supervisor, filters[k])
			d := time.Since(t0)
			if err != nil {
				return http.StatusInternalServerError, err
			}
			mu.Lock()
			lat[k] = append(lat[k], d)
			mu.Unlock()
			if len(list) == 0 {
				return http.StatusNotFound, nil // an empty page measures nothing: the seed is wrong
			}
			return http.StatusOK, nil
		}})
	out := make([]filterFigures, len(filters))
	for k, f := range filters {
		slices.Sort(lat[k])
		out[k] = filterFigures{Filter: describeFilter(f), Lists: len(lat[k]), P50MS: quantileMS(lat[k], 0.5), P99MS: quantileMS(lat[k], 0.99)}
	}
	return figuresOf(res), out
}

// describeFilter names a filter as the API's query would: "office=038 form=STI-091".
func describeFilter(f store.OfficeFilingFilter) string {
	parts := []string{"office=" + f.Office}
	if f.Form != "" {
		parts = append(parts, "form="+f.Form)
	}
	if f.Period != "" {
		parts = append(parts, "period="+f.Period)
	}
	if f.Late != nil {
		parts = append(parts, fmt.Sprintf("late=%t", *f.Late))
	}
	return strings.Join(parts, " ")
}

// checkpointSeed copies SQLite's log into the database after each seeding
// transaction and empties it, as the service's checkpointer keeps up with filings
// that arrive one by one (store/checkpoint.go): without it the million seeded filings
// left a log of 1.8–2.3 GB that the measurement at a million read through. PostgreSQL
// needs nothing.
func (b *bench) checkpointSeed(ctx context.Context, fig *filingScaleFigures) error {
	if b.db.Engine() != "sqlite" {
		return nil
	}
	left, err := b.db.EmptyLog(ctx)
	switch {
	case errors.Is(err, store.ErrLogBusy):
		fig.SeedCheckpointsBusy++
	case err != nil:
		return fmt.Errorf("bench: checkpoint the seeded filings: %w", err)
	}
	fig.SeedCheckpoints++
	fig.SeedLogLeft = left
	return nil
}

// placeholders returns n statement parameters after the first p: "$p+1"… on
// PostgreSQL, "?" on SQLite, whose parser looks each numbered parameter up in a list
// of those before it (a multi-row INSERT of 5,200 "$n" spent half the seeding's CPU
// there; the store's importer writes "?" too, dialect.param).
func (b *bench) placeholders(p, n int) []any {
	out := make([]any, n)
	for i := range out {
		if b.db.Engine() == "sqlite" {
			out[i] = "?"
		} else {
			out[i] = "$" + strconv.Itoa(p+i+1)
		}
	}
	return out
}

// seedFilings writes filings lo..hi-1 of the seed: filing i is subject base+i/8's
// report of seedPeriods[i%8], spread over the bench's offices, one in seven late. The
// registration numbers are taken from the service's counter, so later real filings
// never meet them.
func (b *bench) seedFilings(ctx context.Context, base, lo, hi int, fig *filingScaleFigures) error {
	if hi <= lo {
		return nil
	}
	const batch, perTx = 400, 50_000
	q := b.db.SQL()
	var last int64
	if err := q.QueryRowContext(ctx, "UPDATE counters SET value = value + $1 WHERE name = 'filing' RETURNING value", int64(hi-lo)).Scan(&last); err != nil {
		return fmt.Errorf("bench: reserve filing numbers: %w", err)
	}
	first := last - int64(hi-lo) + 1
	year := kabinet.DateOf(time.Now()).Year
	start := time.Now()
	stop := b.progressLine(func() string {
		return fmt.Sprintf("%-30s %6.1f s", fmt.Sprintf("seeding filings %d…%d", lo, hi), time.Since(start).Seconds())
	})
	defer stop()
	var tx *sql.Tx
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
	}()
	received := time.Date(2026, 1, 5, 9, 0, 0, 0, kabinet.Bishkek)
	for i := lo; i < hi; {
		if tx == nil {
			var err error
			if tx, err = q.BeginTx(ctx, nil); err != nil {
				return err
			}
		}
		end := min(hi, i+batch)
		var sb strings.Builder
		sb.WriteString(`INSERT INTO filings (number, inn, office_code, form_code, form_version, period, type, status, received_at,
			due_date, late, accepted_on, digest, verification_code, content, login) VALUES `)
		args := make([]any, 0, 16*(end-i))
		for j := i; j < end; j++ {
			subject := base + j/len(seedPeriods)
			sp := seedPeriods[j%len(seedPeriods)]
			version := 8
			if sp.form == "STI-161" {
				version = 6
			}
			inn := demo.GeneratedINN(subject)
			content := fmt.Sprintf(`{"form":%q,"version":%d,"type":"initial","period":%q,"cells":{"102":%q},"tables":{}}`, sp.form, version, sp.period, inn)
			sum := sha256.Sum256([]byte(content))
			at := received.Add(time.Duration(j%300_000) * time.Minute)
			if j > i {
				sb.WriteString(", ")
			}
			ph := b.placeholders(len(args), 13)
			fmt.Fprintf(&sb, "(%s, %s, %s, %s, %s, %s, 'initial', 'current', %s, %s, %s, %s, %s, %s, %s, 'bench-seed')", ph...)
			args = append(args, kabinet.FormatFilingNumber(year, first+int64(j-lo)), inn, benchOffices[subject%len(benchOffices)],
				sp.form, version, sp.period, at.UnixMilli(), sp.due, j%7 == 0, kabinet.DateOf(at).ISO(), hex.EncodeToString(sum[:]),
				fmt.Sprintf("S%07d", j%10_000_000), content)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("bench: seed filings: %w", err)
		}
		if (end-lo)%perTx == 0 || end == hi {
			if err := tx.Commit(); err != nil {
				return fmt.Errorf("bench: seed filings: %w", err)
			}
			tx = nil
			if err := b.checkpointSeed(ctx, fig); err != nil {
				return err
			}
		}
		i = end
	}
	return nil
}

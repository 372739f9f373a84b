package bench

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"kabinet"
	"kabinet/demo"
	"kabinet/ident"
	"kabinet/store"
)

// VAT invoice numbers (VAT-7): assignments per second by 64 officers at once (on two
// PostgreSQL instances), through POST /api/v1/office/vat/applications/{code}/decision, then every
// range in the database checked against the national sequence (VAT-4).

const vatOfficers = 64

// scenarioVAT prepares open applications of VAT payers, signs 64 officers in (each of
// an office of its own among the bench's offices, on one of the instances) and lets
// each assign its office's applications one after another.
//
// On SQLite the officers share one instance: SQLite is run as one instance only
// (README, «Running several instances»), and two processes on one SQLite file take
// its write lock in turns through SQLite's sleep-and-retry, which measures that wait,
// not the service (1,700 assignments/s against 2,600 on one instance, issue 13).
// That two instances never overlap nor skip a number on SQLite either stays tested
// (store's TestVATConcurrentAssignments).
func (b *bench) scenarioVAT(ctx context.Context) error {
	bases := []string{b.base}
	if b.db.Engine() != "sqlite" {
		second, err := b.secondInstance(ctx)
		if err != nil {
			return err
		}
		defer second.stop()
		bases = append(bases, second.base)
	}

	// Enough applications for the run with room to spare; bounded by --requests.
	// (1,500 a second ran out at 1,800 assignments/s once decisions were batched.)
	k := int(min(int64(min(max(2000, int(4000*b.cfg.seconds)), 120_000)), b.cfg.requests))
	byOffice, quantities, err := b.vatApplications(ctx, k)
	if err != nil {
		return err
	}
	tag := make([]byte, 4)
	crand.Read(tag)
	run := hex.EncodeToString(tag)
	pw := "Kb!9" + run + hex.EncodeToString(tag) + "x"
	logins := make([]string, vatOfficers)
	offices := make([]string, vatOfficers)
	for i := range logins {
		offices[i] = benchOffices[i%len(benchOffices)]
		logins[i] = fmt.Sprintf("bench-vat-%s-%02d", run, i)
		b.status("creating %d officers: %d", vatOfficers, i+1)
		if _, err := b.db.CreateStaff(ctx, benchActor, store.NewStaff{Login: logins[i], Name: "kabinet bench officer " + offices[i],
			Role: kabinet.RoleOfficer, OfficeCode: offices[i], Password: pw}); err != nil {
			return fmt.Errorf("bench: create officer %s: %w", logins[i], err)
		}
	}
	cookies := make([]string, vatOfficers)
	for i := range cookies {
		b.status("signing %d officers in: %d", vatOfficers, i+1)
		c := httpClient(1, nil)
		cookies[i], err = signIn(ctx, c, bases[i%len(bases)], logins[i], pw, true)
		closeClient(c)
		if err != nil {
			return err
		}
	}
	b.clearStatus()
	next := map[string]*atomic.Int64{}
	for o := range byOffice {
		next[o] = new(atomic.Int64)
	}
	cs := b.clients(vatOfficers)
	defer closeClients(cs)
	assign := []byte(`{"outcome":"assigned"}`)
	var firstRefusal atomic.Value
	var decided atomic.Int64
	lcs := b.clients(vatOfficers)
	defer closeClients(lcs)
	res, look := b.alternate(ctx, loadSpec{label: fmt.Sprintf("vat: %d officers, %d instances", vatOfficers, len(bases)), clients: vatOfficers, duration: b.duration(),
		requests: b.cfg.requests, do: func(ctx context.Context, client int, _ int64) (int, error) {
			o := offices[client]
			j := next[o].Add(1) - 1
			if j >= int64(len(byOffice[o])) {
				return 0, errExhausted
			}
			st, _, body, err := send2(ctx, cs[client], http.MethodPost, bases[client%len(bases)]+"/api/v1/office/vat/applications/"+byOffice[o][j]+"/decision",
				assign, map[string]string{"Cookie": cookies[client]})
			if err == nil && st != http.StatusCreated {
				firstRefusal.CompareAndSwap(nil, fmt.Sprintf("%d %.200s", st, body))
			}
			if st == http.StatusCreated {
				decided.Add(1)
			}
			return st, err
		}}, b.lookupSpec(fmt.Sprintf("vat: look-ups beside, %d clients", vatOfficers), lookupBodies(b.lookupINN), lcs))
	b.saw(res, false)
	b.saw(look, false)
	fig := &vatFigures{rateFigures: figuresOf(res), Prepared: k, Instances: len(bases)}
	if v, ok := firstRefusal.Load().(string); ok {
		fig.FirstRefusal = v
	}
	// Judged against look-ups by as many clients as officers, measured in turns with the
	// assignments (alternate), not at the look-up scenario's best level (256 clients)
	// minutes before: like with like, side by side.
	fig.LookupPerSecond, fig.LookupClients = round1(look.rate()), vatOfficers
	fig.Ratio = ratio(res.rate(), look.rate())
	if err := b.checkVATRanges(ctx, fig, quantities); err != nil {
		return err
	}
	b.rep.VAT = fig
	return nil
}

// vatApplications loads k VAT payers into the registry and writes one open application
// for each straight into the database (the cabinet's applications cost a password
// hash each, which is not what this scenario measures), with the columns and code
// ApplyVAT writes. It returns the codes by office, and each code's quantity.
func (b *bench) vatApplications(ctx context.Context, k int) (map[string][]string, map[string]int, error) {
	lo := b.allocRows(k)
	b.status("loading %d VAT payers into the registry…", k)
	if err := b.loadSubjects(ctx, lo, lo+k, subjectRows{kind: "entrepreneur", vatOn: "2020-01-01"}, "bench-vat"); err != nil {
		return nil, nil, err
	}
	pol, err := b.db.Policy(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	due := kabinet.VATDecisionDue(now, pol)
	r := mrand.New(mrand.NewPCG(uint64(lo), 7))
	byOffice := map[string][]string{}
	quantities := make(map[string]int, k)
	const batch = 500
	tx, err := b.db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	for start := 0; start < k; start += batch {
		n := min(batch, k-start)
		var sb strings.Builder
		sb.WriteString("INSERT INTO vat_applications (code, inn, name, office_code, quantity, status, submitted_at, due_at) VALUES ")
		args := make([]any, 0, 8*n)
		for i := start; i < start+n; i++ {
			code, err := ident.NewApplicationCode(crand.Reader)
			if err != nil {
				return nil, nil, err
			}
			row := lo + i
			// The policy's whole range of quantities, so assignments cross series ends.
			q := 1 + r.IntN(pol.VATMaxQuantity)
			office := benchOffices[row%len(benchOffices)]
			if i > start {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "(%s, %s, %s, %s, %s, 'open', %s, %s)", b.placeholders(len(args), 7)...)
			args = append(args, code, demo.GeneratedINN(row), benchNames[row%len(benchNames)], office, q, now.UnixMilli(), due.UnixMilli())
			byOffice[office] = append(byOffice[office], code)
			quantities[code] = q
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return nil, nil, fmt.Errorf("bench: insert VAT applications: %w", err)
		}
		b.status("preparing VAT applications: %d of %d", start+n, k)
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	b.clearStatus()
	return byOffice, quantities, nil
}

// checkVATRanges reads every assigned range and checks it against the national
// sequence: each range is what VATRangesFor names for its start, the ranges in order
// of position follow one another without overlap or gap up to the sequence's next
// position, and every application this run assigned holds exactly its quantity.
func (b *bench) checkVATRanges(ctx context.Context, fig *vatFigures, quantities map[string]int) error {
	q := b.db.SQL()
	rows, err := q.QueryContext(ctx, `SELECT r.series, r.from_no, r.to_no, r.start_pos, a.code FROM vat_ranges r
		JOIN vat_applications a ON a.id = r.application_id ORDER BY r.start_pos`)
	if err != nil {
		return fmt.Errorf("bench: read VAT ranges: %w", err)
	}
	defer rows.Close()
	var pos int64 = -1
	held := map[string]int{}
	note := func(format string, args ...any) {
		if len(fig.RangeProblems) < 5 {
			fig.RangeProblems = append(fig.RangeProblems, fmt.Sprintf(format, args...))
		}
	}
	for rows.Next() {
		var series, code string
		var from, to int
		var start int64
		if err := rows.Scan(&series, &from, &to, &start, &code); err != nil {
			return fmt.Errorf("bench: read VAT ranges: %w", err)
		}
		fig.Ranges++
		n := to - from + 1
		if want := kabinet.VATRangesFor(start, n); n < 1 || len(want) != 1 || want[0] != (kabinet.VATRange{Series: series, From: from, To: to}) {
			fig.Misplaced++
			note("%s %d–%d does not lie at position %d", series, from, to, start)
		}
		switch {
		case pos < 0:
			fig.FirstPosition = start
		case start < pos:
			fig.Overlaps++
			note("%s %d–%d starts at %d, before the previous range's end %d", series, from, to, start, pos)
		case start > pos:
			fig.Gaps++
			note("%d numbers missing before %s %d", start-pos, series, from)
		}
		pos = max(pos, start+int64(n))
		held[code] += n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var next int64
	if err := q.QueryRowContext(ctx, "SELECT next_pos FROM vat_sequence WHERE id = 1").Scan(&next); err != nil {
		return fmt.Errorf("bench: read the VAT sequence: %w", err)
	}
	if fig.Ranges > 0 && pos != next {
		fig.Gaps++
		note("the ranges end at position %d, the sequence at %d", pos, next)
	}
	fig.Numbers = next - max(fig.FirstPosition, 0)
	for code, want := range quantities {
		got, ok := held[code]
		switch {
		case ok && got == want:
			fig.Assigned++
		case ok:
			fig.WrongQuantity++
			note("application %s: %d numbers for %d asked", code, got, want)
		}
	}
	if fig.Assigned+fig.WrongQuantity != fig.OK {
		note("%d applications hold ranges, %d assignments answered 201", fig.Assigned+fig.WrongQuantity, fig.OK)
		fig.WrongQuantity += abs64(fig.OK - fig.Assigned - fig.WrongQuantity)
	}
	return nil
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

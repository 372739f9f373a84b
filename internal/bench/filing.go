package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"kabinet/demo"
	"kabinet/form"
)

// Filing tax reports (FIL-10): reports accepted per second through the real
// POST /api/v1/filings, the input control of a large STI-161 apart, and the race of
// first reports on two instances (FIL-5).

// filingForm is the report the filing scenarios send: STI-091, quarterly, one cell of
// revenue and its rate.
const filingForm = "STI-091"

// openPeriods are the periods of code, in the version in force for each, that have
// ended by now (SPEC: a period not yet ended is 422 period_not_open), oldest first, at
// most max.
func openPeriods(code string, max int) ([]string, error) {
	cat, err := form.Embedded()
	if err != nil {
		return nil, err
	}
	var first *form.Definition
	for _, d := range cat.List() {
		if d.Code == code && (first == nil || d.Version < first.Version) {
			first = d
		}
	}
	if first == nil {
		return nil, fmt.Errorf("bench: no form %s in the catalogue", code)
	}
	p, err := form.ParsePeriod(first.PeriodKind, first.ValidFrom)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var out []string
	for ; p.Ended(now) && len(out) < max; p = p.Next() {
		out = append(out, p.String())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: no period of %s has ended yet", code)
	}
	return out, nil
}

// filingBody is one first report of STI-091 as the API takes it.
func filingBody(period string, revenue int) []byte {
	in := demo.STI091(form.Initial, period, revenue)
	return jsonBody(map[string]any{"form": in.Form, "period": in.Period, "type": in.Type, "cells": in.Cells, "password": benchPassword})
}

// idempotencyKey is a fresh Idempotency-Key.
func idempotencyKey() string {
	p := make([]byte, 16)
	rand.Read(p)
	return hex.EncodeToString(p)
}

// filers loads n entrepreneurs who must file STI-091 and STI-161, gives each an
// account and signs each in once at base: it returns their ИНН and session cookies.
func (b *bench) filers(ctx context.Context, what string, n int, addrNet byte, base string) ([]string, []string, error) {
	lo := b.allocRows(n)
	b.status("loading %d registry rows of entrepreneurs for %s…", n, what)
	if err := b.loadSubjects(ctx, lo, lo+n, subjectRows{kind: "entrepreneur", reports: "STI-091 STI-161"}, "bench-"+what); err != nil {
		return nil, nil, err
	}
	inns := make([]string, n)
	for i := range inns {
		inns[i] = demo.GeneratedINN(lo + i)
	}
	logins, _, err := b.grantAll(ctx, what, inns, addrNet)
	if err != nil {
		return nil, nil, err
	}
	b.status("signing in %d accounts for %s…", n, what)
	cookies, err := b.signInAll(ctx, base, logins, benchPassword, false)
	b.clearStatus()
	return inns, cookies, err
}

// scenarioFiling: STI-091 first reports accepted per second at 64 clients, each
// through the password confirmation, input control, receipt and audit; then, apart,
// the input control of an STI-161 with 500 employee rows.
func (b *bench) scenarioFiling(ctx context.Context) error {
	const clients = 64
	fig := &filingFigures{}
	ic, err := inputControl500()
	if err != nil {
		return err
	}
	fig.InputControl = ic

	periods, err := openPeriods(filingForm, 40)
	if err != nil {
		return err
	}
	// Each report the first of its subject and period: enough (subject, period) slots for
	// the run at the hash rate (one hash each), with room to spare (the rate drifts on a
	// shared machine: 1.3 times ran out once); bounded by --requests.
	need := int(math.Ceil(b.hashRate()*b.cfg.seconds*2)) + 2*clients
	need = int(min(int64(need), b.cfg.requests))
	accounts := min(max(clients, (need+len(periods)-1)/len(periods)), 5000)
	inns, cookies, err := b.filers(ctx, "filing", accounts, 3, b.base)
	if err != nil {
		return err
	}
	slots := accounts * len(periods)
	bodies := make([][]byte, slots)
	for j := range bodies {
		// Slot j is account j % accounts: concurrent clients confirm different accounts.
		bodies[j] = filingBody(periods[j/accounts], 100_000+j)
	}
	cs := b.clients(clients)
	defer closeClients(cs)
	var next atomic.Int64
	var firstRefusal atomic.Value
	res, hashed := b.besideHash(ctx, loadSpec{label: fmt.Sprintf("filing: %d clients", clients), clients: clients, duration: b.duration(), requests: b.cfg.requests,
		do: func(ctx context.Context, client int, _ int64) (int, error) {
			j := next.Add(1) - 1
			if j >= int64(slots) {
				return 0, errExhausted
			}
			st, _, body, err := send2(ctx, cs[client], http.MethodPost, b.base+"/api/v1/filings", bodies[j],
				map[string]string{"Cookie": cookies[j%int64(accounts)], "Idempotency-Key": idempotencyKey()})
			if err == nil && st != http.StatusCreated {
				firstRefusal.CompareAndSwap(nil, fmt.Sprintf("%d %.200s", st, body))
			}
			return st, err
		}})
	b.saw(res, false)
	fig.rateFigures = figuresOf(res)
	fig.Accounts, fig.Periods, fig.Slots, fig.HashBeside, fig.Ratio = len(inns), len(periods), slots, round1(hashed), ratio(res.rate(), hashed)
	if v, ok := firstRefusal.Load().(string); ok {
		fig.FirstRefusal = v
	}
	b.rep.Filing = fig
	return nil
}

// inputControl500 times form.Check of an STI-161 with 500 employee rows: the best of
// several runs, since the machine is shared and a slow run measures the neighbours.
func inputControl500() (*inputControlFigures, error) {
	const rows, runs = 500, 20
	cat, err := form.Embedded()
	if err != nil {
		return nil, err
	}
	in := demo.STI161(form.Initial, "2026-01", rows)
	p, err := form.ParseAnyPeriod(in.Period)
	if err != nil {
		return nil, err
	}
	d, err := cat.InForce(in.Form, p)
	if err != nil {
		return nil, err
	}
	fctx := form.Context{Registry: map[string]string{form.RegistryINN: demo.GeneratedINN(1), form.RegistryName: benchNames[0], form.RegistryOffice: "001"}}
	res, errs := form.Check(d, in, fctx) // warm: the definition's program compiled, code paged in
	if len(errs) > 0 {
		return nil, fmt.Errorf("bench: the 500-row STI-161 fails input control: %d errors, the first %+v", len(errs), errs[0])
	}
	if n := len(res.Tables["employees"]); n != rows {
		return nil, fmt.Errorf("bench: input control kept %d of %d employee rows", n, rows)
	}
	times := make([]time.Duration, runs)
	for i := range times {
		t0 := time.Now()
		_, errs = form.Check(d, in, fctx)
		times[i] = time.Since(t0)
		if len(errs) > 0 {
			return nil, fmt.Errorf("bench: input control failed on run %d", i)
		}
	}
	slices.Sort(times)
	return &inputControlFigures{Form: d.ID(), Rows: rows, Runs: runs, BestMS: quantileMS(times, 0), MedianMS: quantileMS(times, 0.5)}, nil
}

// raceRequests and racePairs: BENCH.md's filing-race, 200 first reports for 20
// (subject, period) pairs at once.
const (
	raceRequests = 200
	racePairs    = 20
)

// scenarioFilingRace: two instances on one database; 200 first reports for 20
// (subject, period) pairs released at once, ten for each pair, half to each instance,
// each with an Idempotency-Key of its own. Exactly one per pair may be accepted, the
// rest answer 409 already_filed, and none 5xx (FIL-5). A 503 (the hashing slots busy,
// with Retry-After) is a clean refusal: the client waits and sends the same request
// again, as a client should; those refusals are counted apart.
func (b *bench) scenarioFilingRace(ctx context.Context) error {
	second, err := b.secondInstance(ctx)
	if err != nil {
		return err
	}
	defer second.stop()
	bases := []string{b.base, second.base}
	periods, err := openPeriods(filingForm, 40)
	if err != nil {
		return err
	}
	period := periods[len(periods)-1]
	inns, cookies, err := b.filers(ctx, "filing-race", racePairs, 4, b.base)
	if err != nil {
		return err
	}
	cs := b.clients(raceRequests)
	defer closeClients(cs)
	type answer struct {
		status   int
		code     string
		refusals int // 503s waited out
		err      error
	}
	answers := make([]answer, raceRequests)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range raceRequests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pair := i % racePairs
			body := filingBody(period, 200_000+i) // ten different reports for each pair
			hdr := map[string]string{"Cookie": cookies[pair], "Idempotency-Key": idempotencyKey()}
			<-start
			a := &answers[i]
			for attempt := 0; attempt < 20 && ctx.Err() == nil; attempt++ {
				st, h, resp, err := send2(ctx, cs[i], http.MethodPost, bases[i%2]+"/api/v1/filings", body, hdr)
				a.status, a.code, a.err = st, apiError(resp), err
				if err != nil || st != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
					return
				}
				a.refusals++
				select {
				case <-ctx.Done():
				case <-time.After(retryAfter(h)):
				}
			}
		}()
	}
	t0 := time.Now()
	b.status("filing-race: %d first reports for %d pairs on 2 instances…", raceRequests, racePairs)
	close(start)
	wg.Wait()
	b.clearStatus()
	fig := &raceFigures{Requests: raceRequests, Pairs: racePairs, Instances: len(bases), Period: period, Seconds: round2(time.Since(t0).Seconds()),
		Other: map[string]int64{}}
	for _, a := range answers {
		fig.Refused503 += int64(a.refusals)
		switch {
		case a.err != nil:
			fig.Other["error"]++
			if fig.FirstErr == "" {
				fig.FirstErr = a.err.Error()
			}
		case a.status == http.StatusCreated:
			fig.Accepted++
		case a.status == http.StatusConflict && a.code == "already_filed":
			fig.AlreadyFiled++
		default:
			fig.Other[fmt.Sprintf("%d %s", a.status, a.code)]++
		}
		if a.status >= 500 {
			fig.Status5xx++
			b.serverErrs = true
		}
	}
	// What the database holds: one filing per pair.
	q := b.db.SQL()
	for _, inn := range inns {
		var n int64
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM filings WHERE inn = $1 AND form_code = $2 AND period = $3",
			inn, filingForm, period).Scan(&n); err != nil {
			return fmt.Errorf("bench: count filings: %w", err)
		}
		fig.Stored += n
		if n == 1 {
			fig.PairsWithOne++
		}
	}
	b.rep.FilingRace = fig
	return nil
}

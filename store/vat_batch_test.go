package store_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// decisionSeq is the service-wide sequence number a decision number ends with.
func decisionSeq(t *testing.T, number string) int {
	t.Helper()
	n, err := strconv.Atoi(number[strings.LastIndexByte(number, '-')+1:])
	if err != nil {
		t.Fatalf("decision number %q: %v", number, err)
	}
	return n
}

// Decisions that arrive together are committed in one transaction (vat_batch.go), and
// each still gets the answer it would get alone: a refusal of one never fails another.
func TestVATDecisionsTogether(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newVATWorld(t, url)
		ctx := context.Background()
		const legalINN, entINN = "01503201010123", "20107198200456"
		legal, ent := w.session(t, legalINN), w.session(t, entINN)
		older := w.apply(t, legal, 5)
		first, err := w.db.DecideVAT(ctx, w.naryn, older.Code, true, "", "")
		if err != nil {
			t.Fatal(err)
		}
		a, b := w.apply(t, legal, 10), w.apply(t, ent, 20)
		ds, errs := w.db.DecideVATTogether([]store.VATDecisionAsked{
			{Staff: w.naryn, Code: a.Code, Assign: true},                                         // 0: assigned
			{Staff: w.bishkek, Code: b.Code, Assign: true},                                       // 1: another office's
			{Staff: w.central, Code: b.Code, Ground: kabinet.VATGroundOther, Text: "нет печати"}, // 2: refused by the supervisor
			{Staff: w.naryn, Code: a.Code, Assign: true},                                         // 3: decided by 0
			{Staff: w.naryn, Code: "ABCD-EFGH-JKMN"},                                             // 4: no such application
			{Staff: w.naryn, Code: older.Code, Assign: true},                                     // 5: decided before
		})
		if errs[0] != nil || ds[0].Outcome != kabinet.Assigned || !reflect.DeepEqual(ds[0].Ranges, []kabinet.VATRange{{Series: "AA", From: 6, To: 15}}) {
			t.Errorf("0: %+v %v", ds[0], errs[0])
		}
		wantCode(t, "1: another office's application", errs[1], "wrong_office")
		if errs[2] != nil || ds[2].Outcome != kabinet.Refused || ds[2].Ground != kabinet.VATGroundOther || ds[2].Text != "нет печати" || len(ds[2].Ranges) != 0 {
			t.Errorf("2: %+v %v", ds[2], errs[2])
		}
		wantCode(t, "3: the same application twice", errs[3], "already_decided")
		if e, _ := kabinet.AsError(errs[3]); e == nil || e.Details["decision_number"] != ds[0].Number {
			t.Errorf("3 names the decision that took it: %v, want %s", errs[3], ds[0].Number)
		}
		wantCode(t, "4: no such application", errs[4], "application_not_found")
		wantCode(t, "5: decided before the batch", errs[5], "already_decided")
		// One numbering, no gap: the batch's two decisions follow the one before it.
		if s0, s2 := decisionSeq(t, ds[0].Number), decisionSeq(t, ds[2].Number); s0 != decisionSeq(t, first.Number)+1 || s2 != s0+1 {
			t.Errorf("numbers %s, %s after %s", ds[0].Number, ds[2].Number, first.Number)
		}
		for i, code := range []string{a.Code, b.Code} {
			d := ds[2*i]
			got, err := w.db.VerifyVATDecision(ctx, d.Number, d.VerificationCode)
			if err != nil || got.ApplicationCode != code || got.Outcome != d.Outcome {
				t.Errorf("decision %s as stored: %+v %v", d.Number, got, err)
			}
		}
		for inn, want := range map[string]kabinet.VATStatus{legalINN: kabinet.VATApplicationAssigned, entINN: kabinet.VATApplicationRefused} {
			list, err := w.db.VATApplications(ctx, inn)
			if err != nil || len(list) == 0 || list[0].Status != want {
				t.Errorf("%s: %+v %v", inn, list, err)
			}
		}
		if next, _ := w.db.VATSequence(ctx); next != 15 {
			t.Errorf("the sequence is at %d, want 15", next)
		}
		if rep, err := w.db.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("audit chain: %+v %v", rep, err)
		}
		for _, c := range []struct {
			action, subject string
		}{{"vat.decide", a.Code}, {"vat.decide", b.Code}, {"vat.decide.refused", b.Code}} {
			page, err := w.db.SearchAudit(ctx, store.AuditQuery{Action: c.action, Subject: c.subject})
			if err != nil || len(page.Events) != 1 {
				t.Errorf("audit %s %s: %+v %v", c.action, c.subject, page, err)
			}
		}
	})
}

// When what is left of the sequence holds only some of a batch's assignments, they
// take their runs in the batch's order and the rest are refused (series_exhausted), as
// one at a time they were; the numbering keeps no gap for the refused.
func TestVATDecisionsTogetherAtTheEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		w := newVATWorld(t, url)
		ctx := context.Background()
		legal, ent := w.session(t, "01503201010123"), w.session(t, "20107198200456")
		if err := w.db.SetVATSequenceForTest(ctx, kabinet.VATCapacity-15); err != nil {
			t.Fatal(err)
		}
		a, b := w.apply(t, legal, 10), w.apply(t, ent, 10)
		ds, errs := w.db.DecideVATTogether([]store.VATDecisionAsked{
			{Staff: w.naryn, Code: a.Code, Assign: true},
			{Staff: w.naryn, Code: b.Code, Assign: true},
		})
		if errs[0] != nil || !reflect.DeepEqual(ds[0].Ranges, []kabinet.VATRange{{Series: "ZZ", From: 9_999_985, To: 9_999_994}}) {
			t.Errorf("the first fits: %+v %v", ds[0], errs[0])
		}
		wantCode(t, "the second does not", errs[1], "series_exhausted")
		if next, _ := w.db.VATSequence(ctx); next != kabinet.VATCapacity-5 {
			t.Errorf("sequence at %d, want %d", next, kabinet.VATCapacity-5)
		}
		d, err := w.db.DecideVAT(ctx, w.naryn, b.Code, false, kabinet.VATGroundOther, "номера исчерпаны")
		if err != nil {
			t.Fatal(err)
		}
		if decisionSeq(t, d.Number) != decisionSeq(t, ds[0].Number)+1 {
			t.Errorf("a gap in the numbering: %s after %s", d.Number, ds[0].Number)
		}
		if rep, err := w.db.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("audit chain: %+v %v", rep, err)
		}
	})
}

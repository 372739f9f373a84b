package store

import (
	"context"

	"kabinet"
)

// VATDecisionAsked is one officer's decision for DecideVATTogether.
type VATDecisionAsked struct {
	Staff  StaffActor
	Code   string
	Assign bool
	Ground kabinet.VATGround
	Text   string
}

// DecideVATTogether decides asks as one batch, as the batcher commits decisions that
// arrive together, and answers each as DecideVAT would (tests only).
func (db *DB) DecideVATTogether(asks []VATDecisionAsked) ([]kabinet.VATDecision, []error) {
	reqs := make([]*vatDecisionRequest, len(asks))
	for i, a := range asks {
		reqs[i] = &vatDecisionRequest{s: a.Staff, code: a.Code, assign: a.Assign, ground: a.Ground, text: a.Text,
			done: make(chan vatDecisionResult, 1)}
	}
	db.commitVATDecisions(reqs)
	ds, errs := make([]kabinet.VATDecision, len(asks)), make([]error, len(asks))
	for i, r := range reqs {
		res := <-r.done
		ds[i], errs[i] = res.d, res.err
		if res.refused != nil {
			errs[i] = db.refusedOffice(context.Background(), r.s, "vat.decide", r.code, res.refused)
		}
	}
	return ds, errs
}

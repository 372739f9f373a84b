package store

import (
	"context"

	"kabinet"
	"kabinet/ident"
)

// CheckDecision answers, deciding nothing, whether s may issue the decision in on the
// application code now: the checks Decide makes, in its order (ACC-6, ACC-10; Reg §8,
// §9, §13, §14), for the back office's confirmation step before a grant. It returns
// the application as it stands; Decide checks everything again when the officer
// confirms. A refusal for another office's application is audited as Decide's is.
func (db *DB) CheckDecision(ctx context.Context, s StaffActor, code string, in DecisionInput) (kabinet.Application, error) {
	c, ok := ident.NormalizeCode(code)
	if !ok {
		return kabinet.Application{}, notFoundApplication()
	}
	if err := kabinet.CheckOutcome(in.Outcome, in.Ground); err != nil {
		return kabinet.Application{}, err
	}
	a, err := db.Application(ctx, c)
	if err != nil {
		return a, err
	}
	if err := kabinet.MayDecide(a, s.Staff); err != nil {
		if kabinet.ErrorCode(err) == "wrong_office" {
			return kabinet.Application{}, db.refusedOffice(ctx, s, "application.decide", a.Code, err)
		}
		return a, err
	}
	if in.Outcome == kabinet.Granted {
		// ACC-6: the registry as it is now decides, not the snapshot.
		var now *kabinet.Taxpayer
		switch tp, err := db.Taxpayer(ctx, a.INN); {
		case err == nil:
			now = &tp
		case kabinet.ErrorCode(err) != "inn_not_found":
			return a, err
		}
		if err := kabinet.MayGrant(a.Kind, now); err != nil {
			return a, err
		}
	}
	return a, nil
}

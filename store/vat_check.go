package store

import (
	"context"

	"kabinet"
)

// AuditVATCheck writes the public VAT check's audit entry (VAT-6, SEC-2): who asked
// about which ИНН, series and number, and what the check answered — as the registry
// look-up is audited, so that harvesting through the check leaves a trace. The web
// layer calls it after CheckVATNumber answered and before it shows the answer, so
// nothing is answered unaudited. A malformed question looked nothing up and is not
// audited (as the look-up).
func (db *DB) AuditVATCheck(ctx context.Context, who Actor, innValue, series string, number int, state kabinet.VATNumberState) error {
	return db.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, who, "vat.check", innValue, map[string]any{"series": series, "number": number, "state": string(state)})
	})
}

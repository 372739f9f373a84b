package store

import (
	"context"
	"strings"
	"testing"

	"kabinet/internal/dbtest"
)

// The VAT batch's reads on SQLite take the codes as one JSON array; each must still
// find its rows through an index (the application's code, the registry's ИНН), not by
// reading the tables, whose size is the country's. (These statements are SQLite's
// alone; PostgreSQL's batch, vat_batch_pg.go, is arrays and row locks, and its plans on a
// test's empty tables would say nothing. Both engines' batches are tested for what
// they decide in vat_test.go.)
func TestVATBatchReadsUseIndexes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, dbtest.URL(t, dbtest.Engine{Name: "sqlite"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{vatApplicationsJSON, vatTaxpayersJSON} {
		plan := explainSQLite(t, db, q, `["A","B"]`)
		for _, detail := range plan {
			for _, table := range []string{"vat_applications", "taxpayers"} {
				if strings.HasPrefix(detail, "SCAN "+table) {
					t.Errorf("%s read whole: %s", table, detail)
				}
			}
		}
		if !strings.Contains(strings.Join(plan, "; "), "SEARCH") {
			t.Errorf("no index searched: %s", strings.Join(plan, "; "))
		}
		t.Logf("%s", strings.Join(plan, "; "))
	}
}

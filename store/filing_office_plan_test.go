package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"kabinet"
	"kabinet/internal/dbtest"
)

// The office's filing list (FIL-9) must stay fast at a million filings whatever filter
// the officer gives: every shape officeFilingsQuery builds is served by an index in id
// order, so the newest page is read from the index's end, never by scanning the table or
// sorting what matched (shared/BENCH.md, scenario scale-filings, ≤ 2× at 1,000,000).

// planSeedRows is enough filings for PostgreSQL's planner to prefer an index over a
// sequential scan whenever one serves the shape.
const planSeedRows = 60_000

// seedPlanFilings writes n filings straight into the table: 40 offices, two forms over
// eight periods, one in seven late, one in fifty a correction (the version before it
// marked replaced), one in a thousand a liquidation report; PostgreSQL then analyzed.
func seedPlanFilings(t *testing.T, db *DB, n int) {
	t.Helper()
	q := `INSERT INTO filings (number, inn, office_code, form_code, form_version, period, type, status, received_at,
		due_date, late, accepted_on, digest, verification_code, content, login)
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)
		SELECT 'F-2026-' || CAST(i AS TEXT), CAST(100000 + i AS TEXT),
			CASE WHEN i % 40 < 10 THEN '00' || CAST(i % 40 AS TEXT) ELSE '0' || CAST(i % 40 AS TEXT) END,
			CASE WHEN i % 8 < 3 THEN 'STI-091' ELSE 'STI-161' END, 1,
			CASE WHEN i % 8 < 3 THEN '2026-Q' || CAST(i % 8 + 1 AS TEXT) ELSE '2026-0' || CAST(i % 8 - 2 AS TEXT) END,
			CASE WHEN i % 1000 = 999 THEN 'liquidation' WHEN i % 50 = 49 THEN 'correction' ELSE 'initial' END,
			CASE WHEN i % 50 = 48 THEN 'replaced' ELSE 'current' END,
			1767225600000 + i, '2026-04-20', i % 7 = 0, '2026-04-01', 'digest', 'V', '{}', 'plan-seed'
		FROM s`
	if _, err := db.sql.ExecContext(context.Background(), q, n); err != nil {
		t.Fatal(err)
	}
	if db.dialect == postgres { // SQLite is planned as the service runs it, without statistics
		if _, err := db.sql.ExecContext(context.Background(), "ANALYZE filings"); err != nil {
			t.Fatal(err)
		}
	}
}

// officeFilterShapes is every shape the office's list can take: each filter given or
// not, an officer's office or a supervisor's whole country, a first page or a next one.
func officeFilterShapes() []OfficeFilingFilter {
	late := true
	var out []OfficeFilingFilter
	for bits := 0; bits < 1<<7; bits++ {
		f := OfficeFilingFilter{Limit: 100}
		if bits&1 != 0 {
			f.Office = "038"
		}
		if bits&2 != 0 {
			f.Form = "STI-161"
		}
		if bits&4 != 0 {
			f.Period = "2026-03"
		}
		if bits&8 != 0 {
			f.Type = kabinet.FilingCorrection
		}
		if bits&16 != 0 {
			f.Late = &late
		}
		if bits&32 != 0 {
			f.CurrentOnly = true
		}
		if bits&64 != 0 {
			f.After = "F-2026-30000"
		}
		out = append(out, f)
	}
	return out
}

func shapeName(f OfficeFilingFilter) string {
	var s []string
	if f.Office != "" {
		s = append(s, "office")
	}
	if f.Form != "" {
		s = append(s, "form")
	}
	if f.Period != "" {
		s = append(s, "period")
	}
	if f.Type != "" {
		s = append(s, "type")
	}
	if f.Late != nil {
		s = append(s, "late")
	}
	if f.CurrentOnly {
		s = append(s, "current")
	}
	if f.After != "" {
		s = append(s, "after")
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, "+")
}

func TestOfficeFilingsPlans(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 60,000 filings")
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := Open(ctx, url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		seedPlanFilings(t, db, planSeedRows)
		for _, f := range officeFilterShapes() {
			t.Run("FIL-9 "+shapeName(f), func(t *testing.T) {
				query, args := officeFilingsQuery(db.dialect, f.Office, f)
				var plan string
				switch db.dialect {
				case postgres:
					plan = postgresPlan(t, db, query, args)
				default:
					plan = sqlitePlan(t, db, f, query, args)
				}
				if os.Getenv("KABINET_SHOW_PLANS") != "" {
					fmt.Printf("PLAN %s %s: %s\n", db.dialect, shapeName(f), strings.Join(strings.Fields(plan), " "))
				}
			})
		}
	})
}

// postgresPlan explains query as JSON after ANALYZE and fails the test when filings is
// read by a sequential scan. It then asks again with sorting, bitmap and sequential
// scans discouraged, and fails when the plan still sorts: then no index reads the shape
// in id order, and at a million filings the planner's only choice is to sort its matches.
func postgresPlan(t *testing.T, db *DB, query string, args []any) string {
	t.Helper()
	plan := explainPostgres(t, db, query, args, "")
	walkPlan(plan, func(n pgPlanNode) {
		if n.NodeType == "Seq Scan" && n.RelationName == "filings" {
			t.Errorf("sequential scan of filings:\n%s", planText(plan))
		}
	})
	ordered := explainPostgres(t, db, query, args, "SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off")
	walkPlan(ordered, func(n pgPlanNode) {
		if strings.HasSuffix(n.NodeType, "Sort") || n.NodeType == "Seq Scan" {
			t.Errorf("no index reads filings in id order:\n%s", planText(ordered))
		}
	})
	return planText(plan) + "\n(in id order: " + planText(ordered) + ")"
}

func explainPostgres(t *testing.T, db *DB, query string, args []any, settings string) pgPlanNode {
	t.Helper()
	ctx := context.Background()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if settings != "" {
		if _, err := tx.ExecContext(ctx, settings); err != nil {
			t.Fatal(err)
		}
	}
	var text string
	if err := tx.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&text); err != nil {
		t.Fatal(err)
	}
	var plans []struct{ Plan pgPlanNode }
	if err := json.Unmarshal([]byte(text), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("plan %s: %v", text, err)
	}
	return plans[0].Plan
}

func walkPlan(n pgPlanNode, f func(pgPlanNode)) {
	f(n)
	for _, c := range n.Plans {
		walkPlan(c, f)
	}
}

// planText is a plan one node a line: "Index Scan Backward using filings_office_form on filings".
func planText(n pgPlanNode) string {
	var lines []string
	var walk func(n pgPlanNode, depth int)
	walk = func(n pgPlanNode, depth int) {
		line := strings.Repeat("  ", depth) + n.NodeType
		if n.Direction == "Backward" {
			line += " Backward"
		}
		if n.IndexName != "" {
			line += " using " + n.IndexName
		}
		if n.RelationName != "" {
			line += " on " + n.RelationName
		}
		lines = append(lines, line)
		for _, c := range n.Plans {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return strings.Join(lines, "\n")
}

type pgPlanNode struct {
	NodeType     string       `json:"Node Type"`
	RelationName string       `json:"Relation Name"`
	IndexName    string       `json:"Index Name"`
	Direction    string       `json:"Scan Direction"`
	Plans        []pgPlanNode `json:"Plans"`
}

// explainSQLite is the detail column of SQLite's EXPLAIN QUERY PLAN of query, a line
// for each step.
func explainSQLite(t *testing.T, db *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.sql.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// sqlitePlan explains query and fails the test when the page is sorted in a temporary
// B-tree, or when a shape with an office, form or period is not searched in an index
// (SQLite keeps no statistics here: the service never runs ANALYZE). A shape without
// them (lateness, type, current versions, a next page) reads the table itself, whose
// B-tree is in id order.
func sqlitePlan(t *testing.T, db *DB, f OfficeFilingFilter, query string, args []any) string {
	t.Helper()
	indexed := f.Office != "" || f.Form != "" || f.Period != ""
	lines := explainSQLite(t, db, query, args...)
	usesIndex := false
	for _, detail := range lines {
		switch {
		case strings.HasPrefix(detail, "SCAN filings") && !strings.Contains(detail, "USING") && indexed:
			t.Errorf("filings scanned without an index: %s", detail)
		case strings.Contains(detail, "TEMP B-TREE"):
			t.Errorf("the page is sorted, not read in id order: %s", detail)
		case strings.Contains(detail, "filings USING"):
			usesIndex = true
		}
	}
	if indexed && !usesIndex {
		t.Errorf("no index serves the list: %s", strings.Join(lines, "; "))
	}
	return strings.Join(lines, "\n")
}

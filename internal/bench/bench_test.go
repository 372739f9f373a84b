package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kabinet/internal/dbtest"
	"kabinet/store"
)

// kabinetBin is the kabinet binary, built once for the tests: the bench is a command of
// it, and its flood starts the binary again as `serve`, a process of its own.
var kabinetBin string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "kabinet-bench-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		kabinetBin = filepath.Join(dir, "kabinet")
		build := exec.Command("go", "build", "-o", kabinetBin, "kabinet/cmd/kabinet")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "build kabinet: %v\n", err)
			return 1
		}
		return m.Run()
	}())
}

// kabinetCmd runs the binary with args and returns its exit code, standard output and
// standard error.
func kabinetCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(kabinetBin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("kabinet %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// openForTest opens the database behind url for direct SQL.
func openForTest(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.SQL()
}

// The scenario table is where new scenarios plug in: names are unique, every row can
// run, and a row uses only earlier rows (they run first).
func TestScenarioTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range scenarios {
		if s.name == "" || seen[s.name] || s.run == nil {
			t.Errorf("scenario %q: empty, repeated or without run", s.name)
		}
		for _, u := range s.uses {
			if !seen[u] {
				t.Errorf("scenario %s uses %q, which is not an earlier row", s.name, u)
			}
		}
		seen[s.name] = true
	}
}

// tinyBench are flags that make every scenario quick: cheap hashes, short measurements,
// few requests and rows. The figures are checked for presence and sanity, never
// against the targets: those depend on the machine.
var tinyBench = []string{"--json", "--seconds", "0.3", "--requests", "200", "--rows", "2000", "--flood", "50", "--clients", "4",
	"--hash-memory", "64", "--hash-time", "1", "--hash-wait", "2s"}

// figure walks a decoded JSON object along path ("login.levels.0.ok").
func figure(t *testing.T, m map[string]any, path string) any {
	t.Helper()
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[k]
			if !ok {
				t.Fatalf("the JSON lacks %s (at %q)", path, k)
			}
			cur = v
		case []any:
			i := 0
			for _, r := range k {
				i = i*10 + int(r-'0')
			}
			if i >= len(c) {
				t.Fatalf("the JSON lacks %s: %d elements", path, len(c))
			}
			cur = c[i]
		default:
			t.Fatalf("the JSON lacks %s: %T at %q", path, cur, k)
		}
	}
	return cur
}

// positive checks that each path holds a number above zero.
func positive(t *testing.T, m map[string]any, paths ...string) {
	t.Helper()
	for _, p := range paths {
		v, ok := figure(t, m, p).(float64)
		if !ok || !(v > 0) {
			t.Errorf("%s = %v, want a positive number", p, figure(t, m, p))
		}
	}
}

func decodeReport(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("--json printed no JSON object: %v\n%s", err, out)
	}
	return m
}

func TestBenchEveryScenario(t *testing.T) {
	for _, e := range dbtest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			url := dbtest.URL(t, e)
			code, out, errs := kabinetCmd(t, append([]string{"bench", "--db", url}, tinyBench...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errs)
			}
			m := decodeReport(t, out)
			if m["engine"] != e.Name {
				t.Errorf("engine %v, want %s", m["engine"], e.Name)
			}
			if s, ok := m["skipped"]; ok {
				t.Errorf("scenarios skipped in-process: %v", s)
			}
			positive(t, m, "hash.hashes_per_s", "hash.hashes", "login.accounts", "login.best_ratio", "login.ratio_64_to_best")
			levels := figure(t, m, "login.levels").([]any)
			if len(levels) != len(loginLevels) {
				t.Fatalf("login levels: %d, want %d", len(levels), len(loginLevels))
			}
			for i, want := range loginLevels {
				lv := levels[i].(map[string]any)
				if lv["clients"] != float64(want) {
					t.Errorf("level %d: clients %v, want %d", i, lv["clients"], want)
				}
				positive(t, lv, "per_s", "ok", "p99_ms", "ratio_to_hash", "hash_beside_per_s")
				if lv["ok"].(float64) > lv["requests"].(float64) || lv["p50_ms"].(float64) > lv["p99_ms"].(float64) {
					t.Errorf("level %d not sane: %v", want, lv)
				}
				if _, ok := lv["status"].(map[string]any)["500"]; ok {
					t.Errorf("sign-in answered 500: %v", lv)
				}
			}
			positive(t, m, "lookup.lookup.per_s", "lookup.lookup.ok", "lookup.lookup.p99_ms", "lookup.empty_handler.per_s",
				"lookup.empty_handler.p99_ms", "lookup.ratio_to_empty", "lookup.best_clients")
			for i, want := range []float64{4, 64, lookupSaturation} {
				if got := figure(t, m, fmt.Sprintf("lookup.levels.%d.clients", i)).(float64); got != want {
					t.Errorf("look-up level %d: %v clients, want %v", i, got, want)
				}
				positive(t, m, fmt.Sprintf("lookup.levels.%d.lookup.per_s", i), fmt.Sprintf("lookup.levels.%d.ratio_to_empty", i))
			}
			positive(t, m, "apply.per_s", "apply.ok", "apply.p99_ms", "apply.ratio_to_hash", "apply.prepared_inn", "apply.hash_beside_per_s")
			if figure(t, m, "apply.ok").(float64) > figure(t, m, "apply.prepared_inn").(float64) {
				t.Error("more applications formed than ИНН prepared: some superseded another")
			}
			positive(t, m, "flood.requests", "flood.peak_rss_mib", "flood.rss_before_mib", "flood.lookups_ok", "flood.lookup_p99_ms",
				"flood.status_401_per_s_to_hash", "flood.hash_beside_per_s")
			figure(t, m, "flood.status_401_beyond_hash_capacity")
			positive(t, m, "decision.decisions", "decision.p99_ms")
			if note := figure(t, m, "flood.rss_note").(string); !strings.Contains(note, "service process of its own") ||
				figure(t, m, "flood.rss_includes_load_generator").(bool) {
				t.Errorf("the flood's memory is not the service's alone: %s", note)
			}
			if v := figure(t, m, "flood.status_5xx_other").(float64); v != 0 {
				t.Errorf("the flood got %v server errors other than 503", v)
			}
			positive(t, m, "import.rows", "import.rows_per_s", "import.peak_rss_mib", "import.registry_rows_after")
			if rows := figure(t, m, "import.registry_rows_after").(float64); rows < 2000 {
				t.Errorf("registry after import: %v rows, want ≥ 2000", rows)
			}
			// The importer is judged against the bare insert of the same rows in the same run.
			positive(t, m, "import.bare_insert.rows_per_s", "import.ratio_to_bare_insert", "gomaxprocs")
			if figure(t, m, "import.bare_insert.rows") != figure(t, m, "import.rows") {
				t.Errorf("bare insert of %v rows beside an import of %v", figure(t, m, "import.bare_insert.rows"), figure(t, m, "import.rows"))
			}
			positive(t, m, "scale.small_registry_rows", "scale.large_registry_rows", "scale.small.p99_ms", "scale.large.p99_ms", "scale.p99_ratio")
			if figure(t, m, "scale.large_registry_rows").(float64) <= figure(t, m, "scale.small_registry_rows").(float64) {
				t.Error("scale: the large registry is not larger")
			}
			// FIL-10: filing is measured — reports accepted through the API, the 500-row input
			// control, and the race on two instances (FIL-5).
			positive(t, m, "filing.per_s", "filing.ok", "filing.p99_ms", "filing.ratio_to_hash", "filing.hash_beside_per_s", "filing.accounts", "filing.periods",
				"filing.input_control.best_ms", "filing.input_control.runs")
			if st := figure(t, m, "filing.status").(map[string]any); len(st) != 1 || st["201"] == nil {
				t.Errorf("FIL-10 filing: answers other than 201 (each report a first one, its password right): %v; %v", st, m["filing"].(map[string]any)["first_refusal"])
			}
			race := figure(t, m, "filing_race").(map[string]any)
			if race["accepted"] != float64(racePairs) || race["stored_filings"] != float64(racePairs) ||
				race["already_filed"] != float64(raceRequests-racePairs) || race["status_5xx"] != 0.0 || race["instances"] != 2.0 {
				t.Errorf("FIL-5 filing-race: %v", race)
			}
			// VAT-7: assignment is measured on two PostgreSQL instances (SQLite is run as
			// one instance only), and every range checked (VAT-4).
			positive(t, m, "vat.per_s", "vat.ok", "vat.ranges", "vat.numbers", "vat.ratio_to_lookup", "vat.applications_checked", "vat.lookup_per_s")
			if got := figure(t, m, "vat.lookup_clients").(float64); got != vatOfficers {
				t.Errorf("VAT judged against look-ups at %v clients, want %d (as many as officers)", got, vatOfficers)
			}
			for _, k := range []string{"overlaps", "gaps", "misplaced_ranges", "wrong_quantity", "status_5xx"} {
				if v := figure(t, m, "vat."+k).(float64); v != 0 {
					t.Errorf("VAT-4 vat.%s = %v: %v", k, v, figure(t, m, "vat"))
				}
			}
			instances := map[string]float64{"sqlite": 1, "postgres": 2}[e.Name]
			if figure(t, m, "vat.applications_checked") != figure(t, m, "vat.ok") || figure(t, m, "vat.instances") != instances {
				t.Errorf("VAT-7 vat: %v assignments answered, %v checked, on %v instances (want %v)", figure(t, m, "vat.ok"),
					figure(t, m, "vat.applications_checked"), figure(t, m, "vat.instances"), instances)
			}
			positive(t, m, "pdf.per_s", "pdf.pages_per_s", "pdf.worst_per_page_ms")
			if forms := figure(t, m, "pdf.forms").([]any); len(forms) != 3 {
				t.Errorf("pdf: %d forms, want application, decision and STI-161", len(forms))
			} else {
				for i := range forms {
					positive(t, m, fmt.Sprintf("pdf.forms.%d.pages", i), fmt.Sprintf("pdf.forms.%d.per_page_ms", i))
				}
				if figure(t, m, "pdf.forms.2.pages").(float64) < 2 {
					t.Error("pdf: a filed STI-161 of 50 employees printed on one page")
				}
			}
			positive(t, m, "scale_filings.small_filings", "scale_filings.large_filings", "scale_filings.small.p99_ms", "scale_filings.large.p99_ms",
				"scale_filings.p99_ratio", "scale_filings.large_by_filter.2.lists")
			if figure(t, m, "scale_filings.large_filings").(float64) < figure(t, m, "scale_filings.small_filings").(float64)+1800 {
				t.Error("scale-filings: the large table does not hold the seeded filings")
			}
			if e.Name == "sqlite" && figure(t, m, "scale_filings.seed_checkpoints").(float64) < 2 {
				t.Errorf("scale-filings: SQLite's log checkpointed %v times in the seed, want after each of its transactions",
					figure(t, m, "scale_filings.seed_checkpoints"))
			}
			if figure(t, m, "scale_filings.seed_log_left_pages") != 0.0 || figure(t, m, "scale_filings.seed_checkpoints_busy") != 0.0 {
				t.Errorf("scale-filings: SQLite's log not emptied after the seed: %v pages left, %v checkpoints busy",
					figure(t, m, "scale_filings.seed_log_left_pages"), figure(t, m, "scale_filings.seed_checkpoints_busy"))
			}
			if figure(t, m, "scale_filings.large.ok") != figure(t, m, "scale_filings.large.requests") {
				t.Errorf("scale-filings: lists that failed or came back empty: %v", figure(t, m, "scale_filings.large.status"))
			}
			checks := figure(t, m, "checks").([]any)
			if len(checks) != 26 {
				t.Errorf("%d checks, want 26 (every target of BENCH.md, the flood's answers, and no 5xx where BENCH.md asks)", len(checks))
			}
			for _, c := range checks {
				st := c.(map[string]any)["status"]
				if st != "pass" && st != "FAIL" && st != "n/a" {
					t.Errorf("check status %v", c)
				}
			}
			if strings.Contains(errs, "\r") {
				t.Error("a progress line redrawn into a pipe (issue 13, point 6: only on a terminal)")
			}
		})
	}
}

// The table names every scenario and the targets.
func TestBenchTable(t *testing.T) {
	url := dbtest.URL(t, dbtest.Engines[0])
	args := append([]string{"bench", "--db", url, "--scenarios", "hash,lookup"}, tinyBench[1:]...)
	code, out, errs := kabinetCmd(t, args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"argon2id", "empty handler, 4 clients", "registry look-up, 64 clients", "look-ups/s ÷ empty handler/s", "policy raised"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	// A second run on the same database is allowed (the bench marked it), and the
	// policy it raised was restored.
	if code, _, errs := kabinetCmd(t, args...); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, errs)
	}
	var v string
	if err := openForTest(t, url).QueryRow("SELECT value FROM settings WHERE key = 'policy'").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v, `"lookups_per_minute":30`) || !strings.Contains(v, `"address_failures_per_hour":30`) {
		t.Errorf("policy not restored: %s", v)
	}
}

func TestBenchRefuses(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--url", "http://192.0.2.1:8080"}, 2, "only at this machine"},
		{[]string{"--url", "http://kabinet.example.kg"}, 2, "only at this machine"},
		{[]string{"--scenarios", "hash,nap"}, 2, `unknown scenario "nap"`},
		{[]string{"--seconds", "0"}, 2, "--seconds"},
		{[]string{"--pid", "1"}, 2, "--pid"},
		{[]string{"--hash-time", "0"}, 2, "hash parameters"},
	} {
		code, _, errs := kabinetCmd(t, append([]string{"bench"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("bench %v: exit %d, want %d with %q:\n%s", tc.args, code, tc.code, tc.want, errs)
		}
	}
	// A database holding someone's accounts is not the bench's to write into.
	url := dbtest.URL(t, dbtest.Engines[0])
	if code, _, errs := kabinetCmd(t, "migrate", "--db", url); code != 0 {
		t.Fatal(errs)
	}
	db := openForTest(t, url)
	if _, err := db.Exec(`INSERT INTO accounts (login, inn, password_hash, code_word_hash, status, created_at, last_activity_at, password_changed_at)
		VALUES ('np0000000001', '11705198700772', 'x', '', 'active', 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := kabinetCmd(t, append([]string{"bench", "--db", url, "--scenarios", "lookup"}, tinyBench[1:]...)...); code != 1 || !strings.Contains(errs, "scratch database") {
		t.Errorf("a database with accounts: exit %d\n%s", code, errs)
	}
}

// With --url the bench aims at a running service; without --db the scenarios that
// need the database are skipped with the reason.
func TestBenchURL(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "kabinet.db")
	serve := exec.Command(kabinetBin, "serve", "--db", dbURL, "--addr", "127.0.0.1:0", "--ops-addr", "", "--hash-memory", "64", "--hash-time", "1")
	pr, pw := io.Pipe()
	serve.Stdout = pw
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { err := serve.Wait(); pw.Close(); done <- err }()
	defer serve.Process.Kill()
	var base string
	buf := make([]byte, 4096)
	var got strings.Builder
	deadline := time.Now().Add(30 * time.Second)
	for base == "" && time.Now().Before(deadline) {
		n, err := pr.Read(buf)
		got.Write(buf[:n])
		if i := strings.Index(got.String(), "serving "); i >= 0 {
			if f := strings.Fields(got.String()[i+len("serving "):]); len(f) > 0 {
				base = f[0]
			}
		}
		if err != nil {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatalf("serve printed no address:\n%s", got.String())
	}

	code, out, errs := kabinetCmd(t, append([]string{"bench", "--url", base, "--scenarios", "hash,lookup,import"}, tinyBench...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	m := decodeReport(t, out)
	positive(t, m, "hash.hashes_per_s")
	for _, s := range []string{"lookup", "import"} {
		if why, _ := figure(t, m, "skipped."+s).(string); !strings.Contains(why, "--db") {
			t.Errorf("%s: skipped for %q, want the reason naming --db", s, why)
		}
	}

	code, out, errs = kabinetCmd(t, append([]string{"bench", "--url", base, "--db", dbURL, "--scenarios", "lookup"}, tinyBench...)...)
	if code != 0 {
		t.Fatalf("with --db: exit %d\n%s", code, errs)
	}
	m = decodeReport(t, out)
	positive(t, m, "lookup.lookup.per_s", "lookup.ratio_to_empty")
	if n := figure(t, m, "lookup.lookup.status").(map[string]any)["429"]; n != nil {
		t.Errorf("look-ups limited although the bench raised the policy: %v", n)
	}

	// --db naming another database than the service's is caught.
	other := dbtest.URL(t, dbtest.Engines[0])
	if code, _, errs := kabinetCmd(t, append([]string{"bench", "--url", base, "--db", other, "--scenarios", "lookup"}, tinyBench...)...); code != 1 || !strings.Contains(errs, "another database") {
		t.Errorf("a --db the service does not use: exit %d\n%s", code, errs)
	}
	serve.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Error("serve did not shut down")
	}
}

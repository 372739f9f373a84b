package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// report is every figure of one `kabinet bench` run; --json prints it as is.
type report struct {
	Engine     string `json:"engine"`
	Target     string `json:"target"`
	Cores      int    `json:"cores"`
	GoVersion  string `json:"go"`
	HashParams string `json:"hash_params"`
	HashSlots  int    `json:"hash_concurrency"`
	// GoMaxProcs and HashPriority: how the service's processors are shared between
	// hashing and the rest (password/thread.go).
	GoMaxProcs   int                 `json:"gomaxprocs"`
	HashPriority string              `json:"hash_priority"`
	Seconds      float64             `json:"seconds_per_measurement"`
	MaxRequests  int64               `json:"max_requests_per_measurement"`
	Rows         int                 `json:"rows"`
	Clients      int                 `json:"clients"`
	Adjustments  []string            `json:"adjustments"`
	Hash         *hashFigures        `json:"hash,omitempty"`
	Login        *loginFigures       `json:"login,omitempty"`
	Lookup       *lookupFigures      `json:"lookup,omitempty"`
	Apply        *applyFigures       `json:"apply,omitempty"`
	Flood        *floodFigures       `json:"flood,omitempty"`
	Decision     *decisionFigures    `json:"decision,omitempty"`
	Import       *importFigures      `json:"import,omitempty"`
	Scale        *scaleFigures       `json:"scale,omitempty"`
	Filing       *filingFigures      `json:"filing,omitempty"`
	FilingRace   *raceFigures        `json:"filing_race,omitempty"`
	VAT          *vatFigures         `json:"vat,omitempty"`
	PDF          *pdfFigures         `json:"pdf,omitempty"`
	FilingScale  *filingScaleFigures `json:"scale_filings,omitempty"`
	Skipped      map[string]string   `json:"skipped,omitempty"`
	Checks       []check             `json:"checks"`
	Failed       int                 `json:"failed_checks"`
	ServerLog    string              `json:"server_log,omitempty"`
}

// decisionFigures time the grants that create the sign-in accounts: the officer's
// decision (ACC-6, ACC-7) through the store, while other workers form applications.
type decisionFigures struct {
	Decisions int     `json:"decisions"`
	Workers   int     `json:"workers"`
	P50MS     float64 `json:"p50_ms"`
	P99MS     float64 `json:"p99_ms"`
	MaxMS     float64 `json:"max_ms"`
}

type hashFigures struct {
	PerSecond float64 `json:"hashes_per_s"`
	Workers   int     `json:"workers"`
	Hashes    int64   `json:"hashes"`
	Seconds   float64 `json:"seconds"`
	P50MS     float64 `json:"p50_ms"`
}

// loginLevel is the sign-ins at one number of clients; per_s is sign-ins per second.
type loginLevel struct {
	rateFigures
	// HashBeside is the hash rate measured in turns with this level, which Ratio divides by.
	HashBeside float64 `json:"hash_beside_per_s"`
	Ratio      float64 `json:"ratio_to_hash"`
}

// weakestFrom is the level of at least clients clients with the lowest ratio.
func (l *loginFigures) weakestFrom(clients int) (loginLevel, bool) {
	var out loginLevel
	found := false
	for _, lv := range l.Levels {
		if lv.Clients >= clients && (!found || lv.Ratio < out.Ratio) {
			out, found = lv, true
		}
	}
	return out, found
}

type loginFigures struct {
	Accounts      int          `json:"accounts"`
	Levels        []loginLevel `json:"levels"`
	BestRatio     float64      `json:"best_ratio"`
	BestClients   int          `json:"best_clients"`
	Ratio64ToBest float64      `json:"ratio_64_to_best"`
	Total5xx      int64        `json:"status_5xx"`
}

// rateFigures is one HTTP measurement.
type rateFigures struct {
	Clients   int              `json:"clients"`
	PerSecond float64          `json:"per_s"`
	P50MS     float64          `json:"p50_ms"`
	P99MS     float64          `json:"p99_ms"`
	Requests  int64            `json:"requests"`
	OK        int64            `json:"ok"`
	Status5xx int64            `json:"status_5xx"`
	Status    map[string]int64 `json:"status"`
	Seconds   float64          `json:"seconds"`
	StoppedBy string           `json:"stopped_by"`
	FirstErr  string           `json:"first_error,omitempty"`
}

func figuresOf(r loadResult) rateFigures {
	return rateFigures{Clients: r.Clients, PerSecond: round1(r.rate()), P50MS: r.pct(0.50), P99MS: r.pct(0.99),
		Requests: r.Requests, OK: r.OK, Status5xx: r.count5xx(), Status: r.statusCounts(),
		Seconds: round2(r.Elapsed.Seconds()), StoppedBy: r.StoppedBy, FirstErr: r.firstError()}
}

// lookupFigures: lookup, empty_handler and ratio_to_empty are the level with the best
// ratio (best_clients); levels holds every level measured.
type lookupFigures struct {
	Lookup      rateFigures   `json:"lookup"`
	Empty       rateFigures   `json:"empty_handler"`
	Ratio       float64       `json:"ratio_to_empty"`
	BestClients int           `json:"best_clients"`
	Levels      []lookupLevel `json:"levels"`
}

type lookupLevel struct {
	Clients int         `json:"clients"`
	Lookup  rateFigures `json:"lookup"`
	Empty   rateFigures `json:"empty_handler"`
	Ratio   float64     `json:"ratio_to_empty"`
}

type applyFigures struct {
	rateFigures
	Prepared   int     `json:"prepared_inn"`
	HashBeside float64 `json:"hash_beside_per_s"` // measured in turns with the applications; Ratio divides by it
	Ratio      float64 `json:"ratio_to_hash"`
}

type floodFigures struct {
	Clients          int              `json:"clients"`
	Requests         int64            `json:"requests"`
	Status           map[string]int64 `json:"status"`
	Status503        int64            `json:"status_503"`
	NoRetryAfter     int64            `json:"status_503_without_retry_after"`
	Status5xxNot503  int64            `json:"status_5xx_other"`
	Seconds          float64          `json:"seconds"`
	PeakRSSMiB       *float64         `json:"peak_rss_mib"`
	RSSBeforeMiB     *float64         `json:"rss_before_mib"`
	RSSNote          string           `json:"rss_note"`
	InProcess        bool             `json:"rss_includes_load_generator"`
	Lookups          int64            `json:"lookups"`
	LookupsOK        int64            `json:"lookups_ok"`
	LookupP50MS      float64          `json:"lookup_p50_ms"`
	LookupP99MS      float64          `json:"lookup_p99_ms"`
	LookupMaxMS      float64          `json:"lookup_max_ms"`
	LookupStatus     map[string]int64 `json:"lookup_status"`
	CheckedPerSecond float64          `json:"status_401_per_s"`
	CheckedPasswords int64            `json:"status_401"`
	CheckedToHash    float64          `json:"status_401_per_s_to_hash"`
	HashBeside       float64          `json:"hash_beside_per_s"` // the better of the hash rates just before and just after
	UncheckedMin     int64            `json:"status_401_beyond_hash_capacity"`
}

type importFigures struct {
	Rows          int64    `json:"rows"`
	Rejected      int64    `json:"rejected"`
	Seconds       float64  `json:"seconds"`
	PerSecond     float64  `json:"rows_per_s"`
	FileMiB       float64  `json:"file_mib"`
	RSSBeforeMiB  *float64 `json:"rss_before_mib"`
	PeakRSSMiB    *float64 `json:"peak_rss_mib"`
	FirstHalfMiB  *float64 `json:"peak_rss_first_half_mib"`
	SecondHalfMiB *float64 `json:"peak_rss_second_half_mib"`
	Flat          bool     `json:"rss_flat"`
	RegistryRows  int64    `json:"registry_rows_after"`
	// Bare is the same rows inserted with nothing else done (bare.go), before the
	// import in the same run; RatioToBare divides the importer's rate by its.
	Bare        *bareFigures `json:"bare_insert,omitempty"`
	RatioToBare float64      `json:"ratio_to_bare_insert"`
}

// bareFigures: the same rows through one prepared INSERT in large transactions.
type bareFigures struct {
	Rows      int64   `json:"rows"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"rows_per_s"`
}

type scaleFigures struct {
	SmallRows   int64       `json:"small_registry_rows"`
	LargeRows   int64       `json:"large_registry_rows"`
	Small       rateFigures `json:"small"`
	Large       rateFigures `json:"large"`
	Ratio       float64     `json:"p99_ratio"`
	LoadSeconds float64     `json:"load_seconds"`
}

// filingFigures: STI-091 first reports through POST /api/v1/filings; per_s is
// reports accepted (201) per second.
type filingFigures struct {
	rateFigures
	Accounts     int                  `json:"accounts"`
	Periods      int                  `json:"periods"`
	Slots        int                  `json:"prepared_reports"`
	HashBeside   float64              `json:"hash_beside_per_s"` // measured in turns with the filings; Ratio divides by it
	Ratio        float64              `json:"ratio_to_hash"`
	FirstRefusal string               `json:"first_refusal,omitempty"`
	InputControl *inputControlFigures `json:"input_control"`
}

// inputControlFigures time form.Check of one large report, apart from the service.
type inputControlFigures struct {
	Form     string  `json:"form"`
	Rows     int     `json:"employee_rows"`
	Runs     int     `json:"runs"`
	BestMS   float64 `json:"best_ms"`
	MedianMS float64 `json:"median_ms"`
}

// raceFigures: first reports for the same pairs at once on two instances (FIL-5).
type raceFigures struct {
	Requests     int              `json:"requests"`
	Pairs        int              `json:"pairs"`
	Instances    int              `json:"instances"`
	Period       string           `json:"period"`
	Accepted     int64            `json:"accepted"`
	AlreadyFiled int64            `json:"already_filed"`
	Other        map[string]int64 `json:"other_answers"`
	Status5xx    int64            `json:"status_5xx"`
	Refused503   int64            `json:"status_503_retried"`
	Stored       int64            `json:"stored_filings"`
	PairsWithOne int              `json:"pairs_with_one_filing"`
	Seconds      float64          `json:"seconds"`
	FirstErr     string           `json:"first_error,omitempty"`
}

// vatFigures: assignments (201) per second by the officers, and the ranges checked.
type vatFigures struct {
	rateFigures
	Prepared        int      `json:"prepared_applications"`
	Instances       int      `json:"instances"`
	LookupPerSecond float64  `json:"lookup_per_s"`
	LookupClients   int      `json:"lookup_clients"` // the look-up level compared against
	Ratio           float64  `json:"ratio_to_lookup"`
	FirstRefusal    string   `json:"first_refusal,omitempty"`
	Ranges          int64    `json:"ranges"`
	FirstPosition   int64    `json:"first_position"`
	Numbers         int64    `json:"numbers"`
	Assigned        int64    `json:"applications_checked"`
	Overlaps        int64    `json:"overlaps"`
	Gaps            int64    `json:"gaps"`
	Misplaced       int64    `json:"misplaced_ranges"`
	WrongQuantity   int64    `json:"wrong_quantity"`
	RangeProblems   []string `json:"range_problems,omitempty"`
}

// pdfFigures: forms rendered per second on all cores (per_s), and each form's time.
type pdfFigures struct {
	rateFigures
	PagesPerSecond float64   `json:"pages_per_s"`
	WorstPerPageMS float64   `json:"worst_per_page_ms"`
	Forms          []pdfForm `json:"forms"`
}

type pdfForm struct {
	Name      string  `json:"name"`
	Pages     int     `json:"pages"`
	Bytes     int     `json:"bytes"`
	Runs      int     `json:"runs"`
	BestMS    float64 `json:"best_ms"`
	PerPageMS float64 `json:"per_page_ms"`
}

// filingScaleFigures: the office's filing list at a small and a large filings table.
type filingScaleFigures struct {
	SmallFilings  int64           `json:"small_filings"`
	LargeFilings  int64           `json:"large_filings"`
	Seeded        int64           `json:"seeded"`
	SeedSeconds   float64         `json:"seed_seconds"`
	SeedPerSecond float64         `json:"seeded_per_s"`
	Small         rateFigures     `json:"small"`
	Large         rateFigures     `json:"large"`
	SmallByFilter []filterFigures `json:"small_by_filter"`
	LargeByFilter []filterFigures `json:"large_by_filter"`
	Ratio         float64         `json:"p99_ratio"`
	// SeedCheckpoints counts the seed's checkpoints of SQLite's log (none on
	// PostgreSQL); SeedLogLeft is what the log held after the last, in pages (0: copied
	// and emptied); SeedCheckpointsBusy counts those that could not finish.
	SeedCheckpoints     int `json:"seed_checkpoints"`
	SeedLogLeft         int `json:"seed_log_left_pages"`
	SeedCheckpointsBusy int `json:"seed_checkpoints_busy"`
}

// seedNote describes the filings' seed in the table.
func seedNote(s *filingScaleFigures) string {
	note := fmt.Sprintf("%.1f s, multi-row INSERTs", s.SeedSeconds)
	if s.SeedCheckpointsBusy > 0 || s.SeedLogLeft > 0 {
		note += fmt.Sprintf("; SQLite's log NOT emptied: %d checkpoints busy, %d pages left", s.SeedCheckpointsBusy, s.SeedLogLeft)
	}
	return note
}

// filterFigures is one filter's share of an office-list measurement.
type filterFigures struct {
	Filter string  `json:"filter"`
	Lists  int     `json:"lists"`
	P50MS  float64 `json:"p50_ms"`
	P99MS  float64 `json:"p99_ms"`
}

// check is one target of BENCH.md against this run's figure.
type check struct {
	Scenario string  `json:"scenario"`
	Name     string  `json:"name"`
	Target   string  `json:"target"`
	Value    float64 `json:"value"`
	Shown    string  `json:"shown"`
	Status   string  `json:"status"` // pass, FAIL, n/a
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func ptr(v float64) *float64 { return &v }

// checks compares the figures with the targets of BENCH.md.
func (r *report) checks() {
	r.Checks = nil
	add := func(scenario, name, target string, value float64, shown string, pass bool) {
		st := "pass"
		if !pass {
			st = "FAIL"
			r.Failed++
		}
		r.Checks = append(r.Checks, check{Scenario: scenario, Name: name, Target: target, Value: value, Shown: shown, Status: st})
	}
	na := func(scenario, name, target, why string) {
		r.Checks = append(r.Checks, check{Scenario: scenario, Name: name, Target: target, Shown: why, Status: "n/a"})
	}
	// Ratios are shown to three places: 0.247 shown as 0.25 read as a pass that failed.
	if l := r.Login; l != nil && r.Hash != nil {
		add("login", "best sign-ins/s ÷ hashes/s", "≥ 0.90", l.BestRatio, fmt.Sprintf("%.3f (%d clients)", l.BestRatio, l.BestClients), l.BestRatio >= 0.90)
		if lv, ok := l.weakestFrom(4); ok {
			add("login", "every level from 4 clients ÷ hashes/s", "≥ 0.85", lv.Ratio, fmt.Sprintf("%.3f (%d clients, the lowest)", lv.Ratio, lv.Clients), lv.Ratio >= 0.85)
		}
		add("login", "64 clients ÷ best", "≥ 0.85", l.Ratio64ToBest, fmt.Sprintf("%.3f", l.Ratio64ToBest), l.Ratio64ToBest >= 0.85)
		add("login", "5xx answers, all levels", "0", float64(l.Total5xx), fmt.Sprint(l.Total5xx), l.Total5xx == 0)
	}
	if l := r.Lookup; l != nil {
		add("lookup", "look-ups/s ÷ empty handler/s", "≥ 0.50", l.Ratio, fmt.Sprintf("%.3f (%d clients)", l.Ratio, l.BestClients), l.Ratio >= 0.50)
	}
	if a := r.Apply; a != nil && r.Hash != nil {
		add("apply", "applications/s ÷ hashes/s", "≥ 0.85", a.Ratio, fmt.Sprintf("%.3f", a.Ratio), a.Ratio >= 0.85)
	}
	if f := r.Flood; f != nil {
		if f.PeakRSSMiB != nil {
			name := "peak RSS"
			if f.InProcess {
				name = "peak RSS (service + load generator: one process)"
			}
			add("flood", name, "≤ 256 MiB", *f.PeakRSSMiB, fmt.Sprintf("%.1f MiB", *f.PeakRSSMiB), *f.PeakRSSMiB <= 256)
		} else {
			na("flood", "peak RSS", "≤ 256 MiB", f.RSSNote)
		}
		add("flood", "look-up p99 during the flood", "< 100 ms", f.LookupP99MS, fmt.Sprintf("%.1f ms", f.LookupP99MS), f.LookupsOK > 0 && f.LookupP99MS < 100)
		bad := f.Status5xxNot503 + f.NoRetryAfter
		add("flood", "refusals clean (503 + Retry-After, no other 5xx)", "0 unclean", float64(bad), fmt.Sprintf("%d unclean of %d", bad, f.Requests), bad == 0)
		if r.Hash != nil {
			add("flood", "401s within hash capacity (none unchecked)", "≤ 1.1 × hash/s", f.CheckedToHash,
				fmt.Sprintf("%.2f × hash/s (≥ %d answered without a check)", f.CheckedToHash, f.UncheckedMin), f.UncheckedMin == 0)
		}
	}
	if im := r.Import; im != nil {
		if im.Bare != nil {
			add("import", "importer rows/s ÷ bare insert rows/s", "≥ 0.5", im.RatioToBare,
				fmt.Sprintf("%.2f (%.0f ÷ %.0f)", im.RatioToBare, im.PerSecond, im.Bare.PerSecond), im.RatioToBare >= 0.5)
		} else {
			na("import", "importer rows/s ÷ bare insert rows/s", "≥ 0.5", "bare insert not measured")
		}
		if im.PeakRSSMiB != nil {
			add("import", "RSS flat (2nd half peak vs 1st)", "≤ +10% or +16 MiB", *im.SecondHalfMiB-*im.FirstHalfMiB,
				fmt.Sprintf("%+.1f MiB (peak %.1f MiB)", *im.SecondHalfMiB-*im.FirstHalfMiB, *im.PeakRSSMiB), im.Flat)
		} else {
			na("import", "RSS flat", "≤ +10% or +16 MiB", "memory not readable")
		}
	}
	if s := r.Scale; s != nil {
		add("scale", fmt.Sprintf("look-up p99 at %d ÷ at %d rows", s.LargeRows, s.SmallRows), "≤ 2", s.Ratio, fmt.Sprintf("%.2f", s.Ratio), s.Ratio > 0 && s.Ratio <= 2)
	}
	if f := r.Filing; f != nil {
		if r.Hash != nil {
			add("filing", "reports accepted/s ÷ hashes/s (64 clients)", "≥ 0.85", f.Ratio, fmt.Sprintf("%.3f", f.Ratio), f.Ratio >= 0.85)
		}
		add("filing", "5xx answers", "0", float64(f.Status5xx), fmt.Sprint(f.Status5xx), f.Status5xx == 0)
		ic := f.InputControl
		add("filing", fmt.Sprintf("input control, %s with %d rows (best of %d)", ic.Form, ic.Rows, ic.Runs), "< 5 ms", ic.BestMS,
			fmt.Sprintf("%.2f ms (median %.2f)", ic.BestMS, ic.MedianMS), ic.BestMS < 5)
	}
	if f := r.FilingRace; f != nil {
		add("filing-race", "accepted", fmt.Sprintf("= %d", f.Pairs), float64(f.Accepted), fmt.Sprintf("%d (stored %d)", f.Accepted, f.Stored),
			f.Accepted == int64(f.Pairs) && f.Stored == int64(f.Pairs) && f.PairsWithOne == f.Pairs)
		add("filing-race", "already_filed", fmt.Sprintf("= %d", f.Requests-f.Pairs), float64(f.AlreadyFiled), fmt.Sprint(f.AlreadyFiled),
			f.AlreadyFiled == int64(f.Requests-f.Pairs))
		add("filing-race", "5xx answers", "0", float64(f.Status5xx), fmt.Sprintf("%d (%d 503 + Retry-After waited out and sent again)", f.Status5xx, f.Refused503), f.Status5xx == 0)
	}
	if v := r.VAT; v != nil {
		bad := v.Overlaps + v.Misplaced
		add("vat", "overlapping or misplaced ranges", "0", float64(bad), fmt.Sprintf("%d in %d ranges", bad, v.Ranges), bad == 0 && v.Ranges > 0)
		add("vat", "gaps in the sequence; quantities not held", "0", float64(v.Gaps+v.WrongQuantity),
			fmt.Sprintf("%d gaps, %d of %d applications wrong", v.Gaps, v.WrongQuantity, v.Assigned+v.WrongQuantity), v.Gaps == 0 && v.WrongQuantity == 0)
		add("vat", "5xx answers", "0", float64(v.Status5xx), fmt.Sprint(v.Status5xx), v.Status5xx == 0)
		if v.LookupPerSecond > 0 {
			add("vat", "assignments/s ÷ look-ups/s", "≥ 0.25", v.Ratio, fmt.Sprintf("%.3f", v.Ratio), v.Ratio >= 0.25)
		}
	}
	if p := r.PDF; p != nil {
		add("pdf", "time per page, slowest form (best of runs)", "< 20 ms", p.WorstPerPageMS, fmt.Sprintf("%.2f ms", p.WorstPerPageMS), p.WorstPerPageMS < 20)
	}
	if s := r.FilingScale; s != nil {
		add("scale-filings", fmt.Sprintf("office list p99 at %d ÷ at %d filings", s.LargeFilings, s.SmallFilings), "≤ 2", s.Ratio,
			fmt.Sprintf("%.2f", s.Ratio), s.Ratio > 0 && s.Ratio <= 2 && s.Large.OK > 0 && s.Large.OK == s.Large.Requests)
		// Each list an officer asks for, not only the mix: one slow filter hides in the whole.
		worst, name := 0.0, ""
		for k := range s.LargeByFilter {
			if r := ratio(s.LargeByFilter[k].P99MS, s.SmallByFilter[k].P99MS); r > worst || name == "" {
				worst, name = r, s.LargeByFilter[k].Filter
			}
		}
		add("scale-filings", "office list p99 ratio, slowest filter", "≤ 2", worst, fmt.Sprintf("%.2f (%s)", worst, name), worst > 0 && worst <= 2)
	}
}

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTable prints the report for people.
func (r *report) writeTable(w io.Writer) error {
	fmt.Fprintf(w, "kabinet bench — %s, %s\n", r.Engine, r.Target)
	procs := ""
	if r.GoMaxProcs > 0 {
		procs = fmt.Sprintf("GOMAXPROCS %d, ", r.GoMaxProcs)
	}
	fmt.Fprintf(w, "%d cores, %s%s, argon2id %s, %d hashes at once (%s); %.4g s per measurement, ≤ %d requests each, %d registry rows\n",
		r.Cores, procs, r.GoVersion, r.HashParams, r.HashSlots, r.HashPriority, r.Seconds, r.MaxRequests, r.Rows)
	for _, a := range r.Adjustments {
		fmt.Fprintf(w, "  · %s\n", a)
	}
	fmt.Fprintln(w)
	const head = "%-7s %-30s %10s %8s %8s %8s %5s %6s  %s\n"
	fmt.Fprintf(w, head, "", "measurement", "per s", "p50 ms", "p99 ms", "ok", "5xx", "ratio", "notes")
	num := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	line := func(scn, what, rate, p50, p99 string, ok, e5 any, ratio, notes string) {
		fmt.Fprintf(w, head, scn, what, rate, p50, p99, fmt.Sprint(ok), fmt.Sprint(e5), ratio, notes)
	}
	// row is a measurement's line; note, when set, opens its notes.
	row := func(scn, what string, f rateFigures, ratio, want, note string) {
		notes := strings.TrimSpace(note + " " + others(f.Status, want))
		if f.StoppedBy == "data" {
			notes = strings.TrimSpace(notes + " (stopped: the prepared ИНН ran out)")
		}
		if f.FirstErr != "" {
			notes = strings.TrimSpace(notes + " first error: " + f.FirstErr)
		}
		line(scn, what, num(f.PerSecond, 1), num(f.P50MS, 1), num(f.P99MS, 1), f.OK, f.Status5xx, ratio, notes)
	}
	if h := r.Hash; h != nil {
		line("hash", fmt.Sprintf("argon2id, %d workers", h.Workers), num(h.PerSecond, 1), num(h.P50MS, 1), "", h.Hashes, "", "",
			"the limit of sign-ins and applications")
	}
	if l := r.Login; l != nil {
		for _, lv := range l.Levels {
			line("login", fmt.Sprintf("sign-in, %d client(s)", lv.Clients), num(lv.PerSecond, 1), num(lv.P50MS, 1), num(lv.P99MS, 1),
				lv.OK, lv.Status5xx, num(lv.Ratio, 2), strings.TrimSpace(hashBesideNote(lv.HashBeside)+" "+others(lv.Status, "200")))
		}
	}
	if l := r.Lookup; l != nil {
		for _, lv := range l.Levels {
			row("lookup", fmt.Sprintf("empty handler, %d clients", lv.Clients), lv.Empty, "", "200", "")
			row("lookup", fmt.Sprintf("registry look-up, %d clients", lv.Clients), lv.Lookup, num(lv.Ratio, 3), "200", "")
		}
	}
	if a := r.Apply; a != nil {
		row("apply", fmt.Sprintf("application, %d clients", a.Clients), a.rateFigures, num(a.Ratio, 2), "201", hashBesideNote(a.HashBeside))
	}
	if f := r.Flood; f != nil {
		rss := "RSS unknown"
		if f.PeakRSSMiB != nil {
			rss = fmt.Sprintf("peak RSS %.1f MiB (from %.1f)", *f.PeakRSSMiB, *f.RSSBeforeMiB)
		}
		line("flood", fmt.Sprintf("%d wrong sign-ins at once", f.Clients), num(f.CheckedPerSecond, 1), "", "", f.CheckedPasswords,
			f.Status503+f.Status5xxNot503, num(f.CheckedToHash, 2), strings.TrimSpace(hashBesideNote(f.HashBeside)+" (before or after); "+rss+" "+others(f.Status, "401")))
		line("flood", "look-up every 20 ms meanwhile", "", num(f.LookupP50MS, 1), num(f.LookupP99MS, 1), f.LookupsOK, "", "",
			strings.TrimSpace(fmt.Sprintf("max %.1f ms %s", f.LookupMaxMS, others(f.LookupStatus, "200"))))
	}
	if d := r.Decision; d != nil {
		line("decide", fmt.Sprintf("grant, %d workers (store)", d.Workers), "", num(d.P50MS, 1), num(d.P99MS, 1), d.Decisions, "", "",
			fmt.Sprintf("max %.1f ms; the grants that made the sign-in accounts", d.MaxMS))
	}
	if im := r.Import; im != nil {
		mem := "RSS unknown"
		if im.PeakRSSMiB != nil {
			mem = fmt.Sprintf("RSS %.1f → peak %.1f MiB (1st half %.1f, 2nd half %.1f)", *im.RSSBeforeMiB, *im.PeakRSSMiB, *im.FirstHalfMiB, *im.SecondHalfMiB)
		}
		if bare := im.Bare; bare != nil {
			line("import", fmt.Sprintf("bare insert, %d rows in %.1f s", bare.Rows, bare.Seconds), num(bare.PerSecond, 0), "", "", bare.Rows, "", "",
				"one prepared INSERT, 10,000 rows a transaction, into a scratch copy of the registry's table: the importer's limit")
		}
		ratio := ""
		if im.Bare != nil {
			ratio = num(im.RatioToBare, 2)
		}
		line("import", fmt.Sprintf("%d rows in %.1f s", im.Rows, im.Seconds), num(im.PerSecond, 0), "", "", im.Rows-im.Rejected, "", ratio, mem)
	}
	if s := r.Scale; s != nil {
		row("scale", fmt.Sprintf("look-up, %d rows", s.SmallRows), s.Small, "", "200", "")
		row("scale", fmt.Sprintf("look-up, %d rows", s.LargeRows), s.Large, num(s.Ratio, 2), "200", "")
	}
	if f := r.Filing; f != nil {
		notes := others(f.Status, "201")
		if f.StoppedBy == "data" {
			notes = strings.TrimSpace(notes + " (stopped: the prepared reports ran out)")
		}
		if f.FirstRefusal != "" {
			notes = strings.TrimSpace(notes + " first refusal: " + f.FirstRefusal)
		}
		line("filing", fmt.Sprintf("STI-091 filed, %d clients", f.Clients), num(f.PerSecond, 1), num(f.P50MS, 1), num(f.P99MS, 1), f.OK,
			f.Status5xx, num(f.Ratio, 2), strings.TrimSpace(fmt.Sprintf("%s; %d accounts × %d periods %s", hashBesideNote(f.HashBeside), f.Accounts, f.Periods, notes)))
		ic := f.InputControl
		line("filing", fmt.Sprintf("input control, %d rows", ic.Rows), "", num(ic.MedianMS, 2), "", ic.Runs, "", "",
			fmt.Sprintf("%s: best %.2f ms of %d runs (p50 column: median)", ic.Form, ic.BestMS, ic.Runs))
	}
	if f := r.FilingRace; f != nil {
		line("race", fmt.Sprintf("%d first reports, %d pairs", f.Requests, f.Pairs), "", "", "", f.Accepted, f.Status5xx, "",
			strings.TrimSpace(fmt.Sprintf("%d instances, %s in %.2f s: %d accepted, %d already_filed, %d stored; %d 503 retried %s",
				f.Instances, f.Period, f.Seconds, f.Accepted, f.AlreadyFiled, f.Stored, f.Refused503, others(f.Other, ""))))
	}
	if v := r.VAT; v != nil {
		notes := others(v.Status, "201")
		if v.StoppedBy == "data" {
			notes = strings.TrimSpace(notes + " (stopped: the prepared applications ran out)")
		}
		if v.FirstRefusal != "" {
			notes = strings.TrimSpace(notes + " first refusal: " + v.FirstRefusal)
		}
		line("vat", fmt.Sprintf("assignment, %d officers", v.Clients), num(v.PerSecond, 1), num(v.P50MS, 1), num(v.P99MS, 1), v.OK, v.Status5xx,
			num(v.Ratio, 2), strings.TrimSpace(fmt.Sprintf("%d instances; ratio to look-ups by %d clients in turns with it, %.1f/s %s", v.Instances, v.LookupClients, v.LookupPerSecond, notes)))
		line("vat", "ranges checked", "", "", "", v.Ranges, "", "", fmt.Sprintf("%d numbers from position %d: %d overlaps, %d gaps, %d misplaced, %d wrong quantities %s",
			v.Numbers, v.FirstPosition, v.Overlaps, v.Gaps, v.Misplaced, v.WrongQuantity, strings.Join(v.RangeProblems, "; ")))
	}
	if p := r.PDF; p != nil {
		row("pdf", fmt.Sprintf("forms rendered, %d workers", p.Clients), p.rateFigures, "", "200", "")
		for _, f := range p.Forms {
			line("pdf", f.Name, "", num(f.BestMS, 1), "", f.Pages, "", "", fmt.Sprintf("%d page(s), %.2f ms a page (best of %d), %d KiB", f.Pages, f.PerPageMS, f.Runs, f.Bytes/1024))
		}
	}
	if s := r.FilingScale; s != nil {
		row("scale", fmt.Sprintf("office filing list, %d", s.SmallFilings), s.Small, "", "200", "")
		row("scale", fmt.Sprintf("office filing list, %d", s.LargeFilings), s.Large, num(s.Ratio, 2), "200", "")
		for k := range s.LargeByFilter {
			sm, lg := s.SmallByFilter[k], s.LargeByFilter[k]
			line("scale", "  "+lg.Filter, "", num(lg.P50MS, 1), num(lg.P99MS, 1), lg.Lists, "", num(ratio(lg.P99MS, sm.P99MS), 2),
				fmt.Sprintf("at %d filings: p50 %.1f, p99 %.1f ms", s.SmallFilings, sm.P50MS, sm.P99MS))
		}
		line("scale", fmt.Sprintf("seeded %d filings", s.Seeded), num(s.SeedPerSecond, 0), "", "", s.Seeded, "", "", seedNote(s))
	}
	for _, name := range scenarioNames() {
		if why, ok := r.Skipped[name]; ok {
			fmt.Fprintf(w, "%s: skipped: %s\n", name, why)
		}
	}
	if len(r.Checks) > 0 {
		fmt.Fprintln(w, "\ntargets (BENCH.md), from this run:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range r.Checks {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.Status, c.Scenario, c.Name, c.Target, c.Shown)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "%d of %d targets missed\n", r.Failed, len(r.Checks)-countNA(r.Checks))
	}
	if r.ServerLog != "" {
		fmt.Fprintf(w, "server log kept: %s\n", r.ServerLog)
	}
	return nil
}

func countNA(cs []check) int {
	n := 0
	for _, c := range cs {
		if c.Status == "n/a" {
			n++
		}
	}
	return n
}

// others lists the status counts other than the expected one: "401×3 503×12".
func others(status map[string]int64, want string) string {
	var parts []string
	for _, k := range sortedKeys(status) {
		if k != want {
			parts = append(parts, fmt.Sprintf("%s×%d", k, status[k]))
		}
	}
	return strings.Join(parts, " ")
}

func sortedKeys(m map[string]int64) []string {
	// Numbers sort as text here ("200" < "401" < "503" < "error"), which is their order.
	return slices.Sorted(maps.Keys(m))
}

// hashBesideNote is the note of a figure divided by the hash rate measured in turns with it.
func hashBesideNote(perSecond float64) string {
	return fmt.Sprintf("hash beside %.1f/s", perSecond)
}

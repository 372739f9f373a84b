package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kabinet"
	"kabinet/i18n"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// supRegistryFile is a registry file with bad lines: an impossible ИНН (line 3), an
// unknown office (line 5), a wrong kind (line 6); lines 2 and 4 load.
const supRegistryFile = "inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference\n" +
	"21511199000123,individual,Садыков Эмиль Болотович,,,038,\"г. Нарын\",active,\n" +
	"11399199000123,individual,Плохая Дата,,,038,,active,\n" +
	"02202201910456,legal,ОсОО «Тоо Суу»,Директор,Исаков Бек,038,\"г. Нарын\",active,\n" +
	"21511199000777,individual,Неизвестный Орган,,,999x,,active,\n" +
	"21511199000888,alien,Чужой Вид,,,038,,active,\n"

// lineRow is a rejected line as the job's page shows it.
type lineRow struct {
	Line   string `json:"line"`
	Reason string `json:"reason"`
}

func jobLines(t *testing.T, ctx context.Context) []lineRow {
	t.Helper()
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]lineRow](`[...document.querySelectorAll('#job table.sup-lines tbody tr')].map(r =>
		({line: r.cells[0].textContent.trim(), reason: r.cells[1].textContent.trim()}))`))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The supervisor in the browser (issue 14, point 9), with JavaScript, in Russian and
// Kyrgyz: a running import's page follows its job to the end by itself; the supervisor
// uploads a registry file with bad lines from the menu's «Реестр» page and reads the
// report (progress to done, each rejected line with its number and reason); the audit
// viewer finds the upload; the chain's verification runs and says the chain is intact.
// axe-core finds no violation, of any impact, on the new pages in either language.
func TestBrowserSupervisor(t *testing.T) {
	chromiumPath(t)
	axeCore(t)
	dbURL := dbtest.URL(t, dbtest.Engines[0])
	base := startInstance(t, dbURL, kabinet.SystemClock{}, true)
	sup := officeSignIn(t, base, true, "supervisor", "Demo!Super2026")
	ru := func(key string) string { return prefix(i18n.RU, key) }
	ky := func(key string) string { return prefix(i18n.KY, key) }

	// A job running elsewhere (held open here): its page shows it running and follows it,
	// without a reload, to its end.
	db, err := store.Open(context.Background(), dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	boss, err := db.StaffByLogin(context.Background(), "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	held, err := db.StartJob(context.Background(), store.StaffActor{Staff: boss}, store.NewJob{Kind: store.JobRegistryImport,
		Instance: "another box", FileName: "held.csv", FileBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	db.ReportJob(context.Background(), held.ID, store.JobProgress{Total: 1000, Done: 400, Read: 40, Loaded: 40})
	do(t, sup, "the running job's page", chromedp.Navigate(fmt.Sprintf("%s/office/registry/jobs/%d", base, held.ID)),
		chromedp.WaitVisible(chromedp.CSS("#job[data-poll] progress[value='40']")))
	shot(t, sup, "sup-01-running")
	if s := text(t, sup, "#job .job-state"); !hasText(s, ru("sup.job.state.running")) {
		t.Errorf("the running job's state: %q", s)
	}
	db.FinishJob(context.Background(), held.ID, store.JobProgress{Total: 1000, Done: 1000, Read: 100, Loaded: 100}, store.JobOutcome{State: store.JobDone})
	do(t, sup, "the page follows the job to its end", chromedp.WaitVisible(chromedp.CSS("#job.panel-success:not([data-poll]) progress[value='100']")))
	if live := text(t, sup, "#job-live"); !hasText(live, ru("sup.job.state.done")) {
		t.Errorf("the state's change was not told to screen readers: %q", live)
	}

	// The upload, from the menu.
	file := filepath.Join(t.TempDir(), "registry-2026-11.csv")
	if err := os.WriteFile(file, []byte(supRegistryFile), 0o644); err != nil {
		t.Fatal(err)
	}
	page(t, sup, "the registry page from the menu", steps(chromedp.Click(chromedp.CSS(`.site-nav a[href="/office/registry"]`))),
		chromedp.WaitVisible(chromedp.CSS("#registry_file")))
	do(t, sup, "choose the file", chromedp.SetUploadFiles(chromedp.CSS("#registry_file"), []string{file}))
	shot(t, sup, "sup-02-upload")
	page(t, sup, "upload", steps(chromedp.Click(chromedp.CSS("form.sup-registry-form button[type=submit]"))),
		chromedp.WaitVisible(chromedp.CSS("#job")))
	do(t, sup, "the import to its end", chromedp.WaitVisible(chromedp.CSS("#job.panel-success progress[value='100']")))
	shot(t, sup, "sup-03-report")
	report := text(t, sup, "#job")
	for _, want := range []string{ru("sup.job.state.done"), "registry-2026-11.csv", ru("sup.lines.title")} {
		if !hasText(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	counts, err := chromedp.Run(sup, chromedp.Evaluate[[]string](`['.count-read', '.count-loaded', '.count-rejected'].map(s => document.querySelector('#job ' + s).textContent.trim())`))
	if err != nil || strings.Join(counts, " ") != "5 2 3" {
		t.Errorf("read, loaded, rejected: %v %v", counts, err)
	}
	lines := jobLines(t, sup)
	want := []lineRow{{"3", "inn: "}, {"5", `office_code: "999x" is not a known tax office`}, {"6", `kind: "alien" is not individual, entrepreneur or legal`}}
	if len(lines) != len(want) {
		t.Fatalf("rejected lines: %+v", lines)
	}
	for i, w := range want {
		if lines[i].Line != w.Line || !strings.HasPrefix(lines[i].Reason, w.Reason) {
			t.Errorf("rejected line %d: %+v, want %+v", i, lines[i], w)
		}
	}
	jobURL, _ := chromedp.Run(sup, chromedp.Evaluate[string](`location.href`))

	// The same report in Kyrgyz.
	setLang(t, sup, base, i18n.KY)
	do(t, sup, "the report in Kyrgyz", chromedp.Navigate(jobURL), chromedp.WaitVisible(chromedp.CSS("#job.panel-success")))
	if s := text(t, sup, "#job"); !hasText(s, ky("sup.job.state.done")) || !hasText(s, ky("sup.lines.title")) || !hasText(s, ky("sup.count.rejected")) {
		t.Errorf("the report in Kyrgyz:\n%s", s)
	}
	if got := jobLines(t, sup); len(got) != 3 || got[1].Line != "5" {
		t.Errorf("rejected lines in Kyrgyz: %+v", got)
	}

	// The audit viewer finds the upload.
	page(t, sup, "the audit viewer from the menu", steps(chromedp.Click(chromedp.CSS(`.site-nav a[href="/office/audit"]`))),
		chromedp.WaitVisible(chromedp.CSS("#action")))
	do(t, sup, "filter by action", chromedp.SendKeys(chromedp.CSS("#action"), "registry.upload"))
	page(t, sup, "filter", steps(chromedp.Click(chromedp.CSS("form.sup-audit-filter button[type=submit]"))),
		chromedp.WaitVisible(chromedp.CSS("table.sup-audit")))
	shot(t, sup, "sup-04-audit")
	rows, err := chromedp.Run(sup, chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.sup-audit tbody tr')].map(r => r.textContent)`))
	if err != nil || len(rows) != 2 { // the held job and the upload
		t.Fatalf("registry.upload entries: %q %v", rows, err)
	}
	if !strings.Contains(rows[0], "registry.upload") || !strings.Contains(rows[0], "staff:supervisor") || !strings.Contains(rows[0], "registry-2026-11.csv") {
		t.Errorf("the upload's entry: %q", rows[0])
	}

	// The chain's verification, as a job.
	page(t, sup, "verify the chain", steps(chromedp.Click(chromedp.CSS(`form[action="/office/audit/verify"] button`))),
		chromedp.WaitVisible(chromedp.CSS("#job")))
	do(t, sup, "the verification to its end", chromedp.WaitVisible(chromedp.CSS("#job.panel-success .job-result")))
	shot(t, sup, "sup-05-verified")
	if s := text(t, sup, "#job .job-result"); !hasText(s, ky("sup.audit.intact")) {
		t.Errorf("the chain's state: %q", s)
	}
	verifyURL, _ := chromedp.Run(sup, chromedp.Evaluate[string](`location.href`))

	// At 1280 px the nine entries of the supervisor's menu make two tidy rows, in both
	// languages: every officer's pages on the first, the supervisor's own on a second row
	// under its label («Башкаруу», «Управление»), each on one row, no entry's words
	// broken; «Чыгуу»/«Выход» on one line; the header a quarter of the screen at most.
	for _, lang := range []i18n.Lang{i18n.KY, i18n.RU} {
		setLang(t, sup, base, lang)
		do(t, sup, "the audit viewer at 1280 px", chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(base+"/office/audit"),
			chromedp.WaitVisible(chromedp.CSS(".nav-admin a[aria-current=page]")))
		shot(t, sup, "sup-06-menu-"+string(lang)+"-1280")
		b := measureOfficeHeader(t, sup)
		t.Logf("%s at 1280 px: menu rows %d + %d (the supervisor's row at %.0f px, the first ends at %.0f px); «%s» %d line box(es); header and menu %.1f%% of 1000 px",
			lang, b.Rows, b.AdminRows, b.AdminTop, b.MenuEnd, b.Text, b.Rects, b.Share*100)
		if b.Rows != 1 || !b.Admin || b.AdminRows != 1 || b.AdminTop < b.MenuEnd-1 || len(b.Broken) > 0 {
			t.Errorf("%s: the menu at 1280 px: first row(s) %d, the supervisor's row %v with %d row(s) at %.0f (the first ends at %.0f), entries that wrap %q",
				lang, b.Rows, b.Admin, b.AdminRows, b.AdminTop, b.MenuEnd, b.Broken)
		}
		if b.Text != i18n.T(lang, "web.nav.logout") || b.Rects != 1 || b.Top > b.Row {
			t.Errorf("%s: the sign-out %q: %d line box(es), top %.0f, the header row ends at %.0f", lang, b.Text, b.Rects, b.Top, b.Row)
		}
		if label := text(t, sup, ".nav-admin-label"); !hasText(label, i18n.T(lang, "sup.nav.admin")) {
			t.Errorf("%s: the supervisor's row is labelled %q", lang, label)
		}
		if b.Share > 0.25 {
			t.Errorf("%s: the header and the menu take %.0f%% of a 1280×1000 screen, want at most 25%%", lang, b.Share*100)
		}
	}

	// axe on every new page, in both languages.
	for _, lang := range i18n.Langs {
		setLang(t, sup, base, lang)
		for i, p := range []string{base + "/office/offices", base + "/office/staff", base + "/office/registry", jobURL, base + "/office/audit", verifyURL} {
			do(t, sup, "open "+p, chromedp.Navigate(p), chromedp.WaitVisible(chromedp.CSS("main h1")))
			shot(t, sup, fmt.Sprintf("sup-page-%s-%d", lang, i))
			if l, _ := chromedp.Run(sup, chromedp.Evaluate[string](`document.documentElement.lang`)); l != string(lang) {
				t.Errorf("I18N-1 %s: <html lang=%q>", p, l)
			}
			axeClean(t, sup, string(lang)+" "+p)
		}
	}
}

package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// Issue 14, point 9: a background job is started by a supervisor only (audited), one
// of a kind at a time across instances; its progress and the lines it keeps (capped,
// with a count of the rest) are read back; its end frees the kind and is audited with
// the counts; a job whose instance stopped is marked failed (interrupted) — when the
// instance starts again, or when its heartbeat goes stale — never left running.
func TestJobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, clock := open(t, url)
		ctx := context.Background()
		sup := staffActor(t, db, store.NewStaff{Login: "boss", Role: kabinet.RoleSupervisor, Password: "Boss!2026xy"})
		officer := staffActor(t, db, store.NewStaff{Login: "naryn", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Naryn!2026x"})
		upload := store.NewJob{Kind: store.JobRegistryImport, Instance: "a", FileName: "registry-2026.csv", FileBytes: 5000, Format: store.FormatCSV}

		if _, err := db.StartJob(ctx, officer, upload); kabinet.ErrorCode(err) != "supervisor_only" {
			t.Fatalf("an officer starts a job: %v", err)
		}
		j, err := db.StartJob(ctx, sup, upload)
		if err != nil {
			t.Fatal(err)
		}
		e := lastAudit(t, db, "registry.upload", fmt.Sprintf("job:%d", j.ID))
		if e.Actor != "staff:boss" || !strings.Contains(e.Details, `"file":"registry-2026.csv"`) || !strings.Contains(e.Details, `"bytes":5000`) {
			t.Errorf("SEC-1 registry.upload entry %+v", e)
		}
		// One registry import at a time, on any instance; another kind may run beside it.
		other := upload
		other.Instance = "b"
		_, err = db.StartJob(ctx, sup, other)
		if ke, _ := kabinet.AsError(err); ke == nil || ke.Code != "job_running" || ke.Details["job"] != int(j.ID) {
			t.Fatalf("a second import while one runs: %v", err)
		}
		verify, err := db.StartJob(ctx, sup, store.NewJob{Kind: store.JobAuditVerify, Instance: "b"})
		if err != nil {
			t.Fatalf("a verification beside an import: %v", err)
		}

		// Progress and lines: 1,005 rejected lines reported in two goes, 1,000 kept.
		var lines []store.JobLine
		for i := 1; i <= 1005; i++ {
			lines = append(lines, store.JobLine{Line: int64(i + 1), Reason: fmt.Sprintf("inn: bad %d", i)})
		}
		if err := db.ReportJob(ctx, j.ID, store.JobProgress{Total: 5000, Done: 2500, Read: 700, Loaded: 0, Rejected: 700, Lines: lines[:700]}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Job(ctx, store.JobRegistryImport, j.ID)
		if err != nil || got.State != store.JobRunning || got.Percent() != 50 || got.Read != 700 || len(got.Lines) != 700 {
			t.Fatalf("after the first report: %+v %v", got, err)
		}
		if _, err := db.Job(ctx, store.JobAuditVerify, j.ID); kabinet.ErrorCode(err) != "job_not_found" {
			t.Errorf("a job asked for under another kind: %v", err)
		}
		done := store.JobProgress{Total: 5000, Done: 5000, Read: 1100, Loaded: 95, Rejected: 1005, Lines: lines[700:], Kept: 700}
		if err := db.FinishJob(ctx, j.ID, done, store.JobOutcome{State: store.JobDone}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Job(ctx, store.JobRegistryImport, j.ID)
		if got.State != store.JobDone || got.FinishedAt == nil || got.Percent() != 100 || len(got.Lines) != store.JobLinesKept ||
			got.Unlisted() != 5 || got.Lines[999].Line != 1001 || got.Lines[0].Reason != "inn: bad 1" {
			t.Fatalf("finished: state %s, %d lines, %d unlisted", got.State, len(got.Lines), got.Unlisted())
		}
		e = lastAudit(t, db, "registry.import_job", fmt.Sprintf("job:%d", j.ID))
		for _, want := range []string{`"state":"done"`, `"read":1100`, `"loaded":95`, `"rejected":1005`, `"file":"registry-2026.csv"`} {
			if !strings.Contains(e.Details, want) || e.Actor != "staff:boss" {
				t.Errorf("SEC-1 registry.import_job entry by %s lacks %s: %s", e.Actor, want, e.Details)
			}
		}
		if err := db.ReportJob(ctx, j.ID, done); kabinet.ErrorCode(err) != "job_not_running" {
			t.Errorf("a report on a finished job: %v", err)
		}

		// The kind is free again. Instance a stops mid-job: its heartbeat goes stale.
		j2, err := db.StartJob(ctx, sup, upload)
		if err != nil {
			t.Fatalf("the next import: %v", err)
		}
		clock.Advance(store.JobStaleAfter + time.Second)
		if got, _ := db.Job(ctx, store.JobRegistryImport, j2.ID); got.State != store.JobFailed || got.ErrorCode != "interrupted" {
			t.Errorf("a stale job reads as %s %q", got.State, got.ErrorCode)
		}
		j3, err := db.StartJob(ctx, sup, other)
		if err != nil {
			t.Fatalf("an import after a stale one: %v", err)
		}
		lastAudit(t, db, "job.interrupted", fmt.Sprintf("job:%d", j2.ID))
		if err := db.ReportJob(ctx, j2.ID, store.JobProgress{}); kabinet.ErrorCode(err) != "job_not_running" {
			t.Errorf("the stale job's runner reports: %v", err)
		}

		// A late heartbeat nobody acted on yet keeps its job: the runner was slow, not gone.
		if err := db.ReportJob(ctx, verify.ID, store.JobProgress{Total: 10, Done: 3}); err != nil {
			t.Errorf("a late report on a job not yet marked: %v", err)
		}
		if got, _ := db.Job(ctx, store.JobAuditVerify, verify.ID); got.State != store.JobRunning || got.Percent() != 30 {
			t.Errorf("the verification after its late report: %s %d%%", got.State, got.Percent())
		}
		// Instance b starts again: what it ran stopped, however fresh its heartbeat.
		n, err := db.FailInterruptedJobs(ctx, "a")
		if err != nil || n != 0 {
			t.Errorf("instance a starts: %d failed, %v (it runs nothing now)", n, err)
		}
		n, err = db.FailInterruptedJobs(ctx, "b")
		if err != nil || n != 2 {
			t.Errorf("instance b starts: %d failed, %v, want its import and its verification", n, err)
		}
		if got, _ := db.Job(ctx, store.JobRegistryImport, j3.ID); got.State != store.JobFailed || got.ErrorCode != "interrupted" {
			t.Errorf("b's import after b restarted: %s %q", got.State, got.ErrorCode)
		}
		list, err := db.Jobs(ctx, store.JobRegistryImport, 10)
		if err != nil || len(list) != 3 || list[0].ID != j3.ID || list[2].ID != j.ID {
			t.Errorf("the list: %d jobs, %v", len(list), err)
		}
		if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("SEC-1 chain: %v %v", err, rep.Breaks)
		}
	})
}

// Issue 14, point 9: ImportRegistryProgress reports after each committed batch, with
// the same counts and bad lines as ImportRegistry; the last report and the result agree.
func TestImportRegistryProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db, _ := open(t, url)
		var b strings.Builder
		b.WriteString("inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference\n")
		for i := 1; i <= 4500; i++ {
			if i%1000 == 0 {
				fmt.Fprintf(&b, "1010119%07d,alien,Плохой,,,038,,active,\n", i)
				continue
			}
			fmt.Fprintf(&b, "1010119%07d,individual,Человек %d,,,038,,active,\n", i, i)
		}
		var reports []store.ImportReport
		var bad []store.LineError
		rep, err := db.ImportRegistryProgress(context.Background(), store.System, "big.csv", store.FormatCSV, strings.NewReader(b.String()),
			func(e store.LineError) { bad = append(bad, e) }, func(r store.ImportReport) { reports = append(reports, r) })
		if err != nil {
			t.Fatal(err)
		}
		if rep.Read != 4500 || rep.Loaded != 4496 || rep.Rejected != 4 || len(bad) != 4 || bad[0].Line != 1001 {
			t.Fatalf("report %+v, bad %v", rep, bad)
		}
		if len(reports) != 3 || reports[0].Loaded != 2000 || reports[1].Loaded != 4000 || reports[2] != rep {
			t.Errorf("progress %+v, want after 2,000, 4,000 and the last", reports)
		}
	})
}

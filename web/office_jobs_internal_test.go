package web

import (
	"context"
	"strconv"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/password"
	"kabinet/store"
)

// Issue 14, point 9: an instance that stops (Close, before its database closes) stops
// its running jobs, and each records itself failed (interrupted) and is audited; a job
// whose work panics is failed, not the instance.
func TestJobsStopWithTheInstance(t *testing.T) {
	ctx := context.Background()
	h := password.NewHasher(password.Params{Memory: 64, Time: 1, Threads: 1}, 2, time.Second)
	db, err := store.Open(ctx, dbtest.URL(t, dbtest.Engines[0]), store.Options{Hasher: h})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sup, err := db.CreateStaff(ctx, store.System, store.NewStaff{Login: "boss", Role: kabinet.RoleSupervisor, Password: "Boss!2026xy"})
	if err != nil {
		t.Fatal(err)
	}
	st := store.StaffActor{Staff: sup, Address: "192.0.2.1"}
	s := New(Config{Instance: "test"}, Deps{DB: db, Hasher: h})

	panicked, err := s.jobs.start(ctx, st, store.NewJob{Kind: store.JobAuditVerify}, func(ctx context.Context, r *jobReport) store.JobOutcome {
		panic("boom")
	}, func() {})
	if err != nil {
		t.Fatal(err)
	}
	for {
		j, _ := db.Job(ctx, store.JobAuditVerify, panicked.ID)
		if j.State != store.JobRunning {
			if j.State != store.JobFailed || j.ErrorCode != "internal" {
				t.Errorf("a panicking job: %s %q", j.State, j.ErrorCode)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	started := make(chan struct{})
	cleaned := make(chan struct{})
	job, err := s.jobs.start(ctx, st, store.NewJob{Kind: store.JobRegistryImport, FileName: "r.csv", FileBytes: 10},
		func(ctx context.Context, r *jobReport) store.JobOutcome {
			r.update(ctx, func(p *store.JobProgress) { p.Done, p.Read = 5, 3 })
			close(started)
			<-ctx.Done() // a long import, until the instance stops
			return s.jobs.outcomeOf(r.id, ctx.Err())
		}, func() { close(cleaned) })
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	<-cleaned
	j, err := db.Job(ctx, store.JobRegistryImport, job.ID)
	if err != nil || j.State != store.JobFailed || j.ErrorCode != "interrupted" || j.Read != 3 || j.FinishedAt == nil {
		t.Fatalf("the job after Close: %+v %v", j, err)
	}
	p, _ := db.SearchAudit(ctx, store.AuditQuery{Action: "registry.import_job", Subject: "job:" + itoa(job.ID)})
	if len(p.Events) != 1 || p.Events[0].Actor != "staff:boss" {
		t.Errorf("SEC-1 the interrupted job's end: %+v", p.Events)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

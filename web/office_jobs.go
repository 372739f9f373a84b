package web

// The back office's background jobs (issue 14, point 9): a registry file a supervisor
// uploaded, and a verification of the audit chain. A country's registry takes longer
// to load than any request may (--request-timeout), so the request that starts a job
// only records it (store.StartJob) and answers; the job runs in this process, bounded
// by the store's rule of one job of a kind at a time across all instances, and writes
// its progress and the lines it reports as it goes, which any instance's page reads.
// An instance that stops marks what it runs failed (Close), and one that dies is
// caught by the stale heartbeat or when it starts again (store.FailInterruptedJobs).

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"kabinet"
	"kabinet/store"
)

// jobRunner runs background jobs in this process.
type jobRunner struct {
	db       *store.DB
	log      *slog.Logger
	instance string
	ctx      context.Context // ends at Close: running jobs stop
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// jobWrite is how often a running job writes its progress at most (and
// store.JobHeartbeat at least).
const jobWrite = time.Second

func newJobRunner(db *store.DB, log *slog.Logger, instance string) *jobRunner {
	if instance == "" {
		instance, _ = os.Hostname()
	}
	ctx, cancel := context.WithCancel(context.Background())
	j := &jobRunner{db: db, log: log, instance: instance, ctx: ctx, cancel: cancel}
	if db != nil {
		// Whatever this instance ran before it (re)started has stopped.
		sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
		defer scancel()
		if n, err := db.FailInterruptedJobs(sctx, instance); err != nil {
			log.Warn("jobs: interrupted jobs not marked", slog.String("error", err.Error()))
		} else if n > 0 {
			log.Warn("jobs: marked interrupted jobs failed", slog.Int("jobs", n))
		}
	}
	return j
}

// Close stops the running jobs, which record themselves failed (interrupted), and waits
// for them until ctx ends. Call it before the database is closed.
func (s *Server) Close(ctx context.Context) error {
	s.jobs.cancel()
	done := make(chan struct{})
	go func() { s.jobs.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// jobFunc is a job's work: it reports through rep and returns how it ended.
type jobFunc func(ctx context.Context, rep *jobReport) store.JobOutcome

// start records a job for st and runs work in the background. cleanup runs when the
// job has ended, or at once if it could not start.
func (j *jobRunner) start(ctx context.Context, st store.StaffActor, n store.NewJob, work jobFunc, cleanup func()) (store.Job, error) {
	n.Instance = j.instance
	job, err := j.db.StartJob(ctx, st, n)
	if err != nil {
		cleanup()
		return job, err
	}
	jctx, cancel := context.WithCancel(j.ctx)
	rep := &jobReport{db: j.db, log: j.log, id: job.ID, cancel: cancel}
	rep.p.Total = n.FileBytes
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		defer cleanup()
		defer cancel()
		beat := time.NewTicker(store.JobHeartbeat)
		stop := make(chan struct{})
		go func() {
			for {
				select {
				case <-beat.C:
					rep.flush(jctx, true)
				case <-stop:
					return
				}
			}
		}()
		out := j.run(jctx, work, rep)
		beat.Stop()
		close(stop)
		rep.finish(out)
	}()
	return job, nil
}

// run runs work, turning a panic into a failed job rather than a dead instance.
func (j *jobRunner) run(ctx context.Context, work jobFunc, rep *jobReport) (out store.JobOutcome) {
	defer func() {
		if p := recover(); p != nil {
			j.log.Error("jobs: panic", slog.Int64("job", rep.id), slog.Any("panic", p))
			out = store.JobOutcome{State: store.JobFailed, ErrorCode: "internal", ErrorText: "the job failed"}
		}
	}()
	out = work(ctx, rep)
	if out.State == store.JobFailed && out.ErrorCode == "" {
		out.ErrorCode = "internal"
	}
	if ctx.Err() != nil && j.ctx.Err() != nil && out.State == store.JobFailed {
		out.ErrorCode, out.ErrorText = "interrupted", "the service stopped"
	}
	return out
}

// outcomeOf words a job's error: a kabinet error keeps its code (invalid_file: the
// file's header), a database outage is unavailable, anything else internal (logged).
func (j *jobRunner) outcomeOf(id int64, err error) store.JobOutcome {
	if err == nil {
		return store.JobOutcome{State: store.JobDone}
	}
	if errors.Is(err, context.Canceled) {
		return store.JobOutcome{State: store.JobFailed, ErrorCode: "interrupted", ErrorText: "the job was stopped"}
	}
	var e *kabinet.Error
	if errors.As(err, &e) && e.Kind != kabinet.KindInternal {
		return store.JobOutcome{State: store.JobFailed, ErrorCode: e.Code, ErrorText: e.Message}
	}
	j.log.Error("jobs: job failed", slog.Int64("job", id), slog.String("error", err.Error()))
	return store.JobOutcome{State: store.JobFailed, ErrorCode: "internal", ErrorText: "the job failed; the service's log says why"}
}

// jobReport collects a running job's progress and lines and writes them: at most every
// jobWrite as they come, and at least every store.JobHeartbeat.
type jobReport struct {
	db     *store.DB
	log    *slog.Logger
	id     int64
	cancel context.CancelFunc

	mu      sync.Mutex
	p       store.JobProgress // the counts; p.Lines holds the lines not yet written
	written time.Time

	writing sync.Mutex // one write at a time, so lines are numbered once
}

// update changes the counts under the lock and writes them if it is time.
func (r *jobReport) update(ctx context.Context, f func(p *store.JobProgress)) {
	r.mu.Lock()
	f(&r.p)
	due := time.Since(r.written) >= jobWrite
	r.mu.Unlock()
	if due {
		r.flush(ctx, false)
	}
}

// line keeps a reported line, while fewer than store.JobLinesKept are kept.
func (r *jobReport) line(ctx context.Context, l store.JobLine) {
	r.update(ctx, func(p *store.JobProgress) {
		if p.Kept+len(p.Lines) < store.JobLinesKept {
			p.Lines = append(p.Lines, l)
		}
	})
}

// snapshot copies the progress to write.
func (r *jobReport) snapshot() store.JobProgress {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.p
	p.Lines = append([]store.JobLine(nil), r.p.Lines...)
	return p
}

// written marks the lines of p as kept.
func (r *jobReport) wrote(p store.JobProgress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p.Lines = r.p.Lines[len(p.Lines):]
	r.p.Kept += len(p.Lines)
	r.written = time.Now()
}

// flush writes the progress (and touches the heartbeat). A job that was meanwhile
// marked interrupted is stopped; a failed write is tried again at the next flush.
func (r *jobReport) flush(ctx context.Context, force bool) {
	r.writing.Lock()
	defer r.writing.Unlock()
	if !force {
		r.mu.Lock()
		due := time.Since(r.written) >= jobWrite
		r.mu.Unlock()
		if !due {
			return
		}
	}
	p := r.snapshot()
	err := r.db.ReportJob(ctx, r.id, p)
	switch {
	case err == nil:
		r.wrote(p)
	case kabinet.ErrorCode(err) == "job_not_running":
		r.log.Warn("jobs: the job was marked interrupted; stopping it", slog.Int64("job", r.id))
		r.cancel()
	case ctx.Err() == nil:
		r.log.Warn("jobs: progress not written", slog.Int64("job", r.id), slog.String("error", err.Error()))
	}
}

// finish records how the job ended, on a context of its own: a job stopped by Close
// still says so.
func (r *jobReport) finish(out store.JobOutcome) {
	r.writing.Lock()
	defer r.writing.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.db.FinishJob(ctx, r.id, r.snapshot(), out); err != nil {
		r.log.Error("jobs: the job's end not recorded", slog.Int64("job", r.id), slog.String("error", err.Error()))
	}
}

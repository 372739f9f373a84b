package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kabinet"
)

// The back office's background jobs (issue 14, point 9): a registry file a supervisor
// uploaded, and a verification of the audit chain. Either may take longer than any
// request may, so the instance that takes one runs it in the background and writes
// its progress here, where every instance's pages read it; a job survives page
// reloads and sign-outs, and an instance that stops mid-job leaves it to be marked
// failed (interrupted), never "running" for ever.

// JobKind names what a job does.
type JobKind string

const (
	JobRegistryImport JobKind = "registry_import" // a registry file loaded by ImportRegistryProgress
	JobAuditVerify    JobKind = "audit_verify"    // the audit chain checked by VerifyAuditProgress
)

// JobState is where a job stands.
type JobState string

const (
	JobRunning JobState = "running"
	JobDone    JobState = "done"   // ran to its end; a registry import may still have rejected lines
	JobFailed  JobState = "failed" // stopped: error_code says why
)

// JobLinesKept is how many lines a job keeps (a registry file's rejected lines, the
// chain's breaks); the job's count says how many more there were.
const JobLinesKept = 1000

// JobStaleAfter is how long a running job may go without touching its heartbeat
// before it is taken for interrupted (its instance stopped or lost the database). A
// running job touches it at least every JobHeartbeat.
const (
	JobStaleAfter = 2 * time.Minute
	JobHeartbeat  = 15 * time.Second
)

// Job is one background job and, from Job, the lines it kept.
type Job struct {
	ID        int64
	Kind      JobKind
	State     JobState
	CreatedBy string // the actor who started it, "staff:<login>"
	Address   string
	Instance  string
	FileName  string
	// Progress: for a registry import, the file's bytes read of FileBytes and its
	// lines read, loaded and rejected; for a chain verification, the entries checked
	// (Done) of the log's head (Total) and the breaks found (Rejected).
	Total, Done            int64
	Read, Loaded, Rejected int64
	ErrorCode, ErrorText   string
	StartedAt, Heartbeat   time.Time
	FinishedAt             *time.Time
	Lines                  []JobLine // from Job only
}

// JobLine is a line a job reports: a rejected line's number and reason, or a break.
type JobLine struct {
	Line   int64
	Reason string
}

// Percent is how far the job has come, 0…100; a finished job is at 100.
func (j Job) Percent() int {
	switch {
	case j.State != JobRunning:
		return 100
	case j.Total <= 0:
		return 0
	}
	p := int(j.Done * 100 / j.Total)
	return min(max(p, 0), 99)
}

// Unlisted is how many lines were reported beyond those kept.
func (j Job) Unlisted() int64 {
	if j.Kind == JobRegistryImport || j.Kind == JobAuditVerify {
		return max(j.Rejected-int64(len(j.Lines)), 0)
	}
	return 0
}

// NewJob is a job to start.
type NewJob struct {
	Kind      JobKind
	Instance  string // the instance that will run it
	FileName  string // a registry import's file, as uploaded
	FileBytes int64
	Format    RegistryFormat
}

// JobProgress is a running job's counts so far and the lines to keep since the last report.
type JobProgress struct {
	Total, Done            int64
	Read, Loaded, Rejected int64
	Lines                  []JobLine // the next lines, numbered on from those kept
	Kept                   int       // how many lines were kept before these
}

// JobOutcome is how a job ended.
type JobOutcome struct {
	State     JobState // done or failed
	ErrorCode string   // a failed job's: invalid_file, interrupted, internal
	ErrorText string   // in English, for the operator; pages word the code
	Details   map[string]any
}

// jobActions are the audit log's actions for a job's start and end.
var jobActions = map[JobKind][2]string{
	JobRegistryImport: {"registry.upload", "registry.import_job"},
	JobAuditVerify:    {"audit.verify_start", "audit.verify"},
}

func jobSubject(id int64) string { return fmt.Sprintf("job:%d", id) }

// StartJob records a job as running, audited as its start (who uploaded which file,
// or who asked for the chain to be checked). Only a supervisor may (issue 14, point 9).
// One job of a kind runs at a time across all instances: while one runs, another is
// refused with job_running, naming it (details "job"). A running job whose heartbeat
// is stale is first marked failed (interrupted).
func (db *DB) StartJob(ctx context.Context, s StaffActor, n NewJob) (Job, error) {
	if s.Role != kabinet.RoleSupervisor {
		return Job{}, kabinet.Errorf(kabinet.KindForbidden, "supervisor_only", "only a supervisor may start a job")
	}
	actions, ok := jobActions[n.Kind]
	if !ok {
		return Job{}, fmt.Errorf("store: start job: unknown kind %q", n.Kind)
	}
	name, err := kabinet.CleanText("file", n.FileName, 200)
	if err != nil {
		return Job{}, err
	}
	j := Job{Kind: n.Kind, State: JobRunning, CreatedBy: s.actor().Name, Address: s.Address, Instance: n.Instance,
		FileName: name, Total: n.FileBytes}
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.failStaleJobs(ctx, "", n.Kind); err != nil {
			return err
		}
		var running int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM jobs WHERE running_kind = $1", string(n.Kind)).Scan(&running)
		if err == nil {
			return jobRunning(running)
		}
		if !errors.Is(err, errNoRows) {
			return fmt.Errorf("store: start job: %w", err)
		}
		j.StartedAt, j.Heartbeat = tx.now, tx.now
		err = tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, state, running_kind, created_by, address, instance, file_name, file_bytes,
			started_at, heartbeat_at) VALUES ($1, $2, $1, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			string(j.Kind), string(j.State), j.CreatedBy, j.Address, j.Instance, j.FileName, j.Total, ms(tx.now)).Scan(&j.ID)
		if err != nil {
			if db.dialect.isUniqueViolation(err) {
				return jobRunning(0) // another instance started one in the meantime
			}
			return fmt.Errorf("store: start job: %w", err)
		}
		details := map[string]any{"job": j.ID}
		if n.Kind == JobRegistryImport {
			details["file"], details["bytes"], details["format"] = j.FileName, j.Total, string(n.Format)
		}
		return tx.audit(ctx, s.actor(), actions[0], jobSubject(j.ID), details)
	})
	return j, err
}

func jobRunning(id int64) error {
	e := kabinet.Errorf(kabinet.KindConflict, "job_running", "a job of this kind is running; wait for it to end")
	if id > 0 {
		e = e.With("job", int(id))
	}
	return e
}

// errJobNotRunning is what a report on a job that is no longer running answers: it was
// marked interrupted (its heartbeat went stale), and its runner should stop.
var errJobNotRunning = kabinet.Errorf(kabinet.KindConflict, "job_not_running", "the job is no longer running")

// ReportJob writes a running job's progress and the lines it keeps, and touches its
// heartbeat. It answers job_not_running when the job was meanwhile marked interrupted.
func (db *DB) ReportJob(ctx context.Context, id int64, p JobProgress) error {
	return db.inTx(ctx, func(tx *Tx) error {
		return tx.reportJob(ctx, id, p, JobRunning)
	})
}

// reportJob writes p into the job, if it is running, leaving it in state: a job that
// ends gives up its kind's slot (running_kind) and records when.
func (tx *Tx) reportJob(ctx context.Context, id int64, p JobProgress, state JobState) error {
	q := `UPDATE jobs SET file_bytes = $1, bytes_done = $2, rows_read = $3, rows_loaded = $4, rows_rejected = $5,
		heartbeat_at = $6, state = $7, finished_at = $8, running_kind = kind WHERE id = $9 AND state = 'running'`
	var finished sql.NullInt64
	if state != JobRunning {
		finished = sql.NullInt64{Int64: ms(tx.now), Valid: true}
		q = strings.Replace(q, "running_kind = kind", "running_kind = NULL", 1)
	}
	res, err := tx.ExecContext(ctx, q, p.Total, p.Done, p.Read, p.Loaded, p.Rejected, ms(tx.now), string(state), finished, id)
	if err != nil {
		return fmt.Errorf("store: report job %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errJobNotRunning
	}
	for i, l := range p.Lines {
		k := p.Kept + i + 1
		if k > JobLinesKept {
			break
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO job_lines (job_id, n, line, reason) VALUES ($1, $2, $3, $4)",
			id, k, l.Line, cleanReason(l.Reason)); err != nil {
			return fmt.Errorf("store: report job %d: %w", id, err)
		}
	}
	return nil
}

// cleanReason keeps a reason storable on both engines: valid UTF-8, no NUL (a
// rejected line's reason may quote what the file held), bounded.
func cleanReason(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if r := []rune(s); len(r) > 500 {
		s = string(r[:500]) + "…"
	}
	return s
}

// FinishJob records how a running job ended, with its last counts and lines, audited
// in the name of whoever started it (the upload's file and counts, or the chain's
// state). It answers job_not_running when the job was meanwhile marked interrupted.
func (db *DB) FinishJob(ctx context.Context, id int64, p JobProgress, o JobOutcome) error {
	if o.State != JobDone && o.State != JobFailed {
		return fmt.Errorf("store: finish job %d: state %q", id, o.State)
	}
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.reportJob(ctx, id, p, o.State); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE jobs SET error_code = $1, error_text = $2 WHERE id = $3",
			o.ErrorCode, cleanReason(o.ErrorText), id); err != nil {
			return fmt.Errorf("store: finish job %d: %w", id, err)
		}
		var kind, by, addr, file string
		if err := tx.QueryRowContext(ctx, "SELECT kind, created_by, address, file_name FROM jobs WHERE id = $1", id).
			Scan(&kind, &by, &addr, &file); err != nil {
			return fmt.Errorf("store: finish job %d: %w", id, err)
		}
		details := map[string]any{"job": id, "state": string(o.State)}
		for k, v := range o.Details {
			details[k] = v
		}
		if o.ErrorCode != "" {
			details["error"] = o.ErrorCode
		}
		if JobKind(kind) == JobRegistryImport {
			details["file"], details["read"], details["loaded"], details["rejected"] = file, p.Read, p.Loaded, p.Rejected
		}
		return tx.audit(ctx, Actor{Name: by, Address: addr}, jobActions[JobKind(kind)][1], jobSubject(id), details)
	})
}

// FailInterruptedJobs marks failed (interrupted) every running job of instance (an
// instance starting again: whatever it was running has stopped) and every running
// job whose heartbeat is stale, audited as the system's act. An instance calls it as
// it starts.
func (db *DB) FailInterruptedJobs(ctx context.Context, instance string) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.failStaleJobs(ctx, instance, "")
		return err
	})
	return n, err
}

// failStaleJobs fails the running jobs of instance (when not empty) and those whose
// heartbeat is stale, of kind (when not empty).
func (tx *Tx) failStaleJobs(ctx context.Context, instance string, kind JobKind) (int, error) {
	stale := ms(tx.now.Add(-JobStaleAfter))
	rows, err := tx.QueryContext(ctx, `SELECT id FROM jobs WHERE running_kind IS NOT NULL
		AND ($1 = '' OR kind = $1) AND (heartbeat_at < $2 OR ($3 <> '' AND instance = $3)) ORDER BY id`, string(kind), stale, instance)
	if err != nil {
		return 0, fmt.Errorf("store: stale jobs: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', running_kind = NULL, finished_at = $1,
			error_code = 'interrupted', error_text = 'the instance running the job stopped' WHERE id = $2`, ms(tx.now), id); err != nil {
			return 0, fmt.Errorf("store: fail job %d: %w", id, err)
		}
		if err := tx.audit(ctx, System, "job.interrupted", jobSubject(id), nil); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

const jobColumns = `id, kind, state, created_by, address, instance, file_name, file_bytes, bytes_done, rows_read, rows_loaded,
	rows_rejected, error_code, error_text, started_at, heartbeat_at, finished_at`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var started, beat int64
	var finished sql.NullInt64
	err := row.Scan(&j.ID, &j.Kind, &j.State, &j.CreatedBy, &j.Address, &j.Instance, &j.FileName, &j.Total, &j.Done, &j.Read,
		&j.Loaded, &j.Rejected, &j.ErrorCode, &j.ErrorText, &started, &beat, &finished)
	j.StartedAt, j.Heartbeat, j.FinishedAt = fromMS(started), fromMS(beat), fromNullMS(finished)
	return j, err
}

// stale shows a running job whose heartbeat is stale as what it is: interrupted.
func (db *DB) stale(j Job) Job {
	if j.State == JobRunning && db.clock.Now().Sub(j.Heartbeat) > JobStaleAfter {
		j.State, j.ErrorCode = JobFailed, "interrupted"
	}
	return j
}

// Job returns one job of kind with the lines it kept, or job_not_found.
func (db *DB) Job(ctx context.Context, kind JobKind, id int64) (Job, error) {
	j, err := scanJob(db.sql.QueryRowContext(ctx, "SELECT "+jobColumns+" FROM jobs WHERE id = $1 AND kind = $2", id, string(kind)))
	if errors.Is(err, errNoRows) {
		return j, kabinet.Errorf(kabinet.KindNotFound, "job_not_found", "no such job")
	}
	if err != nil {
		return j, fmt.Errorf("store: job %d: %w", id, err)
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT line, reason FROM job_lines WHERE job_id = $1 ORDER BY n", id)
	if err != nil {
		return j, fmt.Errorf("store: job %d lines: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l JobLine
		if err := rows.Scan(&l.Line, &l.Reason); err != nil {
			return j, err
		}
		j.Lines = append(j.Lines, l)
	}
	return db.stale(j), rows.Err()
}

// Jobs returns the latest jobs of kind, newest first, without their lines.
func (db *DB) Jobs(ctx context.Context, kind JobKind, limit int) ([]Job, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT "+jobColumns+" FROM jobs WHERE kind = $1 ORDER BY id DESC LIMIT $2", string(kind), limit)
	if err != nil {
		return nil, fmt.Errorf("store: jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, db.stale(j))
	}
	return out, rows.Err()
}

-- The back office's background jobs (issue 14, point 9): a registry file a supervisor
-- uploaded, loaded through store.ImportRegistryProgress by the instance that took it,
-- and a verification of the audit chain, which may take longer than any request may.
-- Same conventions as 0001: {{ID}} replaced by store/dialect.go, times as BIGINT
-- milliseconds (UTC).
CREATE TABLE jobs (
    id            {{ID}},
    kind          TEXT NOT NULL,                -- registry_import, audit_verify
    state         TEXT NOT NULL,                -- running, done, failed
    -- The job's kind while it runs, NULL once it has ended: the unique constraint lets
    -- one job of a kind run at a time across all instances (NULLs never collide).
    running_kind  TEXT UNIQUE,
    created_by    TEXT NOT NULL,                -- the actor, "staff:<login>"
    address       TEXT NOT NULL DEFAULT '',     -- the client address it was started from
    instance      TEXT NOT NULL,                -- the instance running it
    file_name     TEXT NOT NULL DEFAULT '',
    file_bytes    BIGINT NOT NULL DEFAULT 0,
    bytes_done    BIGINT NOT NULL DEFAULT 0,    -- progress: bytes of the file read, entries checked
    rows_read     BIGINT NOT NULL DEFAULT 0,
    rows_loaded   BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    error_code    TEXT NOT NULL DEFAULT '',     -- why a failed job failed: invalid_file, interrupted, internal
    error_text    TEXT NOT NULL DEFAULT '',
    started_at    BIGINT NOT NULL,
    heartbeat_at  BIGINT NOT NULL,              -- a running job touches it; a stale one was interrupted
    finished_at   BIGINT
);
CREATE INDEX jobs_kind ON jobs (kind, id);

-- What a job reports line by line: a registry file's rejected lines (number and
-- reason, as `kabinet registry import` prints them), or the audit chain's breaks.
-- At most store.JobLinesKept per job; the job's rows_rejected counts the rest.
CREATE TABLE job_lines (
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    n      INTEGER NOT NULL,                    -- 1, 2, … in the order reported
    line   BIGINT NOT NULL,                     -- the file's line number; 0 for a chain break
    reason TEXT NOT NULL,
    PRIMARY KEY (job_id, n)
);

-- The audit viewer (issue 14, point 9) filters by actor, action or subject and pages
-- newest first by seq: each filter reads its own index from the end, so a rare actor
-- in a long log costs what its entries cost, not a scan of the log.
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);

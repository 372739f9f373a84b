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

-- The audit viewer (issue 14, point 9) pages newest first by seq; a range of dates is
-- turned into a range of seq through this index on at (store.SearchAudit), so a search
-- within dates reads only the entries of those dates. Every look-up and sign-in
-- appends to the log, so it gets no more indexes than this one, which is written in
-- order (at rises with seq). Measured on SQLite, 50,000 look-up entries appended ten
-- to a transaction: 20 µs an entry with no index, 25 with this one, 33 with indexes
-- on (actor, seq) and (action, seq) instead, 40 with all three, and 47 with one on
-- (subject, seq) alone (subjects are as scattered as the ИНН looked up).
CREATE INDEX audit_log_at ON audit_log (at);

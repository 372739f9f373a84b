-- Filing tax reports (CAB-2; FIL-1 … FIL-9). Same conventions as 0001: one text for both
-- engines, {{ID}} and {{BOOL}} replaced by store/dialect.go, times as BIGINT milliseconds
-- (UTC), calendar dates as TEXT YYYY-MM-DD.

-- Every accepted report, every version: a correction marks the version it replaces
-- 'replaced' and keeps it (FIL-5: history keeps every version).
CREATE TABLE filings (
    id                {{ID}},
    number            TEXT NOT NULL UNIQUE,  -- F-2026-0000123, service-wide (FIL-7)
    inn               TEXT NOT NULL,
    office_code       TEXT NOT NULL,         -- the subject's office when filed (FIL-9)
    form_code         TEXT NOT NULL,         -- STI-107
    form_version      INTEGER NOT NULL,      -- 3 for STI-107_3
    period            TEXT NOT NULL,         -- YYYY-MM, YYYY-Qn or YYYY
    type              TEXT NOT NULL,         -- field 001: initial, correction, liquidation
    status            TEXT NOT NULL,         -- current, replaced
    received_at       BIGINT NOT NULL,
    due_date          TEXT NOT NULL,         -- the period's due date (FIL-8)
    late              {{BOOL}} NOT NULL,
    accepted_on       TEXT NOT NULL,         -- cell 901, the Bishkek date of receipt
    digest            TEXT NOT NULL,         -- SHA-256 of the canonical content, hex (FIL-6)
    verification_code TEXT NOT NULL,
    content           TEXT NOT NULL,         -- the canonical content as filed (JSON)
    login             TEXT NOT NULL,         -- the account that filed it
    idempotency_key   TEXT,                  -- NULL when the client sent none
    replaces          TEXT,                  -- the number of the version a correction replaced
    replaced_by       TEXT                   -- the number of the correction that replaced this one
);
-- FIL-5 as a database fact: at most one first report (initial or liquidation) per
-- subject, form and period, even when two instances accept one at the same moment.
CREATE UNIQUE INDEX filings_first ON filings (inn, form_code, period) WHERE type <> 'correction';
-- At most one current version per subject, form and period (two corrections at once).
CREATE UNIQUE INDEX filings_current ON filings (inn, period, form_code) WHERE status = 'current';
-- FIL-6: one Idempotency-Key names one submission of one subject.
CREATE UNIQUE INDEX filings_idempotency ON filings (inn, idempotency_key);
-- The subject's own list, the period's accepted version, the last filing of a form.
CREATE INDEX filings_subject ON filings (inn, form_code, received_at);
-- FIL-9: the office's list by form, period and lateness, newest first, and the office's
-- whole list newest first; the supervisor's list across offices by form and period.
CREATE INDEX filings_office ON filings (office_code, form_code, period, late, id);
CREATE INDEX filings_office_recent ON filings (office_code, id);
CREATE INDEX filings_form_period ON filings (form_code, period, id);

INSERT INTO counters (name, value) VALUES ('filing', 0);

-- FIL-2: the typed input of a report not yet filed, one per subject, form and period,
-- so that filling can be resumed on another device. Deleted when the report is accepted.
CREATE TABLE filing_drafts (
    inn        TEXT NOT NULL,
    form_code  TEXT NOT NULL,
    period     TEXT NOT NULL,
    input      TEXT NOT NULL,                -- the typed input, JSON
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (inn, form_code, period)
);

-- FIL-1: form versions a supervisor loaded from a file at run time; the service adds
-- them to the catalogue at start, beside the definitions shipped in the binary.
CREATE TABLE form_versions (
    code       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    definition TEXT NOT NULL,                -- the definition, JSON
    loaded_at  BIGINT NOT NULL,
    loaded_by  TEXT NOT NULL,
    PRIMARY KEY (code, version)
);

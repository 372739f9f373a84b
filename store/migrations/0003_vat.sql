-- VAT invoice series and numbers (CAB-3; VAT-1 … VAT-7). Same conventions as 0001: one
-- text for both engines, {{ID}} and {{BOOL}} replaced by store/dialect.go, times as
-- BIGINT milliseconds (UTC), calendar dates as TEXT YYYY-MM-DD.

-- The registry file's two optional columns (SPEC "Registry file"): the date the subject
-- became a VAT payer (NULL: not one, VAT-1) and the report forms it must file,
-- space-separated codes (FIL-8).
ALTER TABLE taxpayers ADD COLUMN vat_registered_on TEXT;
ALTER TABLE taxpayers ADD COLUMN reports TEXT NOT NULL DEFAULT '';

-- VAT-2: a subject's application for a quantity of invoice numbers, with the registry's
-- name and office as they were at submission. Its code comes from the same generator as
-- the applications' codes and is checked against both tables: application codes are
-- unique across the service.
CREATE TABLE vat_applications (
    id              {{ID}},
    code            TEXT NOT NULL UNIQUE,
    inn             TEXT NOT NULL,
    name            TEXT NOT NULL,
    office_code     TEXT NOT NULL REFERENCES offices(code),
    quantity        INTEGER NOT NULL,
    status          TEXT NOT NULL,             -- open, assigned, refused
    submitted_at    BIGINT NOT NULL,
    due_at          BIGINT NOT NULL,           -- the end of the VATDays-th calendar day after
    decided_at      BIGINT,
    decided_by      TEXT,                      -- the staff login
    decision_number TEXT REFERENCES decisions(number),
    ground          TEXT NOT NULL DEFAULT '',  -- refusals: not_vat_payer, registration_liquidated, fraud_evidence, other
    ground_text     TEXT NOT NULL DEFAULT ''   -- the ground "other" stated
);
-- At most one open VAT application per subject (409 application_open), held by the
-- database even when two are submitted at once on two instances.
CREATE UNIQUE INDEX vat_applications_open ON vat_applications (inn) WHERE status = 'open';
CREATE INDEX vat_applications_inn ON vat_applications (inn, submitted_at);
CREATE INDEX vat_applications_office ON vat_applications (office_code, status, due_at);

-- VAT-4: the national sequence, one row. next_pos is the position of the next free
-- number (0 is AA 0000001); an assignment advances it in one UPDATE … RETURNING under
-- the row's lock, so no number is handed out twice on any instance.
CREATE TABLE vat_sequence (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    next_pos BIGINT NOT NULL
);
INSERT INTO vat_sequence (id, next_pos) VALUES (1, 0);

-- VAT-3, VAT-4: the ranges a decision assigned, each within one series; VAT-5: the
-- annulled tail, from annulled_from to to_no (NULL: none annulled).
CREATE TABLE vat_ranges (
    id              {{ID}},
    decision_number TEXT NOT NULL REFERENCES decisions(number),
    application_id  BIGINT NOT NULL REFERENCES vat_applications(id),
    inn             TEXT NOT NULL,
    series          TEXT NOT NULL,
    from_no         INTEGER NOT NULL,
    to_no           INTEGER NOT NULL,
    start_pos       BIGINT NOT NULL UNIQUE,
    annulled_from   INTEGER,
    annulled_at     BIGINT,
    CHECK (from_no >= 1 AND from_no <= to_no AND to_no <= 9999999),
    CHECK (annulled_from IS NULL OR (annulled_from >= from_no AND annulled_from <= to_no)),
    UNIQUE (series, from_no)
);
CREATE INDEX vat_ranges_inn ON vat_ranges (inn, id);
CREATE INDEX vat_ranges_application ON vat_ranges (application_id, start_pos);

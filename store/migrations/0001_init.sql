-- Kabinet schema. One text for both engines: {{ID}}, {{BOOL}} and {{TEXTKEY}} are the
-- only dialect differences and are replaced by store/dialect.go. Times are stored as
-- BIGINT milliseconds since the Unix epoch, UTC, so both engines compare and order them alike.

CREATE TABLE offices (
    code    TEXT PRIMARY KEY,
    name_ru TEXT NOT NULL,
    name_ky TEXT NOT NULL
);

-- The tax registration database the application form fills from.
CREATE TABLE taxpayers (
    inn             TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    head_position   TEXT NOT NULL DEFAULT '',
    head_name       TEXT NOT NULL DEFAULT '',
    office_code     TEXT NOT NULL REFERENCES offices(code),
    address         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    fraud_reference TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);
CREATE INDEX taxpayers_office ON taxpayers (office_code);

CREATE TABLE applications (
    id              {{ID}},
    code            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    inn             TEXT NOT NULL,
    name            TEXT NOT NULL,
    office_code     TEXT NOT NULL REFERENCES offices(code),
    address         TEXT NOT NULL,
    passport        TEXT NOT NULL,
    passport_flag   {{BOOL}} NOT NULL,
    signatory       TEXT NOT NULL,
    filled_at       BIGINT NOT NULL,
    password_hash   TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL DEFAULT 'ru',
    status          TEXT NOT NULL,
    received_at     BIGINT,
    received_by     TEXT,
    due_at          BIGINT,
    decided_at      BIGINT,
    decision_number TEXT
);
CREATE INDEX applications_inn ON applications (inn, kind, status);
CREATE INDEX applications_office ON applications (office_code, status);

CREATE TABLE application_events (
    id             {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications(id),
    status         TEXT NOT NULL,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_app ON application_events (application_id, id);

CREATE TABLE decisions (
    number            TEXT PRIMARY KEY,
    application_id    BIGINT REFERENCES applications(id),
    kind              TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    ground            TEXT NOT NULL DEFAULT '',
    reference         TEXT NOT NULL DEFAULT '',
    inn               TEXT NOT NULL,
    name              TEXT NOT NULL,
    office_code       TEXT NOT NULL,
    officer           TEXT NOT NULL,
    decided_at        BIGINT NOT NULL,
    login             TEXT NOT NULL DEFAULT '',
    verification_code TEXT NOT NULL,
    on_time           {{BOOL}} NOT NULL
);
CREATE INDEX decisions_inn ON decisions (inn);
CREATE INDEX decisions_office_time ON decisions (office_code, decided_at);

-- Named counters handed out atomically (UPDATE … RETURNING): decision numbers, and later
-- VAT invoice ranges. The row lock makes the values unique across instances.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('decision', 0);

CREATE TABLE accounts (
    id                  {{ID}},
    login               TEXT NOT NULL UNIQUE,
    inn                 TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    code_word_hash      TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    last_activity_at    BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE staff (
    id                  {{ID}},
    login               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL,
    office_code         TEXT REFERENCES offices(code),
    password_hash       TEXT NOT NULL,
    totp_secret         TEXT NOT NULL DEFAULT '',
    totp_required       {{BOOL}} NOT NULL,
    active              {{BOOL}} NOT NULL,
    created_at          BIGINT NOT NULL,
    last_activity_at    BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

-- PWD-3: failures counted per submitted login (existing or not), reserved atomically
-- before the password is checked. Key: "t:<login>" for taxpayers, "s:<login>" for staff.
CREATE TABLE login_attempts (
    login_key    TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- Fixed-window counters for rate limits held in the database, so they hold across instances.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count        INTEGER NOT NULL
);

-- SEC-4: sessions live in the database; instances stay stateless. Only the token's hash is kept.
CREATE TABLE sessions (
    id             {{ID}},
    token_hash     TEXT NOT NULL UNIQUE,
    principal      TEXT NOT NULL,
    subject_id     BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    last_seen_at   BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    must_change    {{BOOL}} NOT NULL,
    client_address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_subject ON sessions (principal, subject_id);

-- CAB-1: recent sign-ins of an account.
CREATE TABLE sign_ins (
    id         {{ID}},
    login      TEXT NOT NULL,
    account_id BIGINT,
    at         BIGINT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    outcome    TEXT NOT NULL
);
CREATE INDEX sign_ins_account ON sign_ins (account_id, at);

-- CAB-1: notifications shown in the cabinet.
CREATE TABLE notifications (
    id      {{ID}},
    inn     TEXT NOT NULL,
    at      BIGINT NOT NULL,
    kind    TEXT NOT NULL,
    params  TEXT NOT NULL DEFAULT '{}',
    read_at BIGINT
);
CREATE INDEX notifications_inn ON notifications (inn, at);

-- PWD-6 and other settings a supervisor changes; value is JSON.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- SEC-1: the append-only audit log. Each entry's hash covers its fields and the previous
-- hash; audit_head holds the last seq and hash, and its row lock serialises appends.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    address   TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

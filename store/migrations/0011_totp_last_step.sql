-- SEC-1, issue 12 point 6: the last TOTP time step (Unix time / 30 s) accepted from each
-- staff account; a code of that step or earlier is a replay and is refused.
ALTER TABLE staff ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

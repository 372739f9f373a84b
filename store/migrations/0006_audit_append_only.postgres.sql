-- SEC-1: the audit log is append-only. The service only ever INSERTs into audit_log;
-- on PostgreSQL these triggers refuse UPDATE, DELETE and TRUNCATE from any role, so a
-- stray statement or a compromised service cannot rewrite history without first
-- altering the table (which needs its owner: run the service as a role that does not
-- own the tables — README, «A separate database role»). SQLite has no roles: whoever
-- can write the file can do anything, and only the chain and checkpoints tell.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

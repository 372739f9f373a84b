-- PostgreSQL roles for Kabinet (README, «A separate database role»). Run as a superuser,
-- once, in the database `kabinet`. kabinet_owner owns the schema and runs `kabinet migrate`;
-- kabinet_app runs `kabinet serve --no-migrate` and cannot alter tables, disable triggers,
-- or update, delete or truncate audit entries.
CREATE ROLE kabinet_owner LOGIN PASSWORD 'CHANGE-ME-OWNER';
CREATE ROLE kabinet_app   LOGIN PASSWORD 'CHANGE-ME-APP';
CREATE SCHEMA kabinet AUTHORIZATION kabinet_owner;
ALTER ROLE kabinet_owner SET search_path = kabinet;
ALTER ROLE kabinet_app   SET search_path = kabinet;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA kabinet TO kabinet_app;
-- Tables created by later migrations get the same rights.
ALTER DEFAULT PRIVILEGES FOR ROLE kabinet_owner IN SCHEMA kabinet
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kabinet_app;
ALTER DEFAULT PRIVILEGES FOR ROLE kabinet_owner IN SCHEMA kabinet
    GRANT USAGE, SELECT ON SEQUENCES TO kabinet_app;

-- Then, as kabinet_owner: kabinet migrate --db postgres://kabinet_owner@…/kabinet
-- and after every migration (it is idempotent):
--   REVOKE UPDATE, DELETE, TRUNCATE ON kabinet.audit_log FROM kabinet_app;

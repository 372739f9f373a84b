-- FIL-9: the office's list reads its newest page from the end of an index in id order
-- for every filter shape store.officeFilingsQuery builds, so it costs the same at a
-- million filings as at ten thousand (shared/BENCH.md, scale-filings). An office or a
-- period given is always in the index's key before id; form and lateness, a handful of
-- values each, may be left to a filter on such an index (no index leads with lateness:
-- SQLite, planning without statistics, would take it over an office's or a period's).
-- With 0002's indexes:
--   office                          filings_office_recent (office_code, id)
--   office + form [+ late]          filings_office_form (new)
--   office + period [+ form, late]  filings_office_period (new); all four: filings_office
--   form [+ late]                   filings_form (new)
--   form + period [+ late]          filings_form_period
--   period [+ late]                 filings_period (new)
--   late, current, or none          the primary key
--   a correction or liquidation     also filings_amending (new): they are few, and
--                                   otherwise PostgreSQL sorts them out of a full scan
CREATE INDEX filings_office_form ON filings (office_code, form_code, id);
CREATE INDEX filings_office_period ON filings (office_code, period, id);
CREATE INDEX filings_form ON filings (form_code, id);
CREATE INDEX filings_period ON filings (period, id);
CREATE INDEX filings_amending ON filings (id) WHERE type <> 'initial';

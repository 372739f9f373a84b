-- RST-2: at most one open application (formed or received) per subject and kind, held by
-- the database, so that concurrent applications on several instances cannot leave two
-- open (store.CreateApplication retries the one that loses the race).

-- A database written before this rule may hold several open applications of one subject
-- and kind: the newest stays open, the older ones are superseded, as RST-2 says, with the
-- change in their history, dated when the next open one was formed.
INSERT INTO application_events (application_id, status, at, actor)
SELECT a.id, 'superseded',
       (SELECT MIN(c.filled_at) FROM applications c WHERE c.inn = a.inn AND c.kind = a.kind
        AND c.status IN ('formed', 'received') AND c.id > a.id),
       'system'
FROM applications a
WHERE a.status IN ('formed', 'received')
  AND EXISTS (SELECT 1 FROM applications b WHERE b.inn = a.inn AND b.kind = a.kind
              AND b.status IN ('formed', 'received') AND b.id > a.id);
UPDATE applications SET status = 'superseded'
WHERE status IN ('formed', 'received')
  AND EXISTS (SELECT 1 FROM applications b WHERE b.inn = applications.inn AND b.kind = applications.kind
              AND b.status IN ('formed', 'received') AND b.id > applications.id);
CREATE UNIQUE INDEX applications_one_open ON applications (inn, kind) WHERE status IN ('formed', 'received');

-- ACC-4, SEC-2: the page of the application just formed (/applied) finds it through an
-- opaque token the forming browser holds in a cookie, never the code or the ИНН. Only
-- the token's SHA-256 (hex, ident.TokenHash) is kept, beside the application; NULL when
-- the application was not formed through a page (the API), or once «Готово» forgot it.
-- store.FormedApplication accepts it only within a short time of field 300.
ALTER TABLE applications ADD COLUMN formed_token TEXT;
CREATE UNIQUE INDEX applications_formed_token ON applications (formed_token) WHERE formed_token IS NOT NULL;

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kabinet"
	"kabinet/ident"
)

// The page of the application just formed (ACC-4, web/applied_show.go) finds it through
// an opaque token that the forming browser holds in a cookie: 256 random bits, of which
// the database keeps only the SHA-256 (applications.formed_token, migration 0014), so
// neither the browser's cookie store nor a copy of the database holds anything that
// names the subject or opens the status page. The token is in the shared database, so
// every instance finds the application by it. It is never written to the audit log.

// maxFormedToken bounds what is hashed: a token is ident.NewToken's 43 characters.
const maxFormedToken = 64

// NewFormedToken is a fresh token for NewApplication.FormedToken.
func (db *DB) NewFormedToken() (string, error) { return ident.NewToken(db.rand) }

// FormedApplication is the application formed with token (NewApplication.FormedToken)
// at or after since, with its history. An unknown, forgotten or empty token, or one of
// an application formed before since, is application_not_found.
func (db *DB) FormedApplication(ctx context.Context, token string, since time.Time) (kabinet.Application, error) {
	if token == "" || len(token) > maxFormedToken {
		return kabinet.Application{}, notFoundApplication()
	}
	a, err := scanApplication(db.sql.QueryRowContext(ctx, "SELECT "+applicationColumns+
		" FROM applications WHERE formed_token = $1 AND filled_at >= $2", ident.TokenHash(token), ms(since)))
	if errors.Is(err, errNoRows) {
		return a, notFoundApplication()
	}
	if err != nil {
		return a, fmt.Errorf("store: formed application: %w", err)
	}
	a.History, err = db.history(ctx, a.ID)
	return a, err
}

// ForgetFormed forgets token («Готово», or a token past its time): it finds nothing
// any more, on any instance. Forgetting an unknown token is no error.
func (db *DB) ForgetFormed(ctx context.Context, token string) error {
	if token == "" || len(token) > maxFormedToken {
		return nil
	}
	if _, err := db.sql.ExecContext(ctx, "UPDATE applications SET formed_token = NULL WHERE formed_token = $1", ident.TokenHash(token)); err != nil {
		return fmt.Errorf("store: forget formed token: %w", err)
	}
	return nil
}

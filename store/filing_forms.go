package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"kabinet"
)

// Form versions loaded at run time (FIL-1): definitions ship in the binary, and a
// supervisor can load a new version from a file without a new release. The store keeps
// what was loaded; the service parses each with form.Parse and adds it to the
// catalogue at start (and after a load). The caller parses and validates the
// definition before AddFormVersion, so a broken file is refused with its reasons
// and never stored.

// FormVersion is a form definition loaded by a supervisor.
type FormVersion struct {
	Code       string          `json:"code"`
	Version    int             `json:"version"`
	Definition json.RawMessage `json:"definition"`
	LoadedAt   time.Time       `json:"loaded_at"`
	LoadedBy   string          `json:"loaded_by"`
}

// AddFormVersion stores form code's version definition (JSON) loaded by supervisor s.
// Only a supervisor loads forms (403 forbidden); a version already loaded is 409
// form_version_exists, since filings name versions and a version never changes once
// reports may have been filed on it. Audited as form.load with the definition's digest.
func (db *DB) AddFormVersion(ctx context.Context, s StaffActor, code string, version int, definition []byte) error {
	if s.Role != kabinet.RoleSupervisor || !s.Active {
		return kabinet.Errorf(kabinet.KindForbidden, "forbidden", "only a supervisor loads form versions")
	}
	switch {
	case !validFormCode(code):
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_form", "no form %q", code)
	case version < 1:
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_version", "a form version is a positive integer")
	case len(definition) > MaxFilingContent:
		return kabinet.Errorf(kabinet.KindTooLarge, "too_large", "the definition is larger than %d bytes", MaxFilingContent)
	case !json.Valid(definition) || !utf8.Valid(definition):
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "the definition is not JSON")
	}
	sum := sha256.Sum256(definition)
	return db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM form_versions WHERE code = $1 AND version = $2", code, version).Scan(&n); err != nil {
			return fmt.Errorf("store: form version: %w", err)
		}
		if n > 0 {
			return formVersionExists(code, version)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO form_versions (code, version, definition, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5)",
			code, version, string(definition), ms(tx.now), s.Login); err != nil {
			if tx.db.dialect.isUniqueViolation(err) {
				return formVersionExists(code, version)
			}
			return fmt.Errorf("store: add form version: %w", err)
		}
		return tx.audit(ctx, s.actor(), "form.load", fmt.Sprintf("%s_%d", code, version), map[string]any{
			"code": code, "version": version, "digest": hex.EncodeToString(sum[:])})
	})
}

func formVersionExists(code string, version int) error {
	return kabinet.Errorf(kabinet.KindConflict, "form_version_exists", "%s_%d is already loaded", code, version)
}

// FormVersions returns every loaded form version, by code and version.
func (db *DB) FormVersions(ctx context.Context) ([]FormVersion, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT code, version, definition, loaded_at, loaded_by FROM form_versions ORDER BY code, version")
	if err != nil {
		return nil, fmt.Errorf("store: form versions: %w", err)
	}
	defer rows.Close()
	var out []FormVersion
	for rows.Next() {
		var v FormVersion
		var def string
		var at int64
		if err := rows.Scan(&v.Code, &v.Version, &def, &at, &v.LoadedBy); err != nil {
			return nil, fmt.Errorf("store: form versions: %w", err)
		}
		v.Definition, v.LoadedAt = json.RawMessage(def), fromMS(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

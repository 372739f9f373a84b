package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kabinet"
	"kabinet/password"
)

// NewStaff is what it takes to create a back-office account.
type NewStaff struct {
	Login      string
	Name       string
	Role       kabinet.Role
	OfficeCode string // required for an officer; empty for a supervisor
	Password   string
	// TOTPRequired makes the second factor compulsory from the start: the account
	// reaches only the enrolment page until its holder enrols (SEC-1).
	TOTPRequired bool
}

// validStaffLogin: lower-case Latin letters, digits, dot, hyphen, underscore; 3–40 characters.
func validStaffLogin(s string) bool {
	if len(s) < 3 || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// CreateStaff creates a back-office account (SEC-1): the same password policy as
// taxpayers, hashed with argon2id. It is audited.
func (db *DB) CreateStaff(ctx context.Context, who Actor, n NewStaff) (kabinet.Staff, error) {
	n.Login = strings.ToLower(strings.TrimSpace(n.Login))
	if !validStaffLogin(n.Login) {
		return kabinet.Staff{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_login", "login: 3–40 characters of a-z, 0-9, '.', '-', '_'")
	}
	name, err := kabinet.CleanText("name", n.Name, 200)
	if err != nil {
		return kabinet.Staff{}, err
	}
	switch n.Role {
	case kabinet.RoleOfficer:
		if n.OfficeCode == "" {
			return kabinet.Staff{}, kabinet.Errorf(kabinet.KindInvalid, "office_required", "an officer needs an office (--office CODE)")
		}
	case kabinet.RoleSupervisor:
		if n.OfficeCode != "" {
			return kabinet.Staff{}, kabinet.Errorf(kabinet.KindInvalid, "office_not_allowed", "a supervisor acts for every office; do not give --office")
		}
	default:
		return kabinet.Staff{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_role", "role must be officer or supervisor, not %q", n.Role)
	}
	if n.OfficeCode != "" {
		if _, err := db.Office(ctx, n.OfficeCode); err != nil {
			return kabinet.Staff{}, err
		}
	}
	pol, err := db.Policy(ctx)
	if err != nil {
		return kabinet.Staff{}, err
	}
	if failed := password.PolicyFrom(pol).Check(n.Password, password.Context{Login: n.Login}); len(failed) > 0 {
		return kabinet.Staff{}, kabinet.Errorf(kabinet.KindUnprocessable, "weak_password", "password fails: %s", strings.Join(failed, ", ")).With("rules", failed)
	}
	hash, err := db.hasher.Hash(ctx, n.Password)
	if err != nil {
		return kabinet.Staff{}, err
	}
	s := kabinet.Staff{Login: n.Login, Name: name, Role: n.Role, OfficeCode: n.OfficeCode, PasswordHash: hash, Active: true, TOTPRequired: n.TOTPRequired}
	err = db.inTx(ctx, func(tx *Tx) error {
		s.CreatedAt = tx.now
		err := tx.QueryRowContext(ctx, `INSERT INTO staff (login, name, role, office_code, password_hash, totp_secret, totp_required, active,
			created_at, last_activity_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $8, $8) RETURNING id`,
			s.Login, s.Name, string(s.Role), nullString(s.OfficeCode), s.PasswordHash, n.TOTPRequired, true, ms(tx.now)).Scan(&s.ID)
		if err != nil {
			if db.dialect.isUniqueViolation(err) {
				return kabinet.Errorf(kabinet.KindConflict, "login_taken", "a staff account with this login already exists")
			}
			return fmt.Errorf("store: create staff: %w", err)
		}
		return tx.audit(ctx, who, "staff.create", "staff:"+s.Login, map[string]any{"role": s.Role, "office": s.OfficeCode, "totp_required": n.TOTPRequired})
	})
	return s, err
}

// StaffByLogin returns a staff account.
func (db *DB) StaffByLogin(ctx context.Context, login string) (kabinet.Staff, error) {
	if !plausibleLogin(login) {
		return kabinet.Staff{}, kabinet.Errorf(kabinet.KindNotFound, "staff_not_found", "no staff account")
	}
	return staffBy(ctx, db.sql, "login", strings.ToLower(login))
}

// StaffByID returns a staff account.
func (db *DB) StaffByID(ctx context.Context, id int64) (kabinet.Staff, error) {
	return staffBy(ctx, db.sql, "id", id)
}

func staffBy(ctx context.Context, q queryer, col string, v any) (kabinet.Staff, error) {
	var s kabinet.Staff
	var office *string
	var created int64
	err := q.QueryRowContext(ctx, `SELECT id, login, name, role, office_code, password_hash, totp_secret, totp_required, active, created_at
		FROM staff WHERE `+col+` = $1`, v).Scan(&s.ID, &s.Login, &s.Name, &s.Role, &office, &s.PasswordHash, &s.TOTPSecret,
		&s.TOTPRequired, &s.Active, &created)
	if errors.Is(err, errNoRows) {
		return s, kabinet.Errorf(kabinet.KindNotFound, "staff_not_found", "no staff account")
	}
	if err != nil {
		return s, fmt.Errorf("store: staff: %w", err)
	}
	if office != nil {
		s.OfficeCode = *office
	}
	s.CreatedAt = fromMS(created)
	return s, nil
}

package store

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"kabinet"
)

// The supervisor's management of officers and offices in the back office (SPEC
// Actors: the supervisor manages offices, officers and the registry; issue 14,
// point 9). Each act is a supervisor's only, checked here as well as by the pages,
// and audited in the same transaction as the change.

func supervisorOnly(s StaffActor, what string) error {
	if s.Role != kabinet.RoleSupervisor {
		return kabinet.Errorf(kabinet.KindForbidden, "supervisor_only", "only a supervisor may %s", what)
	}
	return nil
}

// StaffMember is a back-office account as the supervisor's list shows it.
type StaffMember struct {
	kabinet.Staff
	TOTPEnrolled   bool // a second factor is enrolled
	LastActivityAt time.Time
}

// ListStaff returns every back-office account, supervisors first, then by office and login.
func (db *DB) ListStaff(ctx context.Context) ([]StaffMember, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, login, name, role, office_code, totp_secret <> '', totp_required, active,
		created_at, last_activity_at FROM staff ORDER BY role DESC, office_code, login LIMIT 5000`)
	if err != nil {
		return nil, fmt.Errorf("store: list staff: %w", err)
	}
	defer rows.Close()
	var out []StaffMember
	for rows.Next() {
		var m StaffMember
		var office *string
		var created, last int64
		if err := rows.Scan(&m.ID, &m.Login, &m.Name, &m.Role, &office, &m.TOTPEnrolled, &m.TOTPRequired, &m.Active, &created, &last); err != nil {
			return nil, err
		}
		if office != nil {
			m.OfficeCode = *office
		}
		m.CreatedAt, m.LastActivityAt = fromMS(created), fromMS(last)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddStaff creates a back-office account as a supervisor does in the back office:
// CreateStaff's checks (the password policy among them), and a second factor required
// from the start, so the account reaches nothing but the enrolment page until its
// holder enrols one of their own (SEC-1).
func (db *DB) AddStaff(ctx context.Context, s StaffActor, n NewStaff) (kabinet.Staff, error) {
	if err := supervisorOnly(s, "create a staff account"); err != nil {
		return kabinet.Staff{}, err
	}
	n.TOTPRequired = true
	return db.CreateStaff(ctx, s.actor(), n)
}

// staffTarget is the account a supervisor acts on: found by login, and not their own
// (a supervisor cannot disable themselves or reset their own second factor, so the
// service never loses its last way in by a slip; another supervisor can).
func (tx *Tx) staffTarget(ctx context.Context, s StaffActor, login string) (kabinet.Staff, error) {
	if !plausibleLogin(login) {
		return kabinet.Staff{}, kabinet.Errorf(kabinet.KindNotFound, "staff_not_found", "no staff account with this login")
	}
	t, err := staffBy(ctx, tx, "login", strings.ToLower(strings.TrimSpace(login)))
	if err != nil {
		return t, err
	}
	if t.ID == s.ID {
		return t, kabinet.Errorf(kabinet.KindConflict, "own_account", "a supervisor cannot do this to their own account")
	}
	return t, nil
}

// SetStaffActive disables or enables a back-office account. A disabled account cannot
// sign in, and its sessions end at once on every instance.
func (db *DB) SetStaffActive(ctx context.Context, s StaffActor, login string, active bool) error {
	if err := supervisorOnly(s, "disable or enable a staff account"); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		t, err := tx.staffTarget(ctx, s, login)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE staff SET active = $1 WHERE id = $2", active, t.ID); err != nil {
			return fmt.Errorf("store: set staff active: %w", err)
		}
		action := "staff.enable"
		if !active {
			action = "staff.disable"
			if err := tx.endSessions(ctx, principalStaff, t.ID); err != nil {
				return err
			}
		}
		return tx.audit(ctx, s.actor(), action, "staff:"+t.Login, nil)
	})
}

// ResetStaffTOTP forgets a staff member's second factor (a lost or replaced phone):
// the factor becomes required and their sessions end, so at the next sign-in, with
// the password, they reach only the enrolment page and enrol a new one (SEC-1). The
// last accepted step is kept, so no code of the old factor's time can be replayed.
func (db *DB) ResetStaffTOTP(ctx context.Context, s StaffActor, login string) error {
	if err := supervisorOnly(s, "reset a second factor"); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		t, err := tx.staffTarget(ctx, s, login)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE staff SET totp_secret = '', totp_required = $1 WHERE id = $2", true, t.ID); err != nil {
			return fmt.Errorf("store: reset totp: %w", err)
		}
		if err := tx.endSessions(ctx, principalStaff, t.ID); err != nil {
			return err
		}
		return tx.audit(ctx, s.actor(), "staff.totp_reset", "staff:"+t.Login, map[string]any{"was_enrolled": t.TOTPSecret != ""})
	})
}

// OfficeCount is how many staff accounts and registry records an office has.
type OfficeCount struct {
	Staff     int
	Taxpayers int
}

// OfficeCounts counts each office's staff and registry records: two grouped reads of
// an index (taxpayers_office; staff is small).
func (db *DB) OfficeCounts(ctx context.Context) (map[string]OfficeCount, error) {
	out := map[string]OfficeCount{}
	for _, q := range []struct {
		sql string
		set func(c *OfficeCount, n int)
	}{
		{"SELECT office_code, COUNT(*) FROM staff WHERE office_code IS NOT NULL GROUP BY office_code", func(c *OfficeCount, n int) { c.Staff = n }},
		{"SELECT office_code, COUNT(*) FROM taxpayers GROUP BY office_code", func(c *OfficeCount, n int) { c.Taxpayers = n }},
	} {
		rows, err := db.sql.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("store: office counts: %w", err)
		}
		for rows.Next() {
			var code string
			var n int
			if err := rows.Scan(&code, &n); err != nil {
				rows.Close()
				return nil, err
			}
			c := out[code]
			q.set(&c, n)
			out[code] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: office counts: %w", err)
		}
	}
	return out, nil
}

// SaveOffice adds an office or renames one (the same checks as a line of an offices
// file, each naming its field), audited as office.create or office.rename with the
// names before and after. It reports whether the office is new.
func (db *DB) SaveOffice(ctx context.Context, s StaffActor, o kabinet.Office) (created bool, err error) {
	if err := supervisorOnly(s, "add or rename an office"); err != nil {
		return false, err
	}
	if o, err = checkOffice(o); err != nil {
		return false, err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		old, err := office(ctx, tx, o.Code)
		switch {
		case err == nil:
			if old == o {
				return nil // nothing changes: nothing to write or audit
			}
			if _, err := tx.ExecContext(ctx, "UPDATE offices SET name_ru = $1, name_ky = $2 WHERE code = $3", o.NameRU, o.NameKY, o.Code); err != nil {
				return fmt.Errorf("store: rename office: %w", err)
			}
			return tx.audit(ctx, s.actor(), "office.rename", "office:"+o.Code, map[string]any{
				"name_ru": o.NameRU, "name_ky": o.NameKY, "was_ru": old.NameRU, "was_ky": old.NameKY})
		case kabinet.ErrorCode(err) != "office_not_found":
			return err
		}
		created = true
		if _, err := tx.ExecContext(ctx, "INSERT INTO offices (code, name_ru, name_ky) VALUES ($1, $2, $3)", o.Code, o.NameRU, o.NameKY); err != nil {
			if db.dialect.isUniqueViolation(err) {
				return kabinet.Errorf(kabinet.KindConflict, "office_exists", "the office was added meanwhile; try again")
			}
			return fmt.Errorf("store: add office: %w", err)
		}
		return tx.audit(ctx, s.actor(), "office.create", "office:"+o.Code, map[string]any{"name_ru": o.NameRU, "name_ky": o.NameKY})
	})
	return created, err
}

// checkOffice checks an office as parseOffice checks a file's line, with errors that
// name the field.
func checkOffice(o kabinet.Office) (kabinet.Office, error) {
	o.Code = strings.TrimSpace(o.Code)
	if !officeCode.MatchString(o.Code) {
		return o, kabinet.Errorf(kabinet.KindInvalid, "invalid_office_code", "code: not a 3-digit office code").With("field", "code")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"name_ru", &o.NameRU}, {"name_ky", &o.NameKY}} {
		v, err := kabinet.CleanText(f.name, *f.v, 200)
		if err != nil {
			return o, err
		}
		if v == "" {
			return o, kabinet.Errorf(kabinet.KindInvalid, "office_name_required", "%s: empty", f.name).With("field", f.name)
		}
		*f.v = v
	}
	return o, nil
}

// ImportOfficesAs loads an offices file as a supervisor does in the back office: the
// same format, checks and audit entry as `kabinet offices import` (ImportOffices).
func (db *DB) ImportOfficesAs(ctx context.Context, s StaffActor, r io.Reader, onBad func(LineError)) (ImportReport, error) {
	if err := supervisorOnly(s, "load an offices file"); err != nil {
		return ImportReport{}, err
	}
	return db.ImportOffices(ctx, s.actor(), r, onBad)
}

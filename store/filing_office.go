package store

import (
	"context"
	"fmt"
	"strings"

	"kabinet"
)

// The office's view of filing (FIL-9): officers of the subject's office list filings by
// form, period, type and lateness, open any as filed, and list the subjects that must
// file a form and have not; supervisors see every office (Staff.CanActOn, ACC-10).
// Every look is a staff action, audited (SEC-1). An office's filings are those filed
// while the subject was registered there (Filing.OfficeCode, the snapshot).

// OfficeFilingFilter selects filings for the office's list. Empty fields select all.
type OfficeFilingFilter struct {
	Form        string             // form code
	Period      string             // YYYY-MM, YYYY-Qn or YYYY
	Type        kabinet.FilingType // field 001
	Late        *bool              // only late (true) or only on-time (false) filings
	Office      string             // officers: their own office or ""; supervisors: any office, "" for all
	CurrentOnly bool               // leave out versions a correction replaced
	Limit       int                // at most this many (default 100, at most 500)
	After       string             // the registration number of the last filing of the previous page
}

// maxOfficeFilings is the largest page of the office's list.
const maxOfficeFilings = 500

// officeScope is the office a staff member's request covers: an officer's own (asking
// for another is refused, wrong_office), a supervisor's choice ("" for all).
func (db *DB) officeScope(ctx context.Context, s StaffActor, action, office string) (string, error) {
	switch {
	case s.Role == kabinet.RoleSupervisor && s.Active:
		return office, nil
	case s.Role == kabinet.RoleOfficer && s.Active && (office == "" || office == s.OfficeCode):
		return s.OfficeCode, nil
	case s.Role == kabinet.RoleOfficer && s.Active:
		return "", db.refuseOffice(ctx, s, action, office, office)
	}
	return "", kabinet.Errorf(kabinet.KindForbidden, "forbidden", "only active officers and supervisors see filings")
}

// refuseOffice records a refused look at another office's filings and refuses it
// (ACC-10): 403 wrong_office.
func (db *DB) refuseOffice(ctx context.Context, s StaffActor, action, subject, office string) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, s.actor(), action+".refused", subject, map[string]any{"reason": "wrong_office", "office": office})
	})
	if err != nil {
		return err
	}
	return kabinet.WrongOffice(office)
}

// OfficeFilings lists filings for staff s, newest first (FIL-9): an officer's office
// only, a supervisor's any. Filings come without their content (OfficeFiling has it).
// The list is audited as filing.list with its filter.
func (db *DB) OfficeFilings(ctx context.Context, s StaffActor, f OfficeFilingFilter) ([]kabinet.Filing, error) {
	switch {
	case f.Form != "" && !validFormCode(f.Form):
		return nil, kabinet.Errorf(kabinet.KindInvalid, "invalid_form", "no form %q", f.Form)
	case f.Type != "" && !f.Type.Valid():
		return nil, kabinet.Errorf(kabinet.KindInvalid, "invalid_filing_type", "type must be initial, correction or liquidation")
	case f.Limit < 0 || f.Limit > maxOfficeFilings:
		return nil, kabinet.Errorf(kabinet.KindInvalid, "invalid_limit", "limit must be 1..%d", maxOfficeFilings)
	}
	if f.Period != "" {
		if err := kabinet.ValidPeriod(f.Period); err != nil {
			return nil, err
		}
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	office, err := db.officeScope(ctx, s, "filing.list", f.Office)
	if err != nil {
		return nil, err
	}
	// The page is read first, beside other readers, and audited after in a transaction
	// of its own, as OfficeFiling does: on SQLite a read inside the audit's transaction
	// held the one writer for the whole read (issue 13: lists queued one at a time, and
	// every other write behind them). The page is returned only once its audit entry is
	// committed, so no list is seen unaudited.
	query, args := officeFilingsQuery(db.dialect, office, f)
	out, err := db.filingList(ctx, "office filings", query, args...)
	if err != nil {
		return nil, err
	}
	details := map[string]any{"office": office, "form": f.Form, "period": f.Period, "type": f.Type, "count": len(out)}
	if f.Late != nil {
		details["late"] = *f.Late
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, s.actor(), "filing.list", scopeName(office), details)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scopeName names an office scope in the audit log: the code, or "*" for all offices.
func scopeName(office string) string {
	if office == "" {
		return "*"
	}
	return office
}

// officeFilingsQuery builds the office's list with only the filters given, so each
// shape is one plan that reads its newest page from an index in id order at a million
// filings (migrations 0002 and 0012 list which index serves which shape;
// TestOfficeFilingsPlans holds it on both engines).
func officeFilingsQuery(d dialect, office string, f OfficeFilingFilter) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.Replace(cond, "?", d.param(len(args)), 1))
	}
	if office != "" {
		add("office_code = ?", office)
	}
	if f.Form != "" {
		add("form_code = ?", f.Form)
	}
	if f.Period != "" {
		add("period = ?", f.Period)
	}
	if f.Type != "" {
		add("type = ?", string(f.Type))
	}
	if f.Late != nil {
		add("late = ?", *f.Late)
	}
	if f.CurrentOnly {
		where = append(where, "status = 'current'")
	}
	if f.After != "" {
		add("id < (SELECT id FROM filings WHERE number = ?)", kabinet.NormalizeFilingNumber(f.After))
	}
	q := "SELECT " + filingColumns + " FROM filings"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit)
	return q + " ORDER BY id DESC LIMIT " + d.param(len(args)), args
}

// OfficeFiling opens one filing as filed, with its content, for staff s (FIL-9): an
// officer of another office gets 403 wrong_office (audited as filing.view.refused).
// The look is audited as filing.view.
func (db *DB) OfficeFiling(ctx context.Context, s StaffActor, number string) (kabinet.Filing, error) {
	if !s.Active || (s.Role != kabinet.RoleOfficer && s.Role != kabinet.RoleSupervisor) {
		return kabinet.Filing{}, kabinet.Errorf(kabinet.KindForbidden, "forbidden", "only active officers and supervisors see filings")
	}
	f, err := filingBy(ctx, db.sql, "number = $1", kabinet.NormalizeFilingNumber(number))
	if err != nil {
		return f, err
	}
	if !s.CanActOn(f.OfficeCode) {
		return kabinet.Filing{}, db.refuseOffice(ctx, s, "filing.view", f.Number, f.OfficeCode)
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, s.actor(), "filing.view", f.INN, map[string]any{"number": f.Number, "form": f.Form, "period": f.Period})
	})
	return f, err
}

// NonFiler is a subject that must file a form and has not filed it for a period.
type NonFiler struct {
	INN        string               `json:"inn"`
	Name       string               `json:"name"`
	Kind       kabinet.TaxpayerKind `json:"kind"`
	OfficeCode string               `json:"office_code"`
}

// NonFilersReport answers NonFilers.
type NonFilersReport struct {
	Form   string       `json:"form"`
	Period string       `json:"period"`
	Due    kabinet.Date `json:"-"`
	// Overdue: the due date has passed (FIL-8). Until then nobody is a non-filer yet and
	// Subjects is empty.
	Overdue   bool       `json:"overdue"`
	Subjects  []NonFiler `json:"subjects"`
	Truncated bool       `json:"truncated"` // more than MaxNonFilers; the first are listed
}

// MaxNonFilers bounds one non-filers list.
const MaxNonFilers = 10000

// NonFilers lists, for staff s, the subjects that must file form (the registry's
// reports list names it) and have no current accepted report of it for period, once
// the period's due date has passed (FIL-8, FIL-9); an officer sees their office's
// subjects, a supervisor every office's. Subjects with an active registration count;
// one whose liquidation report of the form closed an earlier period does not.
// Audited as filing.non_filers.
func (db *DB) NonFilers(ctx context.Context, s StaffActor, form, period string, due kabinet.Date) (NonFilersReport, error) {
	rep := NonFilersReport{Form: form, Period: period, Due: due, Subjects: []NonFiler{}}
	if !validFormCode(form) {
		return rep, kabinet.Errorf(kabinet.KindInvalid, "invalid_form", "no form %q", form)
	}
	if err := kabinet.ValidPeriod(period); err != nil {
		return rep, err
	}
	office, err := db.officeScope(ctx, s, "filing.non_filers", "")
	if err != nil {
		return rep, err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		rep.Subjects, rep.Truncated = rep.Subjects[:0], false
		rep.Overdue = kabinet.FilingLate(due, tx.now)
		if rep.Overdue {
			if err := tx.nonFilers(ctx, office, &rep); err != nil {
				return err
			}
		}
		return tx.audit(ctx, s.actor(), "filing.non_filers", scopeName(office), map[string]any{"form": form, "period": period,
			"due": due.ISO(), "overdue": rep.Overdue, "count": len(rep.Subjects)})
	})
	return rep, err
}

// nonFilers fills rep.Subjects for office ("" for all).
func (tx *Tx) nonFilers(ctx context.Context, office string, rep *NonFilersReport) error {
	// The registry's reports column holds space-separated form codes ("STI-091 STI-161");
	// the code is matched as a whole word, and case-insensitively on both engines
	// (SQLite's LIKE ignores ASCII case, PostgreSQL's does not).
	pattern := "% " + likeEscaper.Replace(strings.ToUpper(rep.Form)) + " %"
	args := []any{pattern, rep.Form, rep.Period}
	q := `SELECT t.inn, t.name, t.kind, t.office_code FROM taxpayers t
		WHERE t.status = 'active' AND (' ' || UPPER(t.reports) || ' ') LIKE $1 ESCAPE '!'
		AND NOT EXISTS (SELECT 1 FROM filings f WHERE f.inn = t.inn AND f.form_code = $2 AND f.period = $3 AND f.status = 'current')`
	if office != "" {
		args = append(args, office)
		q += " AND t.office_code = $4"
	}
	args = append(args, MaxNonFilers+1)
	q += fmt.Sprintf(" ORDER BY t.inn LIMIT $%d", len(args))
	closed, err := tx.closedByLiquidation(ctx, rep.Form, rep.Period)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: non-filers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n NonFiler
		if err := rows.Scan(&n.INN, &n.Name, &n.Kind, &n.OfficeCode); err != nil {
			return fmt.Errorf("store: non-filers: %w", err)
		}
		if closed[n.INN] {
			continue
		}
		if len(rep.Subjects) == MaxNonFilers {
			rep.Truncated = true
			break
		}
		rep.Subjects = append(rep.Subjects, n)
	}
	return rows.Err()
}

// likeEscaper escapes LIKE's wildcards with '!'.
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// closedByLiquidation returns the subjects whose liquidation report of form covers a
// period before period: the form is closed for them (FIL-5). Liquidation reports are
// few, so all of the form's are read, whichever office they were filed at.
func (tx *Tx) closedByLiquidation(ctx context.Context, form, period string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT inn, period FROM filings WHERE form_code = $1 AND type = 'liquidation'", form)
	if err != nil {
		return nil, fmt.Errorf("store: liquidation reports: %w", err)
	}
	defer rows.Close()
	closed := map[string]bool{}
	for rows.Next() {
		var inn, p string
		if err := rows.Scan(&inn, &p); err != nil {
			return nil, err
		}
		if after, err := kabinet.PeriodAfter(period, p); err == nil && after {
			closed[inn] = true
		}
	}
	return closed, rows.Err()
}

package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"kabinet"
)

// The registry file's two optional columns (SPEC "Registry file"): vat_registered_on,
// the date the subject became a VAT payer (VAT-1), and reports, the forms it must file
// (FIL-8). Dates are stored as TEXT YYYY-MM-DD, as 0002 stores calendar dates.

// optionalColumns says which optional columns a line lacks. A file in the old format
// must not wipe what a newer one loaded, so a lacking column keeps its stored value; a
// column present and empty clears it.
type optionalColumns uint8

const (
	absentVAT     optionalColumns = 1 << iota // no vat_registered_on
	absentReports                             // no reports
)

func absentColumns(vat, reports bool) optionalColumns {
	var a optionalColumns
	if vat {
		a |= absentVAT
	}
	if reports {
		a |= absentReports
	}
	return a
}

// parseVATRegisteredOn reads the column: empty (not a VAT payer) or YYYY-MM-DD, a real
// calendar date. The result is the start of that day in Bishkek time.
func parseVATRegisteredOn(v string) (*time.Time, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, ""
	}
	d, err := time.ParseInLocation("2006-01-02", v, kabinet.Bishkek)
	if err != nil || d.Format("2006-01-02") != v {
		return nil, fmt.Sprintf("vat_registered_on: %q is not a date YYYY-MM-DD", v)
	}
	if d.Year() < 1991 {
		return nil, fmt.Sprintf("vat_registered_on: %q is before the Kyrgyz tax service existed", v)
	}
	return &d, ""
}

// parseReports reads the column: report form codes separated by spaces, each STI- and
// three digits (STI-091; case ignored). A code given twice is kept once.
func parseReports(v string) ([]string, string) {
	var out []string
	for _, code := range strings.Fields(v) {
		code = strings.ToUpper(code)
		if !validReportCode(code) {
			return nil, fmt.Sprintf("reports: %q is not a report form code like STI-091", code)
		}
		if !contains(out, code) {
			out = append(out, code)
		}
	}
	return out, ""
}

func validReportCode(c string) bool {
	if len(c) != 7 || !strings.HasPrefix(c, "STI-") {
		return false
	}
	for _, r := range c[4:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// vatRegisteredOnValue is the stored value: the Bishkek date, or NULL.
func vatRegisteredOnValue(t *time.Time) sql.NullString {
	if t == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: kabinet.DateOf(*t).ISO(), Valid: true}
}

// storedVATRegisteredOn reads the stored value back; the import wrote only valid dates.
func storedVATRegisteredOn(v sql.NullString) *time.Time {
	if !v.Valid || v.String == "" {
		return nil
	}
	d, err := time.ParseInLocation("2006-01-02", v.String, kabinet.Bishkek)
	if err != nil {
		return nil
	}
	return &d
}

func storedReports(v string) []string {
	if f := strings.Fields(strings.ToUpper(v)); len(f) > 0 {
		return f
	}
	return nil
}

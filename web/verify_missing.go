package web

import "strings"

// verifyField is a field of a public verification form: its name in the request and
// the id of its input, which the error summary links to.
type verifyField struct{ name, id string }

// verifyFields are the number and the verification code every verification form asks
// for (the decision, the VAT decision, the filing's receipt).
var verifyFields = []verifyField{{"number", "number"}, {"code", "vcode"}}

// missingFields are the fields of fields sent empty (or blank), and the id of the first
// of them ("" when none is): a form sent so asks for them (issue 14, point 10) rather
// than answering that nothing was found, and costs no look-up of the client's limit.
func missingFields(value func(string) string, fields []verifyField) (missing map[string]bool, first string) {
	missing = map[string]bool{}
	for _, f := range fields {
		if strings.TrimSpace(value(f.name)) == "" {
			missing[f.name] = true
			if first == "" {
				first = f.id
			}
		}
	}
	return missing, first
}

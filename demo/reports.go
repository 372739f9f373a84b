package demo

import (
	"fmt"

	"kabinet/form"
)

// Reports as a taxpayer types them, for the demo's filings and the bench: each passes
// input control (form.Check) against the embedded definitions; the tests prove it.

// STI091 is an STI-091 report for period ("2026-Q1") declaring revenue (сом, whole)
// on line 050 at the 4 % rate the line allows; the tax (052) and 182 are computed.
func STI091(typ form.Type, period string, revenue int) form.Input {
	return form.Input{Form: "STI-091", Type: typ, Period: period, Cells: map[string]string{
		"050": fmt.Sprintf("%d.00", revenue), "051": "4", "105": "0555 123 456",
	}}
}

// STI161 is an STI-161 report for the month period ("2026-01") with n employees in
// Section III, each paid the same; Section II's totals are computed from them.
func STI161(typ form.Type, period string, n int) form.Input {
	rows := make([]map[string]string, n)
	for i := range rows {
		rows[i] = map[string]string{
			"2": GeneratedINN(500_000 + i), "3": employeeNames[i%len(employeeNames)], "4": "001", "5": "417", "6": "01",
			"7": "2024-01-15", "9": "22", "10": "001",
			"11": "50000.00", "12": "50000.00", "13": "0", "14": "650.00", "16": "4935.00", "17": "0",
			"19": "8625.00", "20": "1000.00",
		}
	}
	return form.Input{Form: "STI-161", Type: typ, Period: period,
		Cells: map[string]string{"107": "12345678", "117": "123456789012", "118": "1", "119": "01",
			"211": "36440.00", "212": "4935.00"},
		Tables: map[string][]map[string]string{"employees": rows}}
}

var employeeNames = []string{"Асанов Асан Асанович", "Бекова Айгүл Бековна", "Төлөнов Нурлан Каңкаевич",
	"Сүйүнбаева Жазгул Асановна", "Өмүрбеков Үсөн Маратович"}

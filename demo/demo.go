// Package demo holds the demonstration data `kabinet demo` loads: a registry with the
// Guide's own taxpayer and one of each case the regulation distinguishes, and staff.
package demo

import (
	_ "embed"

	"kabinet"
)

// RegistryCSV is the demo registry, in the registry file format (SPEC "Registry file").
// Its first row is the Guide's taxpayer exactly as the Guide prints her; then a legal
// entity with its head, an entrepreneur, a liquidated registration, one with the fraud
// mark, and names written with Ң Ө Ү.
//
//go:embed registry.csv
var RegistryCSV []byte

// GuideINN is the ИНН of the Guide's example taxpayer.
const GuideINN = "11705198700772"

// StaffMember is a demo back-office account. The passwords are printed by
// `kabinet demo`; they exist only in demo databases.
type StaffMember struct {
	Login, Name, Password string
	Role                  kabinet.Role
	Office                string
}

// Staff: a supervisor, an officer of 038 (the Guide's office) and one of another office.
var Staff = []StaffMember{
	{Login: "supervisor", Name: "Асанова Динара Кубанычбековна", Password: "Demo!Super2026", Role: kabinet.RoleSupervisor},
	{Login: "naryn", Name: "Осмонов Талант Бакирович", Password: "Demo!Naryn038", Role: kabinet.RoleOfficer, Office: "038"},
	{Login: "oktyabr", Name: "Иманалиева Айжан Эсеновна", Password: "Demo!Bishkek001", Role: kabinet.RoleOfficer, Office: "001"},
}

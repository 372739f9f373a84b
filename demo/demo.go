// Package demo holds the demonstration data `kabinet demo` loads: a registry with the
// Guide's own taxpayer and one of each case the regulation distinguishes, and staff.
package demo

import (
	_ "embed"
	"fmt"

	"kabinet"
)

// RegistryCSV is the demo registry, in the registry file format (SPEC "Registry file",
// with the optional vat_registered_on and reports columns). Its first row is the
// Guide's taxpayer exactly as the Guide prints her (a declarant who must file STI-155);
// then a legal entity with its head, an entrepreneur who files STI-091 and STI-161, a
// liquidated registration, one with the fraud mark, names written with Ң Ө Ү, and a VAT
// payer.
//
//go:embed registry.csv
var RegistryCSV []byte

// GuideINN is the ИНН of the Guide's example taxpayer.
const GuideINN = "11705198700772"

// Demo subjects by what they show (one ИНН per scenario, printed by `kabinet demo`).
const (
	FilerINN     = "22001198500345" // entrepreneur with filings: STI-091 and its correction, STI-161
	VATPayerINN  = "00104200500077" // VAT payer with an assigned range of invoice numbers
	LegalINN     = "01503201010123"
	LiquidINN    = "12503199000111"
	FraudINN     = "20107198200456"
	KyrgyzINN    = "10903199500789"
	OtherOffINN  = "21212198800231"
	FilerSecret  = "Demo!Filing2026" // the filer's cabinet password
	VATSecret    = "Demo!VAT2026"    // the VAT payer's cabinet password
	VATQuantity  = 500               // invoice numbers the VAT payer was assigned
	FilerRevenue = 1_250_000         // STI-091 2026-Q1 line 050 as first filed; the correction adds 50 000
)

// Case names a scenario of the demo: what its subject shows.
type Case string

// The demo's scenarios. The first five are the cases a newcomer meets first: the Guide's
// own taxpayer applies, a liquidated registration is refused, the fraud mark bars a
// grant, another office's subject is not the 038 officer's to decide, and a legal entity
// signs through its head.
const (
	CaseGuide       Case = "guide"        // active individual of the Guide, office 038
	CaseLiquidated  Case = "liquidated"   // the look-up refuses it: registration_liquidated
	CaseFraud       Case = "fraud"        // granting access is barred: fraud_evidence
	CaseOtherOffice Case = "other-office" // registered at 005: the 038 officer may not receive it (wrong_office)
	CaseLegal       Case = "legal"        // a legal entity; field 297 is its head
	CaseKyrgyzNames Case = "kyrgyz-names" // names written with Ң Ө Ү
	CaseFiler       Case = "filer"        // an entrepreneur with filed reports and a cabinet account
	CaseVATPayer    Case = "vat-payer"    // a VAT payer with assigned invoice numbers and a cabinet account
)

// Subject is one scenario of the demo and the ИНН that shows it.
type Subject struct {
	INN  string
	Case Case
	What string // printed beside the ИНН by `kabinet demo`
	// Password is the cabinet password of a subject the demo gave an account (its
	// login is issued by the grant and printed beside it); "" for the others.
	Password string
}

// Subjects are the demo's scenarios, one ИНН each, in the order `kabinet demo` prints
// them. A test signs in, looks up and applies with each printed ИНН to see it behaves
// as its line says.
var Subjects = []Subject{
	{INN: GuideINN, Case: CaseGuide, What: "the Guide's taxpayer, an individual: apply for access as the Guide does (files STI-155)"},
	{INN: LiquidINN, Case: CaseLiquidated, What: "liquidated registration: the look-up refuses it"},
	{INN: FraudINN, Case: CaseFraud, What: "fraud mark: the officer may not grant access (fraud_evidence)"},
	{INN: OtherOffINN, Case: CaseOtherOffice, What: "another office: not the 038 officer's to receive or decide"},
	{INN: LegalINN, Case: CaseLegal, What: "legal entity: its head signs the application (files STI-161)"},
	{INN: KyrgyzINN, Case: CaseKyrgyzNames, What: "names written with Ң Ө Ү"},
	{INN: FilerINN, Case: CaseFiler, What: "entrepreneur with reports: STI-091 2026-Q1 filed and corrected, STI-161 2026-01", Password: FilerSecret},
	{INN: VATPayerINN, Case: CaseVATPayer, What: fmt.Sprintf("VAT payer, a legal entity: %d invoice numbers assigned", VATQuantity), Password: VATSecret},
}

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

package demo

import (
	"testing"

	"kabinet/form"
)

// The demo's and the bench's reports pass input control as typed (FIL-4).
func TestReportsPassInputControl(t *testing.T) {
	cat, err := form.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	reg := map[string]string{form.RegistryINN: "22001198500345", form.RegistryName: "Ташиев Нурлан Сапарович", form.RegistryOffice: "001"}
	for _, in := range []form.Input{STI091(form.Initial, "2026-Q1", 1_000_000), STI091(form.Correction, "2026-Q2", 7),
		STI161(form.Initial, "2026-01", 1), STI161(form.Initial, "2026-02", 500)} {
		p, err := form.ParseAnyPeriod(in.Period)
		if err != nil {
			t.Fatal(err)
		}
		d, err := cat.InForce(in.Form, p)
		if err != nil {
			t.Fatal(err)
		}
		res, errs := form.Check(d, in, form.Context{Registry: reg})
		if len(errs) > 0 {
			t.Errorf("%s %s: %d input-control errors, the first %+v", in.Form, in.Period, len(errs), errs[0])
		}
		if res.Cells["102"] != "22001198500345" {
			t.Errorf("%s: 102 = %q", in.Form, res.Cells["102"])
		}
	}
}

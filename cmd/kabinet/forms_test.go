package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kabinet/form"
	"kabinet/internal/dbtest"
	"kabinet/store"
	"kabinet/web"
)

// FIL-1: a supervisor loads a new form version from a file without a new release; the
// service uses it for the periods it covers.
func TestFormsImportCLI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		b, err := os.ReadFile("../../form/defs/STI-155_1.json")
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		d["version"], d["valid_from"] = 2, "2026"
		v2, _ := json.Marshal(d)
		dir := t.TempDir()
		file := filepath.Join(dir, "STI-155_2.json")
		os.WriteFile(file, v2, 0o600)

		code, out, errs := kabinetCmd(t, "", "forms", "import", "--db", url, file)
		if code != 0 || !strings.Contains(out, "loaded STI-155_2") || !strings.Contains(out, "from 2026") {
			t.Fatalf("forms import: %d %s %s", code, out, errs)
		}
		if code, _, errs := kabinetCmd(t, "", "forms", "import", "--db", url, file); code != 1 || !strings.Contains(errs, "STI-155_2") {
			t.Errorf("a version loaded twice: %d %s", code, errs)
		}
		shipped := filepath.Join(dir, "STI-155_1.json")
		os.WriteFile(shipped, b, 0o600)
		if code, _, errs := kabinetCmd(t, "", "forms", "import", "--db", url, shipped); code != 1 || errs == "" {
			t.Errorf("a shipped version: %d %s", code, errs)
		}
		broken := filepath.Join(dir, "broken.json")
		os.WriteFile(broken, []byte(`{"code": "STI-155", "version": 3}`), 0o600)
		if code, _, errs := kabinetCmd(t, "", "forms", "import", "--db", url, broken); code != 1 || errs == "" {
			t.Errorf("a broken definition: %d %s", code, errs)
		}
		if code, _, _ := kabinetCmd(t, "", "forms", "import", "--db", url); code != 2 {
			t.Errorf("no file: exit %d", code)
		}

		// The service started on the database has it in force from 2026, version 1 before.
		db, err := store.Open(context.Background(), url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cat := web.New(web.Config{}, web.Deps{DB: db}).Forms()
		for period, want := range map[string]int{"2026": 2, "2025": 1} {
			p, _ := form.ParsePeriod(form.Year, period)
			got, err := cat.InForce("STI-155", p)
			if err != nil || got.Version != want {
				t.Errorf("FIL-1: STI-155 for %s: %v %v, want version %d", period, got, err, want)
			}
		}
	})
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kabinet/internal/dbtest"
)

// kabinet backup copies a SQLite database that audit verify then finds intact, and
// sends PostgreSQL's operator to pg_dump.
func TestBackupCLI(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite:" + filepath.Join(dir, "live.db")
	if code, out, errs := kabinetCmd(t, "Naryn!2026x\n", "staff", "add", "--db", url, "--login", "naryn", "--role", "supervisor"); code != 0 {
		t.Fatalf("staff add: %d %s %s", code, out, errs)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if code, out, errs := kabinetCmd(t, "", "backup", "--db", url, copyPath); code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	if code, out, errs := kabinetCmd(t, "", "audit", "verify", "--db", "sqlite:"+copyPath); code != 0 || !strings.Contains(out, "intact: 1 entries") {
		t.Errorf("audit verify on the copy: %d %s %s", code, out, errs)
	}
	if code, _, errs := kabinetCmd(t, "", "backup", "--db", url, copyPath); code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("backup over a file: %d %s", code, errs)
	}
	if code, _, errs := kabinetCmd(t, "", "backup", "--db", url); code != 2 || !strings.Contains(errs, "FILE") {
		t.Errorf("backup without a file: %d %s", code, errs)
	}
	pg := dbtest.URL(t, dbtest.Engine{Name: "postgres"})
	if code, _, errs := kabinetCmd(t, "", "backup", "--db", pg, filepath.Join(dir, "pg.db")); code != 1 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("backup of PostgreSQL: %d %s", code, errs)
	}
}

// SEC-1: a truncated tail passes audit verify alone (the documented limit) and fails
// it against a signed checkpoint taken before.
func TestAuditCheckpointCLI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		dir := t.TempDir()
		keyFile, cpFile := filepath.Join(dir, "key"), filepath.Join(dir, "checkpoints.log")
		os.WriteFile(keyFile, []byte("c2VjcmV0LWtleS1mb3ItY2hlY2twb2ludHM=\n"), 0o600)
		for _, login := range []string{"naryn", "osh"} {
			if code, out, errs := kabinetCmd(t, "Naryn!2026x\n", "staff", "add", "--db", url, "--login", login, "--role", "supervisor"); code != 0 {
				t.Fatalf("staff add: %d %s %s", code, out, errs)
			}
		}
		code, line, errs := kabinetCmd(t, "", "audit", "checkpoint", "--db", url, "--key-file", keyFile)
		if code != 0 || !strings.HasPrefix(line, "kabinet-audit-checkpoint v1 seq=2 ") || strings.Count(line, "\n") != 1 {
			t.Fatalf("audit checkpoint: %d %q %s", code, line, errs)
		}
		os.WriteFile(cpFile, []byte(line), 0o600)
		verify := func(extra ...string) (int, string) {
			code, out, errs := kabinetCmd(t, "", append([]string{"audit", "verify", "--db", url}, extra...)...)
			return code, out + errs
		}
		if code, out := verify("--checkpoints", cpFile, "--key-file", keyFile); code != 0 || !strings.Contains(out, "1 checkpoints match") {
			t.Fatalf("verify against the checkpoint: %d %s", code, out)
		}
		if code, out := verify("--checkpoints", cpFile); code != 2 || !strings.Contains(out, "--key-file") {
			t.Errorf("checkpoints without a key: %d %s", code, out)
		}
		// Truncate the newest entry and rewind the head.
		db := openForTest(t, url)
		if strings.HasPrefix(url, "postgres") {
			if _, err := db.Exec("ALTER TABLE audit_log DISABLE TRIGGER USER"); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{
			"UPDATE audit_head SET seq = 1, hash = (SELECT prev_hash FROM audit_log WHERE seq = 2) WHERE id = 1",
			"DELETE FROM audit_log WHERE seq = 2",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if code, out := verify(); code != 0 {
			t.Fatalf("without checkpoints the truncation is undetectable (documented), got %d %s", code, out)
		}
		if code, out := verify("--checkpoints", cpFile, "--key-file", keyFile); code != 1 || !strings.Contains(out, "BROKEN") || !strings.Contains(out, "truncated") {
			t.Errorf("SEC-1 truncation against the checkpoint: %d %s", code, out)
		}
		// A forged checkpoint (another key) is refused, not trusted.
		other := filepath.Join(dir, "other")
		os.WriteFile(other, []byte("another-key-of-sixteen-bytes-or-more"), 0o600)
		if code, out := verify("--checkpoints", cpFile, "--key-file", other); code != 1 || !strings.Contains(out, "signature") {
			t.Errorf("checkpoint under another key: %d %s", code, out)
		}
	})
}

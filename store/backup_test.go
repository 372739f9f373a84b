package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
)

// A backup taken while applications and decisions are being written holds every one
// acknowledged before it began, and every audit entry up to that moment, with an
// intact chain; the copy opens as a database of its own (restore).
func TestBackupUnderWriteLoad(t *testing.T) {
	url := dbtest.URL(t, dbtest.Engine{Name: "sqlite"})
	db, _ := open(t, url)
	ctx := context.Background()
	loadRegistry(t, db, registryCSV)
	officer, err := db.CreateStaff(ctx, store.System, store.NewStaff{Login: "naryn", Name: "Осмонов", Role: kabinet.RoleOfficer, OfficeCode: "038", Password: "Naryn!2026x"})
	if err != nil {
		t.Fatal(err)
	}
	s := store.StaffActor{Staff: officer}

	var mu sync.Mutex
	var apps, decisions []string // acknowledged, in order
	var n atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	// One writer per taxpayer of office 038, so no application supersedes another's.
	for w, inn := range []string{"11705198700772", "01503201010123", "20107198200456"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				who := store.Actor{Name: "public", Address: fmt.Sprintf("192.0.2.%d", n.Add(1)%250+1)}
				a, err := db.CreateApplication(ctx, who, store.NewApplication{Kind: kabinet.KindAccess, INN: inn, Passport: "AN 4890152",
					Password: "Луна2019!", PasswordConfirm: "Луна2019!"})
				if err != nil {
					errs <- fmt.Errorf("writer %d: apply: %w", w, err)
					return
				}
				mu.Lock()
				apps = append(apps, a.Code)
				mu.Unlock()
				if _, err := db.Receive(ctx, s, a.Code, true); err != nil {
					errs <- fmt.Errorf("writer %d: receive: %w", w, err)
					return
				}
				d, err := db.Decide(ctx, s, a.Code, store.DecisionInput{Outcome: kabinet.Refused, Ground: kabinet.GroundNoRegistration})
				if err != nil {
					errs <- fmt.Errorf("writer %d: decide: %w", w, err)
					return
				}
				mu.Lock()
				decisions = append(decisions, d.Number)
				mu.Unlock()
			}
		}()
	}
	// Let the load build up, then back up in the middle of it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		k := len(decisions)
		mu.Unlock()
		if k >= 15 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	wantApps, wantDecisions := append([]string(nil), apps...), append([]string(nil), decisions...)
	mu.Unlock()
	before, err := db.AuditCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	backupErr := db.Backup(ctx, copyPath)
	mu.Lock()
	during := len(decisions) - len(wantDecisions)
	mu.Unlock()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if backupErr != nil {
		t.Fatalf("backup: %v", backupErr)
	}
	if len(wantDecisions) < 15 {
		t.Fatalf("only %d decisions before the backup: no load", len(wantDecisions))
	}
	t.Logf("backed up after %d applications and %d decisions, %d audit entries; %d decisions written during the backup",
		len(wantApps), len(wantDecisions), before.Seq, during)
	if err := db.Backup(ctx, copyPath); kabinet.ErrorCode(err) != "backup_exists" {
		t.Errorf("a backup over an existing file: %v", err)
	}

	// Restore: open the copy as the service would.
	restored, err := store.Open(ctx, "sqlite:"+copyPath, store.Options{Hasher: testHasher()})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if applied, err := restored.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("the copy's schema: %v %v", applied, err)
	}
	for _, code := range wantApps {
		if _, err := restored.Application(ctx, code); err != nil {
			t.Errorf("application %s acknowledged before the backup is not in it: %v", code, err)
		}
	}
	for _, number := range wantDecisions {
		if _, err := restored.Decision(ctx, number); err != nil {
			t.Errorf("decision %s acknowledged before the backup is not in it: %v", number, err)
		}
	}
	rep, err := restored.VerifyAudit(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("SEC-1 audit verify on the copy: %+v %v", rep, err)
	}
	if rep.Head < before.Seq {
		t.Fatalf("the copy's audit log ends at %d, entries up to %d were written before the backup", rep.Head, before.Seq)
	}
	// The copy holds the very entry the head pointed to before the backup.
	if breaks, err := restored.CheckAuditCheckpoints(ctx, []store.AuditCheckpoint{before}); err != nil || len(breaks) != 0 {
		t.Errorf("the copy against the head before the backup: %v %v", breaks, err)
	}
}

// PostgreSQL is backed up with its own tools; the command says which.
func TestBackupPostgresRefused(t *testing.T) {
	db, _ := open(t, dbtest.URL(t, dbtest.Engine{Name: "postgres"}))
	err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if kabinet.ErrorCode(err) != "backup_postgres" {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
}

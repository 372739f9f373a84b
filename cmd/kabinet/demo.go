package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"kabinet"
	"kabinet/demo"
	"kabinet/store"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f serverFlags
	fs := newFlags("demo", stderr)
	f.register(fs, "127.0.0.1:8080")
	dir := fs.String("dir", "", "folder for the demo database (default: a new temporary folder)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "kabinet-demo-")
		if err != nil {
			return err
		}
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	f.db = "sqlite:" + filepath.Join(*dir, "kabinet.db")
	f.noMigrate = false
	a, err := newApp(ctx, f, kabinet.SystemClock{}, io.Discard, stderr)
	if err != nil {
		return err
	}
	if err := loadDemo(ctx, a.db); err != nil {
		a.db.Close()
		return err
	}
	fmt.Fprintf(stdout, `Kabinet demo — ИС «Кабинет налогоплательщика»
  open:      %s/
  database:  %s
  ops:       %s
  taxpayer from the Guide: ИНН %s (Кашкариева Жазгул Бейшенбековна, 038 Нарынский р-н)
  staff sign-ins (back office at %s/office/):
`, a.baseURL, f.db, opsURL(a), demo.GuideINN, a.baseURL)
	for _, s := range demo.Staff {
		office := "all offices"
		if s.Office != "" {
			office = "office " + s.Office
		}
		fmt.Fprintf(stdout, "    %-10s  password %-16s  %s, %s\n", s.Login, s.Password, s.Role, office)
	}
	fmt.Fprintln(stdout, "Stop with Ctrl+C.")
	return a.serve(ctx)
}

func opsURL(a *app) string {
	if a.opsLn == nil {
		return "off"
	}
	return "http://" + a.opsLn.Addr().String() + "/metrics"
}

// loadDemo loads the demo registry and staff into a database once.
func loadDemo(ctx context.Context, db *store.DB) error {
	if _, err := db.Taxpayer(ctx, demo.GuideINN); err == nil {
		return nil // already loaded
	}
	who := store.Actor{Name: "demo"}
	var bad []string
	_, err := db.ImportRegistry(ctx, who, "demo", store.FormatCSV, bytes.NewReader(demo.RegistryCSV), func(e store.LineError) {
		bad = append(bad, e.String())
	})
	if err != nil {
		return fmt.Errorf("load demo registry: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("demo registry: %v", bad) // embedded data: a bug, caught by the tests
	}
	for _, s := range demo.Staff {
		if _, err := db.CreateStaff(ctx, who, store.NewStaff{Login: s.Login, Name: s.Name, Role: s.Role, OfficeCode: s.Office, Password: s.Password}); err != nil {
			return fmt.Errorf("demo staff %s: %w", s.Login, err)
		}
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"kabinet"
	"kabinet/demo"
	"kabinet/form"
	"kabinet/store"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f serverFlags
	fs := newFlags("demo", stderr)
	f.register(fs, "127.0.0.1:8080")
	dir := fs.String("dir", "", "folder for the demo database, kept when the demo stops (default: a new temporary folder, removed when it stops)")
	if err := parse(fs, args); err != nil {
		return err
	}
	dbNote := "kept when the demo stops"
	if *dir == "" {
		d, err := os.MkdirTemp("", "kabinet-demo-")
		if err != nil {
			return err
		}
		*dir, dbNote = d, "removed when the demo stops"
		// The folder the demo made goes when it stops, on Ctrl+C (SIGINT) or SIGTERM as
		// on a failed start; a --dir the user gave is never removed.
		defer func() {
			if rerr := os.RemoveAll(d); rerr != nil {
				fmt.Fprintf(stderr, "kabinet: remove the demo folder: %v\n", rerr)
				return
			}
			fmt.Fprintf(stdout, "Removed the demo folder %s.\n", d)
		}()
	} else if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	f.db = "sqlite:" + filepath.Join(*dir, "kabinet.db")
	f.noMigrate = false
	// A second demo beside a running one takes free ports instead of failing on the
	// first one's (issue 14, point 10), and says so.
	wantAddr, wantOps := f.addr, f.opsAddr
	f.addr = freeIfTaken(f.addr)
	if f.opsAddr != "" {
		f.opsAddr = freeIfTaken(f.opsAddr)
	}
	a, err := newApp(ctx, f, kabinet.SystemClock{}, io.Discard, stderr)
	if err != nil {
		return err
	}
	var moved []string
	if f.addr != wantAddr {
		moved = append(moved, fmt.Sprintf("%s is in use (another demo?), so this one serves on %s", wantAddr, a.pubLn.Addr()))
	}
	if f.opsAddr != wantOps {
		moved = append(moved, fmt.Sprintf("operations address %s is in use, so this one's is %s", wantOps, a.opsLn.Addr()))
	}
	if err := loadDemo(ctx, a.db); err != nil {
		a.close()
		if ctx.Err() != nil {
			return nil // stopped (Ctrl+C) while loading: not a failure
		}
		return err
	}
	fmt.Fprintf(stdout, `Kabinet demo — ИС «Кабинет налогоплательщика»
  open:      %s/
  database:  %s (%s)
  ops:       %s
`, a.baseURL, f.db, dbNote, opsURL(a))
	for _, m := range moved {
		fmt.Fprintf(stdout, "  note:      %s\n", m)
	}
	printSubjects(ctx, stdout, a.db)
	fmt.Fprintf(stdout, "  staff sign-ins (back office at %s/office/):\n", a.baseURL)
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

// printSubjects prints the demo's taxpayers, one ИНН per scenario, with the office the
// registry gives each and, for those with an account, the cabinet sign-in.
func printSubjects(ctx context.Context, w io.Writer, db *store.DB) {
	fmt.Fprintf(w, "  demo taxpayers, one ИНН per scenario:\n    %-14s  %-6s  %s\n", "ИНН", "office", "scenario")
	for _, s := range demo.Subjects {
		office := "?"
		if tp, err := db.Taxpayer(ctx, s.INN); err == nil {
			office = tp.OfficeCode
		}
		fmt.Fprintf(w, "    %-14s  %-6s  %s\n", s.INN, office, s.What)
		if s.Password != "" {
			login := "?"
			if acct, err := db.AccountByINN(ctx, s.INN); err == nil {
				login = acct.Login
			}
			fmt.Fprintf(w, "    %-14s  %-6s  cabinet sign-in: login %s, password %s\n", "", "", login, s.Password)
		}
	}
}

// freeIfTaken returns addr, or the same host with port 0 (a free port the system picks)
// when another process, a demo already running, listens on addr.
func freeIfTaken(addr string) string {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		ln.Close()
		return addr
	}
	host, _, serr := net.SplitHostPort(addr)
	if !errors.Is(err, syscall.EADDRINUSE) || serr != nil {
		return addr // newApp says what is wrong with it
	}
	return net.JoinHostPort(host, "0")
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
	staff := map[string]store.StaffActor{}
	for _, s := range demo.Staff {
		st, err := db.CreateStaff(ctx, who, store.NewStaff{Login: s.Login, Name: s.Name, Role: s.Role, OfficeCode: s.Office, Password: s.Password})
		if err != nil {
			return fmt.Errorf("demo staff %s: %w", s.Login, err)
		}
		staff[s.Login] = store.StaffActor{Staff: st, Address: "127.0.0.1"}
	}
	if err := demoFilings(ctx, db, staff["oktyabr"]); err != nil {
		return fmt.Errorf("demo filings: %w", err)
	}
	if err := demoVAT(ctx, db, staff["oktyabr"]); err != nil {
		return fmt.Errorf("demo VAT: %w", err)
	}
	return nil
}

// demoSession gives the subject inn an account through the regulation's flow (the
// application with its password, the office's receipt, the officer's grant) and signs
// it in, as a taxpayer at the office's computer would.
func demoSession(ctx context.Context, db *store.DB, officer store.StaffActor, inn, password string) (store.Session, error) {
	who := store.Actor{Name: "public", Address: "127.0.0.1"}
	app, err := db.CreateApplication(ctx, who, store.NewApplication{Kind: kabinet.KindAccess, INN: inn, Passport: "AN 4890152",
		Password: password, PasswordConfirm: password, Lang: "ru"})
	if err != nil {
		return store.Session{}, err
	}
	if _, err := db.Receive(ctx, officer, app.Code, true); err != nil {
		return store.Session{}, err
	}
	d, err := db.Decide(ctx, officer, app.Code, store.DecisionInput{Outcome: kabinet.Granted})
	if err != nil {
		return store.Session{}, err
	}
	res, err := db.SignIn(ctx, who, store.Credentials{Login: d.Login, Password: password})
	if err != nil {
		return store.Session{}, err
	}
	return db.SessionByToken(ctx, res.Token)
}

// demoFilings files the filer's reports through the path the API takes: input control
// (form.Check) against the version in force, then store.SubmitFiling with the canonical
// content, its SHA-256, the allowed types and the due date.
func demoFilings(ctx context.Context, db *store.DB, officer store.StaffActor) error {
	sess, err := demoSession(ctx, db, officer, demo.FilerINN, demo.FilerSecret)
	if err != nil {
		return err
	}
	cat, err := form.Embedded()
	if err != nil {
		return err
	}
	tp, err := db.Taxpayer(ctx, demo.FilerINN)
	if err != nil {
		return err
	}
	office := tp.OfficeCode
	if o, err := db.Office(ctx, tp.OfficeCode); err == nil {
		office = o.Code + " " + o.NameRU
	}
	reg := map[string]string{form.RegistryINN: tp.INN, form.RegistryName: tp.Name, form.RegistryOffice: office}
	for _, in := range []form.Input{
		demo.STI091(form.Initial, "2026-Q1", demo.FilerRevenue),
		demo.STI091(form.Correction, "2026-Q1", demo.FilerRevenue+50_000),
		demo.STI161(form.Initial, "2026-01", 3),
	} {
		p, err := form.ParseAnyPeriod(in.Period)
		if err != nil {
			return err
		}
		d, err := cat.InForce(in.Form, p)
		if err != nil {
			return err
		}
		res, errs := form.Check(d, in, form.Context{Registry: reg})
		if len(errs) > 0 {
			return fmt.Errorf("%s %s fails input control: %+v", in.Form, in.Period, errs[0]) // embedded data: a bug
		}
		content := res.Canonical()
		sum := sha256.Sum256(content)
		types := make([]kabinet.FilingType, len(d.Types))
		for i, t := range d.Types {
			types[i] = kabinet.FilingType(t)
		}
		if _, _, err := db.SubmitFiling(ctx, store.Actor{Name: "public", Address: "127.0.0.1"}, sess, demo.FilerSecret, store.FilingSubmission{
			Form: d.Code, Version: d.Version, Period: p.String(), Type: kabinet.FilingType(res.Type), AllowedTypes: types,
			Due: d.DueDate(p), Content: content, Digest: hex.EncodeToString(sum[:])}); err != nil {
			return fmt.Errorf("%s %s %s: %w", in.Form, in.Period, in.Type, err)
		}
	}
	return nil
}

// demoVAT has the VAT payer apply for invoice numbers in the cabinet and the office's
// officer assign them (VAT-2, VAT-3).
func demoVAT(ctx context.Context, db *store.DB, officer store.StaffActor) error {
	sess, err := demoSession(ctx, db, officer, demo.VATPayerINN, demo.VATSecret)
	if err != nil {
		return err
	}
	app, err := db.ApplyVAT(ctx, store.Actor{Name: "public", Address: "127.0.0.1"}, sess, demo.VATSecret, demo.VATQuantity)
	if err != nil {
		return err
	}
	_, err = db.DecideVAT(ctx, officer, app.Code, true, "", "")
	return err
}

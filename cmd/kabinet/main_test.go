package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/demo"
	"kabinet/internal/dbtest"
)

// TestMain stops the Chromium the browser tests share once every test has run. With
// KABINET_TEST_RUN_MAIN=1 the test binary is kabinet itself (TestDemoInterrupt).
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	code := m.Run()
	stopChromium()
	os.Exit(code)
}

// kabinetCmd runs the binary's entry point in-process and returns its exit code and output.
func kabinetCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	if code, _, errs := kabinetCmd(t, ""); code != 2 || !strings.Contains(errs, "kabinet demo") {
		t.Errorf("no arguments: %d %s", code, errs)
	}
	if code, _, errs := kabinetCmd(t, "", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: %d %s", code, errs)
	}
	if code, out, _ := kabinetCmd(t, "", "help"); code != 0 || !strings.Contains(out, "registry import") {
		t.Errorf("help: %d", code)
	}
	if code, _, errs := kabinetCmd(t, "", "registry", "import", "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db")); code != 2 || !strings.Contains(errs, "FILE") {
		t.Errorf("no files: %d %s", code, errs)
	}
	if code, _, errs := kabinetCmd(t, "", "migrate", "--db", "mysql://x"); code != 1 || !strings.Contains(errs, "sqlite:PATH or postgres://") {
		t.Errorf("bad URL: %d %s", code, errs)
	}
}

func TestEnvironmentFallback(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("KABINET_DB", "sqlite:"+path)
	if code, out, errs := kabinetCmd(t, "", "migrate"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate with KABINET_DB: %d %s %s", code, out, errs)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("KABINET_DB not used: %v", err)
	}
	t.Setenv("KABINET_HASH_TIME", "not-a-number")
	if code, _, errs := kabinetCmd(t, "", "serve"); code != 2 || !strings.Contains(errs, "KABINET_HASH_TIME") {
		t.Errorf("a bad environment value: %d %s", code, errs)
	}
}

func TestRegistryImportCLI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		dir := t.TempDir()
		good := filepath.Join(dir, "reg.csv")
		os.WriteFile(good, []byte("inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference\n"+
			"11705198700772,individual,Кашкариева Жазгул Бейшенбековна,,,038,Нарын,active,\n"+
			"1170519870077X,individual,Bad,,,038,a,active,\n"+
			"21212198800231,individual,Төлөнов Эрмек,,,999,a,active,\n"+
			"21212198800232,individual,Unknown office,,,062,a,active,\n"), 0o600)
		jsonl := filepath.Join(dir, "reg.jsonl")
		os.WriteFile(jsonl, []byte(`{"inn":"01503201010123","kind":"legal","name":"ОсОО","head_position":"Директор","head_name":"Ы","office_code":"038","address":"a","status":"active"}`+"\n"), 0o600)
		code, out, errs := kabinetCmd(t, "", "registry", "import", "--db", url, good, jsonl)
		if code != 1 {
			t.Errorf("exit %d with rejected lines, want 1", code)
		}
		if !strings.Contains(errs, "reg.csv:3: inn:") || !strings.Contains(errs, "reg.csv:5: office_code") {
			t.Errorf("bad lines not reported with numbers:\n%s", errs)
		}
		if !strings.Contains(out, "reg.csv: 4 lines read, 2 loaded, 2 rejected") || !strings.Contains(out, "reg.jsonl: 1 lines read, 1 loaded, 0 rejected") ||
			!strings.Contains(out, "total: 5 lines read, 3 loaded, 2 rejected") {
			t.Errorf("summary:\n%s", out)
		}
		code, _, errs = kabinetCmd(t, "", "registry", "import", "--db", url, filepath.Join(dir, "missing.csv"))
		if code != 1 || !strings.Contains(errs, "missing.csv") {
			t.Errorf("missing file: %d %s", code, errs)
		}
		code, _, _ = kabinetCmd(t, "", "registry", "import", "--db", url, jsonl)
		if code != 0 {
			t.Errorf("clean file: exit %d", code)
		}
	})
}

func TestStaffAndAuditCLI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		dir := t.TempDir()
		offices := filepath.Join(dir, "offices.csv")
		os.WriteFile(offices, []byte("code,name_ru,name_ky\n038,Нарынский р-н,Нарын району\n1234,Bad,Bad\n"), 0o600)
		if code, out, errs := kabinetCmd(t, "", "offices", "import", "--db", url, offices); code != 1 || !strings.Contains(errs, "offices.csv:3: code") || !strings.Contains(out, "1 loaded, 1 rejected") {
			t.Errorf("offices import: %d %s %s", code, out, errs)
		}
		if code, out, errs := kabinetCmd(t, "Naryn!2026x\n", "staff", "add", "--db", url, "--login", "naryn", "--role", "officer", "--office", "038", "--name", "Осмонов Талант"); code != 0 || !strings.Contains(out, "created officer naryn (office 038)") {
			t.Fatalf("staff add: %d %s %s", code, out, errs)
		}
		if code, _, errs := kabinetCmd(t, "password\n", "staff", "add", "--db", url, "--login", "weak", "--role", "supervisor"); code != 1 || !strings.Contains(errs, "policy") {
			t.Errorf("weak password: %d %s", code, errs)
		}
		if code, _, errs := kabinetCmd(t, "", "staff", "add", "--db", url, "--login", "empty", "--role", "supervisor"); code != 2 || !strings.Contains(errs, "standard input") {
			t.Errorf("no password: %d %s", code, errs)
		}
		if code, _, errs := kabinetCmd(t, "Naryn!2026x\n", "staff", "add", "--db", url, "--login", "x2", "--role", "officer", "--office", "062"); code != 1 || errs == "" {
			t.Errorf("unknown office: %d %s", code, errs)
		}
		code, out, _ := kabinetCmd(t, "", "audit", "verify", "--db", url)
		if code != 0 || !strings.Contains(out, "intact") {
			t.Fatalf("SEC-1 audit verify: %d %s", code, out)
		}
		// Tamper with an entry: verify must fail.
		db := openForTest(t, url)
		if strings.HasPrefix(url, "postgres") { // the append-only trigger stands in the way: only the owner can disable it
			if _, err := db.Exec("ALTER TABLE audit_log DISABLE TRIGGER USER"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2"); err != nil {
			t.Fatal(err)
		}
		code, out, _ = kabinetCmd(t, "", "audit", "verify", "--db", url)
		if code == 0 || !strings.Contains(out, "BROKEN") || !strings.Contains(out, "entry 2") {
			t.Errorf("SEC-1 tampered log: exit %d\n%s", code, out)
		}
	})
}

// The demo answers a look-up of the Guide's ИНН with the Guide's data; each ИНН of its
// table behaves as its row says; started beside another demo (both its addresses
// taken) it takes free ports and says so; a --dir it was given stays when it stops.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	// Another demo's addresses: taken.
	var taken []string
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		taken = append(taken, ln.Addr().String())
	}
	pr, pw := io.Pipe()
	done := make(chan int, 1) // buffered: a demo that fails at once still closes the pipe
	var errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"demo", "--dir", dir, "--addr", taken[0], "--ops-addr", taken[1]}, strings.NewReader(""), pw, &errb)
		pw.Close()
	}()
	var base string
	banner := readBanner(t, pr)
	var got strings.Builder
	got.WriteString(banner)
	if i := strings.Index(got.String(), "open:"); i >= 0 {
		line := strings.SplitN(got.String()[i:], "\n", 2)[0]
		base = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(line, "open:")), "/")
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatalf("demo printed no address:\n%s\n%s", got.String(), errb.String())
	}
	for _, want := range []string{"11705198700772", "supervisor", "naryn", "oktyabr", demo.FilerINN, demo.VATPayerINN,
		taken[0] + " is in use", "operations address " + taken[1] + " is in use", "kept when the demo stops"} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("demo banner lacks %q:\n%s", want, got.String())
		}
	}
	if base == "http://"+taken[0] {
		t.Errorf("the demo claims the taken address %s", taken[0])
	}
	if m := regexp.MustCompile(`ops: +(http://\S+)`).FindStringSubmatch(banner); m == nil || strings.Contains(m[1], taken[1]) {
		t.Errorf("operations address: %v", m)
	} else if resp, err := http.Get(m[1]); err != nil || resp.StatusCode != 200 {
		t.Errorf("the demo's operations address %s: %v %v", m[1], err, resp)
	} else {
		resp.Body.Close()
	}
	checkDemoSubjects(t, base, banner)
	// The filer's and the VAT payer's data were made through the store's real paths:
	// signed in with the printed login, each sees them through the API.
	for _, tc := range []struct{ password, path, want string }{
		{demo.FilerSecret, "/api/v1/filings", `"STI-161"`},
		{demo.FilerSecret, "/api/v1/filings", `"correction"`},
		{demo.VATSecret, "/api/v1/vat/applications", `"assigned"`},
	} {
		_, rest, _ := strings.Cut(got.String(), "password "+tc.password)
		before := got.String()[:len(got.String())-len(rest)]
		login := before[strings.LastIndex(before, "login ")+len("login "):]
		login = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(login, "password "+tc.password)), ","))
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		resp, err := c.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"login":"`+login+`","password":"`+tc.password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("demo account %q: sign-in %d", login, resp.StatusCode)
			continue
		}
		resp, err = c.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), tc.want) {
			t.Errorf("demo %s GET %s: %d %.300s, want %s", login, tc.path, resp.StatusCode, body, tc.want)
		}
	}
	resp, err := http.Post(base+"/api/v1/registry/lookup", "application/json", strings.NewReader(`{"inn":"11705198700772"}`))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]string
	json.NewDecoder(resp.Body).Decode(&f)
	resp.Body.Close()
	if f["name"] != "Кашкариева Жазгул Бейшенбековна" || f["office_code"] != "038" || f["office_name_ru"] != "Нарынский р-н" ||
		f["address"] != "Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2," {
		t.Errorf("ACC-1 demo look-up: %v", f)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("demo exit %d after SIGTERM-like cancel", code)
		}
	case <-time.After(15 * time.Second):
		t.Error("demo did not shut down")
	}
	if _, err := os.Stat(filepath.Join(dir, "kabinet.db")); err != nil {
		t.Errorf("the demo removed the database in the --dir it was given: %v", err)
	}
}

// SEC-4: session cookies are HttpOnly and SameSite always, and Secure with the __Host-
// prefix when the service is configured for TLS (--secure-cookies); every sign-in gets
// a new token of at least 128 random bits, and signing out ends the session server-side.
func TestSessionCookies(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure-cookies=%v", secure), func(t *testing.T) {
			var args []string
			name := "kabinet_office"
			if secure {
				args, name = []string{"--secure-cookies"}, "__Host-kabinet_office"
			}
			base := startInstance(t, dbtest.URL(t, dbtest.Engines[0]), kabinet.SystemClock{}, true, args...)
			signIn := func() *http.Cookie {
				t.Helper()
				resp, err := http.Post(base+"/api/v1/office/auth/login", "application/json",
					strings.NewReader(`{"login": "naryn", "password": "Demo!Naryn038"}`))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Fatalf("sign in: %d", resp.StatusCode)
				}
				for _, c := range resp.Cookies() {
					if c.Name == name {
						return c
					}
				}
				t.Fatalf("no %s cookie: %q", name, resp.Header.Values("Set-Cookie"))
				return nil
			}
			board := func(token string) int {
				t.Helper()
				req, _ := http.NewRequest("GET", base+"/api/v1/office/board", nil)
				req.AddCookie(&http.Cookie{Name: name, Value: token})
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			first := signIn()
			if !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Secure != secure || first.Path != "/" || first.Domain != "" {
				t.Errorf("SEC-4 cookie attributes: %+v", first)
			}
			if raw, err := base64.RawURLEncoding.DecodeString(first.Value); err != nil || len(raw) < 16 {
				t.Errorf("SEC-4 the token %q is not 128 bits or more (%v)", first.Value, err)
			}
			second := signIn()
			if second.Value == first.Value {
				t.Fatal("SEC-4 the same token at two sign-ins")
			}
			// A new sign-in is a new session beside the first (another device); each ends
			// on its own.
			if st := board(second.Value); st != 200 {
				t.Errorf("the new session: %d", st)
			}
			if st := board(first.Value); st != 200 {
				t.Errorf("the earlier session: %d", st)
			}
			req, _ := http.NewRequest("POST", base+"/api/v1/office/auth/logout", nil)
			req.AddCookie(second)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if st := board(second.Value); st != 401 {
				t.Errorf("SEC-4 the session signed out still works: %d", st)
			}
			if st := board(first.Value); st != 200 {
				t.Errorf("signing out of one session ended another: %d", st)
			}
		})
	}
}

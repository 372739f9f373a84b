package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"kabinet/demo"
)

// runMainEnv makes the test binary run kabinet's main instead of the tests (see
// TestMain), so a test can start `kabinet …` as a process of its own and signal it.
const runMainEnv = "KABINET_TEST_RUN_MAIN"

// demoRow is one line of the demo's table of taxpayers.
var demoRow = regexp.MustCompile(`(?m)^    (\d{14})  (\S+) +(.+)$`)

// checkDemoSubjects holds the demo's table of taxpayers to what it says (issue 14,
// point 10): one row per scenario, each ИНН behaving as its row says when looked up,
// applied for and decided through the API of the demo at base.
func checkDemoSubjects(t *testing.T, base, banner string) {
	t.Helper()
	rows := map[string][]string{}
	var order []string
	for _, m := range demoRow.FindAllStringSubmatch(banner, -1) {
		rows[m[1]] = m[2:]
		order = append(order, m[1])
	}
	if len(rows) != len(demo.Subjects) {
		t.Errorf("the demo printed %d taxpayers, it holds %d scenarios:\n%s", len(rows), len(demo.Subjects), banner)
	}
	seen := map[demo.Case]bool{}
	for _, s := range demo.Subjects {
		seen[s.Case] = true
		if r, ok := rows[s.INN]; !ok || r[1] != s.What {
			t.Errorf("the demo's row for %s (%s): %q, want %q", s.INN, s.Case, r, s.What)
		}
	}
	for _, c := range []demo.Case{demo.CaseGuide, demo.CaseLiquidated, demo.CaseFraud, demo.CaseOtherOffice, demo.CaseLegal} {
		if !seen[c] {
			t.Errorf("no demo ИНН for %s", c)
		}
	}
	if len(order) == 0 || order[0] != demo.GuideINN {
		t.Errorf("the Guide's taxpayer is not first: %v", order)
	}

	call := func(c *http.Client, path string, body any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		resp, err := c.Post(base+path, "application/json", strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	errCode := func(m map[string]any) any {
		if e, ok := m["error"].(map[string]any); ok {
			return e["code"]
		}
		return nil
	}
	public := &http.Client{}
	jar, _ := cookiejar.New(nil)
	officer := &http.Client{Jar: jar} // of office 038, the Guide's
	if st, _ := call(officer, "/api/v1/office/auth/login", map[string]string{"login": "naryn", "password": "Demo!Naryn038"}); st != 200 {
		t.Fatalf("the 038 officer's sign-in: %d", st)
	}
	apply := func(inn string) string {
		t.Helper()
		st, m := call(public, "/api/v1/applications", map[string]string{"kind": "access", "inn": inn, "passport": "AN 4890152",
			"password": "Луна2018!", "password_confirm": "Луна2018!"})
		code, _ := m["code"].(string)
		if st != 201 || code == "" {
			t.Fatalf("apply for %s: %d %v", inn, st, m)
		}
		return code
	}
	for _, s := range demo.Subjects {
		st, f := call(public, "/api/v1/registry/lookup", map[string]string{"inn": s.INN})
		if s.Case == demo.CaseLiquidated {
			if st != 409 || errCode(f) != "registration_liquidated" {
				t.Errorf("%s (liquidated): look-up %d %v, want 409 registration_liquidated", s.INN, st, f)
			}
			continue
		}
		if st != 200 {
			t.Errorf("%s (%s): look-up %d %v", s.INN, s.Case, st, f)
			continue
		}
		if r := rows[s.INN]; r != nil && r[0] != f["office_code"] {
			t.Errorf("%s: printed office %s, the registry's %v", s.INN, r[0], f["office_code"])
		}
		switch s.Case {
		case demo.CaseGuide:
			if f["kind"] != "individual" || f["name"] != "Кашкариева Жазгул Бейшенбековна" || f["office_code"] != "038" {
				t.Errorf("the Guide's taxpayer: %v", f)
			}
		case demo.CaseLegal:
			if f["kind"] != "legal" || f["signatory"] == f["name"] || f["signatory"] == "" {
				t.Errorf("%s (legal entity): %v", s.INN, f)
			}
		case demo.CaseKyrgyzNames:
			if name, _ := f["name"].(string); !strings.ContainsAny(name, "ҢңӨөҮү") {
				t.Errorf("%s: name %q has no Ң Ө Ү", s.INN, name)
			}
		case demo.CaseOtherOffice:
			if f["office_code"] == "038" {
				t.Errorf("%s (another office) is at 038", s.INN)
			}
			code := apply(s.INN)
			if st, m := call(officer, "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}); st != 403 || errCode(m) != "wrong_office" {
				t.Errorf("%s (another office): the 038 officer receives it: %d %v", s.INN, st, m)
			}
		case demo.CaseFraud:
			code := apply(s.INN)
			if st, m := call(officer, "/api/v1/office/applications/"+code+"/receive", map[string]bool{"documents_checked": true}); st != 200 {
				t.Fatalf("%s (fraud mark): receive %d %v", s.INN, st, m)
			}
			if st, m := call(officer, "/api/v1/office/applications/"+code+"/decision", map[string]string{"outcome": "granted"}); st != 409 || errCode(m) != "fraud_evidence" {
				t.Errorf("%s (fraud mark): a grant gave %d %v, want 409 fraud_evidence", s.INN, st, m)
			}
		}
	}
}

// Issue 14, point 10: Ctrl+C stops the demo gracefully and removes the temporary folder
// it made. The demo runs as a process of its own and gets a real SIGINT.
func TestDemoInterrupt(t *testing.T) {
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "demo", "--addr", "127.0.0.1:0", "--ops-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "TMPDIR="+tmp)
	var errb strings.Builder
	cmd.Stderr = &errb
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var out strings.Builder
	var folder string
	ready := time.After(2 * time.Minute)
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the demo ended before serving:\n%s\n%s", out.String(), errb.String())
			}
			out.WriteString(l + "\n")
			if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "database:  sqlite:"); ok {
				folder = filepath.Dir(strings.Fields(rest)[0])
			}
			if strings.Contains(l, "Stop with Ctrl+C") {
				break wait
			}
		case <-ready:
			t.Fatalf("the demo did not start:\n%s\n%s", out.String(), errb.String())
		}
	}
	if !strings.HasPrefix(folder, tmp+string(filepath.Separator)+"kabinet-demo-") {
		t.Fatalf("the demo's database is not in a temporary folder of its own: %q\n%s", folder, out.String())
	}
	if _, err := os.Stat(filepath.Join(folder, "kabinet.db")); err != nil {
		t.Fatalf("the demo's database: %v", err)
	}
	if !strings.Contains(out.String(), "removed when the demo stops") {
		t.Errorf("the banner does not say the folder goes:\n%s", out.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		out.WriteString(l + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("the demo after Ctrl+C: %v\n%s", err, errb.String())
	}
	if _, err := os.Stat(folder); !os.IsNotExist(err) {
		t.Errorf("the demo's folder %s is still there after Ctrl+C (%v)", folder, err)
	}
	if !strings.Contains(out.String(), "Removed the demo folder "+folder) {
		t.Errorf("the demo did not say it removed its folder:\n%s", out.String())
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// readBanner reads the demo's output up to its last line ("Stop with Ctrl+C.").
func readBanner(t *testing.T, r io.Reader) string {
	t.Helper()
	var got strings.Builder
	buf := make([]byte, 4096)
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(got.String(), "Ctrl+C") && time.Now().Before(deadline) {
		n, err := r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return got.String()
}

package bench

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"kabinet/internal/dbtest"
	"kabinet/internal/tty/ttytest"
)

// Issue 13, point 6: the progress line is drawn only on a terminal; into a file or a
// pipe nothing is, and the run ends with its table either way.
func TestProgressOnlyOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	b := &bench{progress: &buf}
	b.status("loading %d rows…", 10)
	stop := b.progressLine(func() string { return "measuring" })
	stop()
	b.clearStatus()
	if buf.Len() != 0 {
		t.Errorf("progress written to a file: %q", buf.String())
	}

	b.tty = true
	b.status("loading %d rows…", 10)
	if got := buf.String(); !strings.HasPrefix(got, "\r  loading 10 rows…") {
		t.Errorf("the status line on a terminal: %q", got)
	}
	buf.Reset()
	stop = b.progressLine(func() string { return "measuring" })
	stop()
	if got := buf.String(); !strings.HasPrefix(got, "\r ") || !strings.HasSuffix(got, " \r") || strings.TrimSpace(got) != "" {
		t.Errorf("a stopped progress line is not blanked: %q", got)
	}
}

// The same, through the binary: standard error a pseudo-terminal, then a pipe.
func TestBenchProgressOnATerminal(t *testing.T) {
	url := dbtest.URL(t, dbtest.Engines[0])
	args := append([]string{"bench", "--db", url, "--scenarios", "lookup"}, tinyBench[1:]...)
	tm := ttytest.Open(t)
	var out bytes.Buffer
	cmd := exec.Command(kabinetBin, args...)
	cmd.Stdout, cmd.Stderr = &out, tm.Out
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench on a terminal: %v\n%s", err, tm.Text())
	}
	screen := tm.Close()
	if !strings.Contains(screen, "\r  loading ") {
		t.Errorf("no progress line on the terminal:\n%q", screen)
	}
	if !strings.Contains(out.String(), "registry look-up, 64 clients") {
		t.Errorf("no table on standard output:\n%s", out.String())
	}

	code, table, errs := kabinetCmd(t, args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if strings.Contains(errs, "\r") || strings.Contains(errs, "loading ") {
		t.Errorf("progress written into a pipe:\n%q", errs)
	}
	if !strings.Contains(table, "registry look-up, 64 clients") {
		t.Errorf("no table on standard output:\n%s", table)
	}
}

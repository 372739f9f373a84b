package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet/demo"
	"kabinet/internal/dbtest"
)

func TestImportProgressText(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	now := t0
	p := newImportProgress(&bytes.Buffer{}, progressEnv{now: func() time.Time { return now }}, "reg.csv", 1000, 1)
	p.bytes, p.lines, p.bad = 250, 101, 2
	if got, want := p.text(t0.Add(10*time.Second)), "reg.csv: 100 lines read, 10 lines/s, 2 bad, 25%, about 0:30 left"; got != want {
		t.Errorf("progress %q, want %q", got, want)
	}
	p.size = 0 // a pipe: no share, no time left
	if got, want := p.text(t0.Add(10*time.Second)), "reg.csv: 100 lines read, 10 lines/s, 2 bad"; got != want {
		t.Errorf("progress of a pipe %q, want %q", got, want)
	}
	for d, want := range map[time.Duration]string{0: "0:00", 59 * time.Second: "0:59", 61 * time.Second: "1:01",
		2*time.Hour + 3*time.Minute + 4*time.Second: "2:03:04"} {
		if got := clockText(d); got != want {
			t.Errorf("clockText(%v) = %q, want %q", d, got, want)
		}
	}
}

// screen is what a terminal shows after text: a carriage return goes back to the
// line's start, ESC [K erases from there to its end.
func screen(text string) []string {
	var lines []string
	var cur []rune
	col := 0
	for i := 0; i < len(text); {
		switch {
		case text[i] == '\n':
			lines = append(lines, string(cur))
			cur, col = nil, 0
			i++
		case text[i] == '\r':
			col = 0
			i++
		case strings.HasPrefix(text[i:], "\x1b[K"):
			cur = cur[:col]
			i += 3
		default:
			r := []rune(text[i:])[0]
			if col < len(cur) {
				cur[col] = r
			} else {
				cur = append(cur, r)
			}
			col++
			i += len(string(r))
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// Issue 14, point 11: `kabinet registry import` shows its progress — on a terminal one
// line redrawn in place, which leaves nothing behind once the summary comes; into a file
// plain lines every ten seconds. A clock that moves 100 ms each time it is read stands
// in for a slow import.
func TestRegistryImportProgress(t *testing.T) {
	var reg bytes.Buffer
	if err := demo.GenerateRegistry(&reg, 6000, 7); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(reg.String(), "\n")
	lines[1500] = "1170519870077X,individual,Bad,,,038,a,active,\n"
	lines[4500] = "21212198800232,individual,Unknown office,,,062,a,active,\n"
	file := filepath.Join(t.TempDir(), "reg.csv")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	progress := regexp.MustCompile(`reg\.csv: (\d+) lines read, \d+ lines/s, ([0-2]) bad, (\d+)%, about \d+:\d\d left`)
	run := func(t *testing.T, tty bool) (string, string) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		env := progressEnv{tty: tty, now: func() time.Time { now = now.Add(100 * time.Millisecond); return now }}
		var out, errb bytes.Buffer
		err := registryImport(context.Background(), []string{"--db", dbtest.URL(t, dbtest.Engines[0]), file}, &out, &errb, env)
		if err == nil || !strings.Contains(err.Error(), "2 lines rejected") {
			t.Errorf("import: %v", err)
		}
		if !strings.Contains(out.String(), "reg.csv: 6000 lines read, 5998 loaded, 2 rejected") {
			t.Errorf("summary:\n%s", out.String())
		}
		return out.String(), errb.String()
	}
	badLines := []string{file + ":1501: inn: ", file + ":4501: office_code: "}

	t.Run("on a terminal", func(t *testing.T) {
		_, errs := run(t, true)
		draws := strings.Count(errs, "\r")
		if draws < 10 || !strings.Contains(errs, "\x1b[K") {
			t.Errorf("the line was drawn %d times:\n%q", draws, errs)
		}
		var read []int
		for _, m := range progress.FindAllStringSubmatch(errs, -1) {
			read = append(read, atoi(t, m[1]))
		}
		if len(read) < 10 || !isSorted(read) || read[len(read)-1] < 5000 {
			t.Errorf("lines read as drawn: %v", read)
		}
		// What stays on the screen is the bad lines, each on a line of its own, and no
		// half-overwritten progress.
		shown := screen(errs)
		if len(shown) != 2 || !strings.HasPrefix(shown[0], badLines[0]) || !strings.HasPrefix(shown[1], badLines[1]) {
			t.Errorf("the terminal shows:\n%s", strings.Join(shown, "\n"))
		}
	})
	t.Run("into a file", func(t *testing.T) {
		_, errs := run(t, false)
		if strings.ContainsAny(errs, "\r\x1b") {
			t.Errorf("a terminal's control characters in a file:\n%q", errs)
		}
		all := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
		var plain []string
		for _, l := range all {
			if progress.MatchString(l) {
				plain = append(plain, l)
			}
		}
		// Read about 190 times at 100 ms a read: a line every ten seconds, so one or two.
		if len(plain) < 1 || len(plain) > 3 || len(all) != len(plain)+2 {
			t.Errorf("%d progress lines among %d:\n%s", len(plain), len(all), errs)
		}
		for _, want := range badLines {
			if !strings.Contains(errs, "\n"+want) && !strings.HasPrefix(errs, want) {
				t.Errorf("bad line %q not on a line of its own:\n%s", want, errs)
			}
		}
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func isSorted(xs []int) bool {
	for i := 1; i < len(xs); i++ {
		if xs[i] < xs[i-1] {
			return false
		}
	}
	return true
}

package main

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"kabinet/internal/tty"
	"kabinet/store"
)

// progressEnv is how a long command shows its progress: on a terminal or into a file,
// and by which clock. Tests inject both.
type progressEnv struct {
	tty bool
	now func() time.Time
}

// progressFor is the environment of a command writing its progress to w.
func progressFor(w io.Writer) progressEnv {
	return progressEnv{tty: tty.IsTerminal(w), now: time.Now}
}

const (
	// progressRedraw is how often the line on a terminal is redrawn at most.
	progressRedraw = 250 * time.Millisecond
	// progressEvery is how often a plain progress line goes into a file or pipe.
	progressEvery = 10 * time.Second
)

// importProgress shows one registry file's import as it goes (issue 14, point 11): on a
// terminal, one line that rewrites itself at most four times a second — lines read,
// lines a second, bad lines so far, the share of the file read and the time left —
// cleared before each bad line is printed and at the end; into a file or a pipe, the
// same as a plain line every ten seconds, so a log holds no overwritten lines.
//
// It counts what the importer reads through it (bytes against the file's size for the
// time left, newlines for the lines), so the store needs no hook, and it draws from the
// importer's own goroutine: while the importer reads, nothing else writes.
type importProgress struct {
	w      io.Writer
	env    progressEnv
	every  time.Duration
	name   string
	size   int64 // the file's size; 0: unknown (a pipe), no share or time left
	header int64 // lines that are no data (the CSV header)
	start  time.Time
	next   time.Time
	bytes  int64
	lines  int64
	bad    int64
	shown  bool // a line is on the terminal
}

func newImportProgress(w io.Writer, env progressEnv, name string, size, header int64) *importProgress {
	p := &importProgress{w: w, env: env, every: progressEvery, name: name, size: size, header: header}
	if env.tty {
		p.every = progressRedraw
	}
	p.start = env.now()
	p.next = p.start.Add(p.every)
	return p
}

// reader counts what the importer reads from r.
func (p *importProgress) reader(r io.Reader) io.Reader { return &countingReader{r: r, p: p} }

type countingReader struct {
	r io.Reader
	p *importProgress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.bytes += int64(n)
	c.p.lines += int64(bytes.Count(b[:n], []byte{'\n'}))
	c.p.tick()
	return n, err
}

// onBad wraps print, which prints a bad line: the progress line is cleared first, so
// the bad line starts a line of its own.
func (p *importProgress) onBad(print func(store.LineError)) func(store.LineError) {
	return func(e store.LineError) {
		p.clear()
		print(e)
		p.bad++
		p.tick()
	}
}

// tick draws the progress when it is due.
func (p *importProgress) tick() {
	now := p.env.now()
	if now.Before(p.next) {
		return
	}
	p.next = now.Add(p.every)
	if p.env.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.text(now))
		p.shown = true
	} else {
		fmt.Fprintln(p.w, p.text(now))
	}
}

// clear blanks the line on the terminal.
func (p *importProgress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// done ends the progress: the summary follows on a clean line.
func (p *importProgress) done() { p.clear() }

// text is the progress at now.
func (p *importProgress) text(now time.Time) string {
	el := now.Sub(p.start)
	lines := max(p.lines-p.header, 0)
	rate := 0.0
	if el > 0 {
		rate = float64(lines) / el.Seconds()
	}
	s := fmt.Sprintf("%s: %d lines read, %.0f lines/s, %d bad", p.name, lines, rate, p.bad)
	if p.size > 0 && p.bytes > 0 {
		share := min(float64(p.bytes)/float64(p.size), 1)
		left := time.Duration(float64(el) * (1 - share) / share)
		s += fmt.Sprintf(", %d%%, about %s left", int(share*100), clockText(left))
	}
	return s
}

// clockText writes d as m:ss, or h:mm:ss from an hour.
func clockText(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

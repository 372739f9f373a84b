// Package testsvc helps the tests that run the service: what it logs is kept for each
// test and shown when the test fails, since an HTTP 500's cause is only in the log.
package testsvc

import (
	"bytes"
	"io"
	"log/slog"
	"sync"
	"testing"
)

// logBuffer is a buffer the service's handlers may write to from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Log returns a writer for the log of the service instance called name under t. If t
// has failed by its end, the log is printed with t's output. Call it before starting
// the instance, so that its cleanup runs after the instance has stopped.
func Log(t testing.TB, name string) io.Writer {
	t.Helper()
	b := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the log of %s:\n%s", name, b.String())
		}
	})
	return b
}

// Logger is Log as a logger that keeps every level.
func Logger(t testing.TB, name string) *slog.Logger {
	t.Helper()
	return slog.New(slog.NewTextHandler(Log(t, name), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Package ttytest gives tests a pseudo-terminal, so a command's output can be a
// terminal as a person's shell is, and what it draws there can be read back.
package ttytest

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"
	"unsafe"
)

// Terminal is a pseudo-terminal: Out is the terminal end a command writes to (its
// standard output or error), and Text returns what reached the screen so far.
type Terminal struct {
	Out    *os.File
	master *os.File
	mu     sync.Mutex
	buf    bytes.Buffer
	done   chan struct{}
}

// Open opens a pseudo-terminal for the test; it is closed when the test ends.
func Open(t testing.TB) *Terminal {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		master.Close()
		t.Fatalf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		master.Close()
		t.Fatalf("ptsname: %v", e)
	}
	out, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Fatalf("open the terminal: %v", err)
	}
	tm := &Terminal{Out: out, master: master, done: make(chan struct{})}
	// The screen is read all the time: a terminal whose buffer fills blocks its writer.
	go func() {
		defer close(tm.done)
		b := make([]byte, 4096)
		for {
			n, err := master.Read(b)
			tm.mu.Lock()
			tm.buf.Write(b[:n])
			tm.mu.Unlock()
			if err != nil {
				return // EIO once every writer has closed the terminal end
			}
		}
	}()
	t.Cleanup(func() { out.Close(); master.Close() })
	return tm
}

// Close closes the terminal end (a child process keeps its own copy until it exits)
// and returns everything written to it.
func (tm *Terminal) Close() string {
	tm.Out.Close()
	<-tm.done
	return tm.Text()
}

// Text is what reached the terminal so far.
func (tm *Terminal) Text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.buf.String()
}

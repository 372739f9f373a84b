// Package tty tells whether a command's output is a terminal, where a progress line
// may rewrite itself, or a file or pipe, where it would leave a log of overwritten
// lines.
package tty

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IsTerminal reports whether w is a terminal: an *os.File whose descriptor is one.
// Buffers, pipes and files are not.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && f != nil && term.IsTerminal(int(f.Fd()))
}

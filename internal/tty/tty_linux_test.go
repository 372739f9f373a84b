package tty

import (
	"testing"

	"kabinet/internal/tty/ttytest"
)

// A pseudo-terminal's far end is a terminal, as a person's shell is.
func TestIsTerminalOnAPseudoTerminal(t *testing.T) {
	tm := ttytest.Open(t)
	if !IsTerminal(tm.Out) {
		t.Error("a pseudo-terminal is not a terminal")
	}
	tm.Out.WriteString("drawn\r")
	if got := tm.Close(); got != "drawn\r" {
		t.Errorf("the terminal shows %q", got)
	}
}

//go:build !linux

package password

import "errors"

// lowerThreadPriority: only Linux gives a thread a priority of its own.
func lowerThreadPriority(int) error {
	return errors.New("password: no per-thread priority on this system")
}

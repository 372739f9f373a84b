package password

import "syscall"

// lowerThreadPriority sets the calling thread's nice value (Linux keeps one for each
// thread; PRIO_PROCESS with a thread id names that thread alone). Raising one's own
// nice value needs no privilege; a system-call filter may still refuse setpriority.
func lowerThreadPriority(nice int) error {
	return syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), nice)
}

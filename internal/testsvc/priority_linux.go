package testsvc

import (
	"os"
	"strconv"
	"syscall"
)

// Yield lowers the priority of the whole test process (nice 10), every thread it has
// and so every thread and process it starts after: for the packages whose tests run
// beside the browser journeys (go test runs two packages at once on two cores). The
// journeys wait on Chromium, the suite's longest path; the storage, page and bench
// tests are plain CPU work that can take what Chromium leaves. A test's outcome does
// not change, only who gets a core first.
func Yield() {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return
	}
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			syscall.Setpriority(syscall.PRIO_PROCESS, tid, yieldNice)
		}
	}
}

const yieldNice = 10

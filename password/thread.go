package password

import (
	"os"
	"runtime"
	"sync"
)

// Hashing beside quick work (issue 13). A hash holds its processor for tens of
// milliseconds. With every Go processor (GOMAXPROCS) hashing, a look-up or a status
// page waits for one at each step — each wake-up after a database round trip, each
// answer — until Go's scheduler preempts a hash, up to 10 ms each time, several times a
// request: a sign-in flood made a look-up on PostgreSQL take 160–310 ms at p99.
//
// So, where the system allows it (Linux, and a system-call filter that lets a thread
// lower its own priority), each hash runs on an operating-system thread of its own at
// the lowest priority (nice 19, that thread alone), and Go gets one processor more than
// there are hashing slots. The quick work always finds a processor, and its thread
// (at the normal priority) takes the CPU from a hash as soon as it wakes: the kernel,
// not Go's preemption, decides, at once. When nothing else runs, the hashes have the
// CPU to themselves, as before. The thread ends with its hash, so the lowered priority
// never passes to other work. Where the priority cannot be lowered, hashes run on the
// caller's goroutine and GOMAXPROCS is left alone, as before: a spare processor whose
// thread competes with the hashes as an equal was measured to cost about 15% of the
// sign-ins (README, «Sizing a box»).

// hashNice is the hashing threads' nice value (the lowest priority).
const hashNice = 19

// lowPriority says, once, whether this process may lower a thread's priority.
var lowPriority = sync.OnceValue(func() bool {
	ok := make(chan bool)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		ok <- lowerThreadPriority(hashNice) == nil
	}()
	return <-ok
})

// derive runs f, a hash, on a thread of its own at the lowest priority when the system
// allows it, and on the caller's goroutine otherwise; a panic in f is the caller's.
func derive(f func() []byte) []byte {
	if !lowPriority() {
		return f()
	}
	type result struct {
		key   []byte
		panic any
	}
	done := make(chan result, 1)
	go func() {
		// Locked and never unlocked: when the goroutine ends, Go ends its thread, and
		// the priority lowered below ends with it. (Go starts new threads from a
		// thread of its own, so a locked thread's priority is never copied.)
		runtime.LockOSThread()
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: p}
			}
		}()
		lowerThreadPriority(hashNice) // checked by lowPriority; the hash is the same either way
		done <- result{key: f()}
	}()
	r := <-done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.key
}

// LowPriority reports whether hashes run on threads of their own at the lowest
// priority, beside a spare processor (the bench shows it with its figures).
func LowPriority() bool { return lowPriority() }

// spareProcessor gives Go one processor more than slots hashes can hold, when the
// hashes run at the lowest priority and GOMAXPROCS would not leave one free. An
// operator's GOMAXPROCS (the environment variable) is left as set.
func spareProcessor(slots int) {
	if !lowPriority() || os.Getenv("GOMAXPROCS") != "" {
		return
	}
	if runtime.GOMAXPROCS(0) <= slots {
		runtime.GOMAXPROCS(slots + 1)
	}
}

package main

import (
	"os"
	"runtime/debug"
)

// Garbage collection in a service that hashes passwords (issue 13). Each argon2id hash
// allocates its memory (19 MiB with the defaults) and drops it when done, so nearly all
// the service's garbage is hashing's. Go's default (GOGC=100) collects whenever the heap
// doubles over what is live; with two hashes live that is every one or two hashes —
// some thirty collections a second at fifty hashes a second, each marking every
// goroutine's stack and buffers on threads that take the CPU from the hashes (nice 19):
// 8.1% of the CPU in a sign-in, application and filing run on PostgreSQL. Collecting at
// five times the live heap took it to 4.2%. A memory limit keeps the process small all
// the same: near it the collector runs as often as it must, so a flood of a thousand
// sign-ins still stays under BENCH.md's 256 MiB.
const (
	gcPercent = 400
	// gcBase is the limit's part for everything but hashes: connections, sessions,
	// forms, the database drivers' buffers.
	gcBase = 64 << 20
	// gcHashes is how many hashes' memory per slot the limit holds: the running ones
	// and the garbage of those just done.
	gcHashes = 3
)

// gcSettings is the collector's percent and memory limit for a service running slots
// hashes of hashKiB each; -1 leaves one as it is, because the operator set it
// (GOGC, GOMEMLIMIT) and the operator's setting wins.
func gcSettings(getenv func(string) string, slots int, hashKiB uint) (percent int, limit int64) {
	percent, limit = gcPercent, -1
	if getenv("GOGC") != "" {
		percent = -1
	}
	if getenv("GOMEMLIMIT") == "" {
		limit = gcBase + int64(gcHashes)*int64(max(slots, 1))*int64(hashKiB)<<10
	}
	return percent, limit
}

// collectForHashing applies gcSettings to this process.
func collectForHashing(slots int, hashKiB uint) {
	percent, limit := gcSettings(os.Getenv, slots, hashKiB)
	if percent >= 0 {
		debug.SetGCPercent(percent)
	}
	if limit >= 0 {
		debug.SetMemoryLimit(limit)
	}
}

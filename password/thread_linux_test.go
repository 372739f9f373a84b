package password

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// threadNice reads the calling thread's nice value from /proc.
func threadNice(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/stat", syscall.Gettid()))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	n, err := strconv.Atoi(f[16]) // field 19, nice
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Issue 13: a hash runs on a thread of its own at the lowest priority, and the
// priority stays with that thread: the caller's thread, and the threads Go starts
// for other work afterwards, keep theirs.
func TestHashThreadPriority(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadNice(t)
	var inside int
	derive(func() []byte { inside = threadNice(t); return nil })
	want := before
	if lowPriority() {
		want = hashNice
	}
	if inside != want {
		t.Errorf("the hash ran at nice %d, want %d (lowered: %v)", inside, want, lowPriority())
	}
	if after := threadNice(t); after != before {
		t.Errorf("the caller's thread went from nice %d to %d", before, after)
	}
	// Real hashes, then work on many threads: none may have inherited the hashes' priority.
	h := NewHasher(Params{Memory: 64, Time: 1, Threads: 1}, 4, 0)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.Hash(context.Background(), "Луна2018!"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	nices := make(chan int, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			nices <- threadNice(t)
		}()
	}
	wg.Wait()
	close(nices)
	for n := range nices {
		if n != before {
			t.Fatalf("a thread of other work runs at nice %d after hashing, want %d", n, before)
		}
	}
}

func TestDerivePanicIsTheCallers(t *testing.T) {
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want the hash's panic", p)
		}
	}()
	derive(func() []byte { panic("boom") })
	t.Error("derive returned after its function panicked")
}

// A spare processor beside the hashing slots, when hashes run at the lowest priority;
// an operator's GOMAXPROCS is left as set.
func TestSpareProcessor(t *testing.T) {
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	t.Setenv("GOMAXPROCS", "")
	NewHasher(DefaultParams(), 2, 0)
	want := 2
	if lowPriority() {
		want = 3
	}
	if got := runtime.GOMAXPROCS(0); got != want {
		t.Errorf("GOMAXPROCS %d beside 2 hashing slots, want %d (lowered: %v)", got, want, lowPriority())
	}
	runtime.GOMAXPROCS(2)
	t.Setenv("GOMAXPROCS", "2")
	NewHasher(DefaultParams(), 2, 0)
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("GOMAXPROCS=2 set by the operator became %d", got)
	}
	runtime.GOMAXPROCS(8)
	t.Setenv("GOMAXPROCS", "")
	NewHasher(DefaultParams(), 2, 0)
	if got := runtime.GOMAXPROCS(0); got != 8 {
		t.Errorf("GOMAXPROCS 8 beside 2 hashing slots became %d", got)
	}
}

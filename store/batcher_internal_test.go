package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

// A batcher with two workers commits two batches at once (PostgreSQL's VAT decisions,
// commitWorkers): the second batch starts while the first is still committing, every
// request gets its own answer, and stop waits for both workers.
func TestBatcherWorkersCommitAtOnce(t *testing.T) {
	type req struct {
		n    int
		done chan int
	}
	var mu sync.Mutex
	inFlight, most := 0, 0
	both := make(chan struct{})
	var once sync.Once
	b := newBatcher(&DB{}, "test", 1, 2, func(batch []*req) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if inFlight == 2 {
			once.Do(func() { close(both) })
		}
		mu.Unlock()
		select { // the first batch holds on until a second is committing beside it
		case <-both:
		case <-time.After(5 * time.Second):
		}
		for _, r := range batch {
			r.done <- r.n * 10
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &req{n: i, done: make(chan int, 1)}
			got, err := submit(context.Background(), b, r, r.done)
			if err != nil || got != i*10 {
				t.Errorf("request %d: %d, %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	b.stop()
	if most != 2 {
		t.Errorf("at most %d batches committed at once, want 2", most)
	}
	select {
	case <-b.done:
	default:
		t.Error("stop returned before the workers ended")
	}
}

package bench

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue 13: a target's two figures are measured in turns, so drift on a shared
// machine moves both alike. alternate runs the two measurements slice by slice, one
// after the other, never at once, and merges each one's slices.
func TestAlternateMeasuresInTurns(t *testing.T) {
	b := &bench{progress: &bytes.Buffer{}}
	var mu sync.Mutex
	var order []string
	var busy int // measurements running now
	spec := func(name string, status int) loadSpec {
		return loadSpec{label: name, clients: 2, duration: 250 * time.Millisecond, requests: 1 << 40,
			do: func(ctx context.Context, _ int, _ int64) (int, error) {
				mu.Lock()
				if n := len(order); n == 0 || order[n-1] != name {
					order = append(order, name)
				}
				busy++
				if busy > 2 { // the other measurement's clients are running too
					order = append(order, "overlap")
				}
				mu.Unlock()
				time.Sleep(time.Millisecond)
				mu.Lock()
				busy--
				mu.Unlock()
				return status, nil
			}}
	}
	a, c := b.alternate(context.Background(), spec("a", http.StatusOK), spec("c", http.StatusTeapot))
	if got, want := strings.Join(order, " "), strings.TrimSpace(strings.Repeat("a c ", sideBySide)); got != want {
		t.Errorf("turns: %q, want %q", got, want)
	}
	for _, r := range []loadResult{a, c} {
		if r.Requests == 0 || int64(len(r.lat)) != r.Requests || r.Elapsed < 200*time.Millisecond || r.StoppedBy != "seconds" {
			t.Errorf("merged result: %d requests, %d latencies, %v, stopped by %s", r.Requests, len(r.lat), r.Elapsed, r.StoppedBy)
		}
		for i := 1; i < len(r.lat); i++ {
			if r.lat[i] < r.lat[i-1] {
				t.Fatal("latencies not sorted")
			}
		}
	}
	if a.OK != a.Requests || c.OK != 0 || c.Status[http.StatusTeapot] != c.Requests {
		t.Errorf("counts: a %d of %d ok, c %d ok, %v", a.OK, a.Requests, c.OK, c.Status)
	}
	if a.rate() <= 0 || c.rate() != 0 {
		t.Errorf("rates: %v, %v", a.rate(), c.rate())
	}
}

// When one measurement runs out of its prepared data, both stop: the figures stay
// side by side.
func TestAlternateStopsBothWhenOneRunsOut(t *testing.T) {
	b := &bench{progress: &bytes.Buffer{}}
	var mu sync.Mutex
	left := 30
	scarce := loadSpec{label: "scarce", clients: 1, duration: 500 * time.Millisecond, requests: 1 << 40,
		do: func(context.Context, int, int64) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			if left == 0 {
				return 0, errExhausted
			}
			left--
			time.Sleep(2 * time.Millisecond)
			return http.StatusOK, nil
		}}
	turns := 0
	other := loadSpec{label: "other", clients: 1, duration: 500 * time.Millisecond, requests: 1 << 40,
		do: func(_ context.Context, _ int, seq int64) (int, error) {
			if seq == 1 {
				turns++
			}
			time.Sleep(time.Millisecond)
			return http.StatusOK, nil
		}}
	s, o := b.alternate(context.Background(), scarce, other)
	if s.StoppedBy != "data" || s.OK != 30 {
		t.Errorf("scarce: %d ok, stopped by %s", s.OK, s.StoppedBy)
	}
	if turns >= sideBySide || o.OK == 0 {
		t.Errorf("the other ran %d turns (%d ok) after the first ran out", turns, o.OK)
	}
}

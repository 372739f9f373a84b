package store

import (
	"context"
	"runtime"
	"sync"

	"kabinet"
)

// batcher is group commit: requests that arrive while one batch commits form the next,
// and one goroutine commits each batch in one transaction. Registry look-ups and the
// offices' VAT decisions go through one each. A caller gets its answer only after its
// batch committed (commit delivers every request's result), so nothing is answered
// before it is durable; a batch adds no delay of its own.
type batcher[R any] struct {
	db     *DB
	what   string // for errors: "look-up", "VAT decision"
	max    int    // the largest batch
	commit func(batch []R)
	queue  chan R
	start  sync.Once
	quit   chan struct{}
	done   chan struct{}
}

func newBatcher[R any](db *DB, what string, max int, commit func([]R)) *batcher[R] {
	return &batcher[R]{db: db, what: what, max: max, commit: commit, queue: make(chan R, 4*max),
		quit: make(chan struct{}), done: make(chan struct{})}
}

// stop ends the goroutine (if it ran) after the batch in hand; requests still queued
// are told the store is closed.
func (b *batcher[R]) stop() {
	b.start.Do(func() { close(b.done) }) // never started: nothing to wait for
	select {
	case <-b.quit:
	default:
		close(b.quit)
	}
	<-b.done
}

// closed is the error of a request the batcher will not commit.
func (b *batcher[R]) closed() error {
	return kabinet.Errorf(kabinet.KindUnavailable, "unavailable", "store: closed")
}

// submit queues r and waits for result, which commit fills. ctx bounds the
// wait: a caller that leaves never fails the others of its batch.
func submit[R any, T any](ctx context.Context, b *batcher[R], r R, result <-chan T) (T, error) {
	var zero T
	b.start.Do(func() { go b.run() })
	select {
	case b.queue <- r:
	case <-b.quit:
		return zero, b.closed()
	case <-ctx.Done():
		return zero, b.db.unavailable(b.what, ctx.Err())
	}
	select {
	case res := <-result:
		return res, nil
	case <-b.done: // closed with the request still queued
		return zero, b.closed()
	case <-ctx.Done():
		return zero, b.db.unavailable(b.what, ctx.Err())
	}
}

func (b *batcher[R]) run() {
	defer close(b.done)
	batch := make([]R, 0, b.max)
	for {
		select {
		case <-b.quit:
			return
		case r := <-b.queue:
			batch = append(batch[:0], r)
		}
		// Let the goroutines already runnable run once before taking the batch: under
		// load they are mostly requests on their way to the queue, which then share this
		// commit (at 64 clients on SQLite, 4 look-ups a commit became 12, and a look-up's
		// CPU fell by a twentieth); with nothing else runnable it costs nothing.
		runtime.Gosched()
	more:
		for len(batch) < b.max {
			select {
			case r := <-b.queue:
				batch = append(batch, r)
			default:
				break more
			}
		}
		b.commit(batch)
	}
}

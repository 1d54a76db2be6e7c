package engine

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// errRequestTimeout is the error of a request that outlived the request
// timeout (--command-timeout); it counts as "deadline_exceeded".
var errRequestTimeout = fmt.Errorf("request exceeded --command-timeout: %w", context.DeadlineExceeded)

// watchdog enforces the request timeout without a context.WithTimeout per
// request: that allocates and starts and stops a runtime timer, about 3 µs
// a request, some 4% of the client's CPU on a put (profiled against etcd's
// benchmark). Each worker keeps one cancellable context in a requestSlot,
// and the watchdog cancels it when a request outlives the timeout; the
// slot's lock makes sure a request that already ended is never cancelled
// in its successor's place.
type watchdog struct {
	timeout time.Duration
	since   func() time.Duration
	mu      sync.Mutex
	slots   []*requestSlot
	quit    chan struct{}
	done    chan struct{}
}

// requestSlot is one worker's context and the start of its request in
// flight.
type requestSlot struct {
	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	started time.Duration // offset of the request in flight; -1 when idle
	expired bool
	// lastDone is the completion offset of the worker's last request. It
	// lives here, under the lock end takes anyway, rather than in one
	// counter all workers write: that would bounce a cache line between
	// cores on every request.
	lastDone time.Duration
}

// watchdogTick bounds how late a timeout may fire: a twentieth of it,
// within [1 ms, 250 ms].
func watchdogTick(timeout time.Duration) time.Duration {
	return min(max(timeout/20, time.Millisecond), 250*time.Millisecond)
}

// startWatchdog starts enforcing timeout; a zero timeout means none, and no
// goroutine.
func startWatchdog(timeout time.Duration, since func() time.Duration) *watchdog {
	w := &watchdog{timeout: timeout, since: since, quit: make(chan struct{}), done: make(chan struct{})}
	if timeout <= 0 {
		close(w.done)
		return w
	}
	go w.run()
	return w
}

func (w *watchdog) run() {
	defer close(w.done)
	t := time.NewTicker(watchdogTick(w.timeout))
	defer t.Stop()
	for {
		select {
		case <-w.quit:
			return
		case <-t.C:
		}
		now := w.since()
		w.mu.Lock()
		slots := w.slots
		w.mu.Unlock()
		for _, s := range slots {
			s.expire(now, w.timeout)
		}
	}
}

// stop ends the watchdog.
func (w *watchdog) stop() {
	if w.timeout > 0 {
		close(w.quit)
	}
	<-w.done
}

// lastDone is the latest completion of any worker: the end of the run's
// load. Call it once the workers have stopped.
func (w *watchdog) lastDone() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	var last time.Duration
	for _, s := range w.slots {
		s.mu.Lock()
		last = max(last, s.lastDone)
		s.mu.Unlock()
	}
	return last
}

// slot registers a worker.
func (w *watchdog) slot() *requestSlot {
	s := &requestSlot{started: -1}
	s.renew()
	w.mu.Lock()
	w.slots = append(w.slots, s)
	w.mu.Unlock()
	return s
}

func (s *requestSlot) renew() {
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.expired = false
}

// begin marks a request sent at offset at and returns its context.
func (s *requestSlot) begin(at time.Duration) context.Context {
	s.mu.Lock()
	if s.expired {
		s.renew()
	}
	s.started = at
	ctx := s.ctx
	s.mu.Unlock()
	return ctx
}

// end marks the request done at offset done and reports whether it timed
// out.
func (s *requestSlot) end(done time.Duration) bool {
	s.mu.Lock()
	s.started = -1
	s.lastDone = done
	expired := s.expired
	s.mu.Unlock()
	return expired
}

// expire cancels the request in flight if it has run for timeout by now.
func (s *requestSlot) expire(now, timeout time.Duration) {
	s.mu.Lock()
	if s.started >= 0 && !s.expired && now-s.started >= timeout {
		s.expired = true
		s.cancel()
	}
	s.mu.Unlock()
}

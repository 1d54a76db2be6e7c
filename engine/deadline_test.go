package engine

import (
	"context"
	"testing"
	"time"
)

// A request that outlives the timeout is cancelled and reported as timed
// out; one that ends in time is not, and the slot serves the next request
// with a live context.
func TestWatchdogCancelsOnlyOverdueRequests(t *testing.T) {
	start := time.Now()
	since := func() time.Duration { return time.Since(start) }
	w := startWatchdog(50*time.Millisecond, since)
	defer w.stop()
	s := w.slot()

	ctx := s.begin(since())
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("an overdue request was not cancelled")
	}
	if !s.end(since()) {
		t.Error("an overdue request was not reported as timed out")
	}
	if k := ErrorKind(errRequestTimeout); k != "deadline_exceeded" {
		t.Errorf("a timed-out request counts as %q, want deadline_exceeded", k)
	}

	ctx = s.begin(since())
	if ctx.Err() != nil {
		t.Fatal("the next request got a cancelled context")
	}
	if s.end(since()) {
		t.Error("a quick request was reported as timed out")
	}
	// An idle slot is never cancelled, however long it waits.
	time.Sleep(150 * time.Millisecond)
	if ctx := s.begin(since()); ctx.Err() != nil {
		t.Error("an idle slot's context was cancelled")
	}
	s.end(since())
}

// The cost per request of the request timeout: the watchdog's slot against
// a context.WithTimeout per request, in one run.
func BenchmarkRequestTimeout(b *testing.B) {
	b.Run("watchdog-slot", func(b *testing.B) {
		start := time.Now()
		w := startWatchdog(5*time.Second, func() time.Duration { return time.Since(start) })
		defer w.stop()
		s := w.slot()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = s.begin(time.Duration(i))
			s.end(time.Duration(i))
		}
	})
	b.Run("context-with-timeout", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			cancel()
		}
	})
}

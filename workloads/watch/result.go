package watch

import (
	"context"
	"fmt"
	"time"

	"github.com/etcdtune/etcdtune/result"
)

// slowLag is how late a slow watcher's events must arrive for it to count
// as delayed.
const slowLag = time.Second

// Finish implements Finisher: it reads how many events each watcher should
// have, waits for the normal watchers to receive them, closes the watches
// and adds the figures to r.
func (w *Workload) Finish(ctx context.Context, r *result.Workload) error {
	s := w.set
	if s == nil {
		return nil
	}
	w.set = nil
	expected, err := s.expected(ctx)
	if err != nil {
		s.close()
		return err
	}
	s.drain(ctx, expected)
	client := s.clientStats(s.rec.Totals().Kinds[watchDelivery].Ops)
	s.close()
	r.Watch = s.stats(expected)
	r.Watch.Client = client
	if client.Saturated {
		r.Warnings = append(r.Warnings, saturationWarning(client))
	}
	if ws := r.Watch; ws.EventsMissing+ws.EventsDuplicated+ws.EventsOutOfOrder+ws.EventsUnexpected > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("watch integrity: %d events missing, %d duplicated, %d out of order, %d unexpected",
			ws.EventsMissing, ws.EventsDuplicated, ws.EventsOutOfOrder, ws.EventsUnexpected))
	}
	return nil
}

// expected returns, per watcher, the events it should have received: its
// history and the puts of the load to its keys, as etcd counted them.
func (s *watchSet) expected(ctx context.Context) ([]int64, error) {
	end, _, err := keyVersions(ctx, s.client, s.opts.Keys)
	if err != nil {
		return nil, err
	}
	live := make([]int64, len(end))
	for i := range end {
		live[i] = end[i] - s.base[i]
	}
	sums := prefixSums(live)
	exp := make([]int64, len(s.watchers))
	for i := range s.watchers {
		st := &s.watchers[i]
		exp[i] = st.want + sums[st.hi] - sums[st.lo]
	}
	return exp, nil
}

// drain waits until every normal watcher has its expected events, or none
// has received anything for watchIdle. Slow watchers are not waited for:
// how far behind they are is a figure of the run.
func (s *watchSet) drain(ctx context.Context, expected []int64) {
	s.waitProgress(ctx, func() bool {
		for i := range s.watchers {
			if st := &s.watchers[i]; !st.slow && !st.ended.Load() && st.received.Load() < expected[i] {
				return false
			}
		}
		return true
	})
}

// stats builds the result's figures; the readers have ended.
func (s *watchSet) stats(expected []int64) *result.WatchStats {
	t := s.rec.Totals()
	ws := &result.WatchStats{Watchers: s.opts.Watchers, Streams: s.opts.Streams, StartRevision: s.startRev, LiveAfter: s.rev0,
		DeliveryMs: result.Summarize(t.Kinds[watchDelivery].Latency), DeliveryHistogram: result.EncodeHistogram(t.Kinds[watchDelivery].Latency),
		CreateMs: result.Summarize(t.Kinds[watchCreate].Latency)}
	if t.Kinds[watchCatchUp].Ops > 0 {
		c := result.Summarize(t.Kinds[watchCatchUp].Latency)
		ws.CatchUpMs = &c
	}
	if last := s.lastLive.Load(); last > 0 {
		if d := time.Unix(0, last).Sub(s.loadStart); d > 0 {
			ws.EventsPerS = float64(t.Kinds[watchDelivery].Ops) / d.Seconds()
		}
	}
	if s.opts.Slow > 0 {
		ws.Slow = &result.SlowWatchStats{Watchers: s.opts.Slow, ReadDelayMs: watchMs(s.opts.SlowDelay),
			DeliveryMs: result.Summarize(t.Kinds[watchSlowDelivery].Latency)}
	}
	for i := range s.watchers {
		if st := &s.watchers[i]; st.slow {
			addSlowWatcher(ws.Slow, st, expected[i])
		} else {
			addWatcher(ws, st, expected[i])
		}
	}
	return ws
}

// addWatcher adds the counts of a normal watcher that expected events.
func addWatcher(ws *result.WatchStats, st *watcherState, expected int64) {
	valid := addCounts(&ws.EventCounts, st, expected)
	ws.HistoryEvents += st.want
	if valid < expected {
		ws.EventsMissing += expected - valid
	} else {
		ws.EventsUnexpected += valid - expected
	}
}

// addSlowWatcher adds the counts of a slow watcher that expected events.
func addSlowWatcher(ss *result.SlowWatchStats, st *watcherState, expected int64) {
	valid := addCounts(&ss.EventCounts, st, expected)
	ss.EventsBehind += max(0, expected-valid)
	ss.MaxLagMs = max(ss.MaxLagMs, watchMs(st.maxLag))
	if st.maxLag > slowLag {
		ss.Delayed++
	}
}

// addCounts adds a watcher's integrity counts and returns the events it
// received that were not duplicates.
func addCounts(c *result.EventCounts, st *watcherState, expected int64) (valid int64) {
	got := st.received.Load()
	c.EventsExpected += expected
	c.EventsReceived += got
	c.EventsDuplicated += st.dup
	c.EventsOutOfOrder += st.ooo
	if st.compactRev.Load() != 0 {
		c.Compacted++
	}
	if st.cancelled != "" || st.compactRev.Load() != 0 {
		c.Cancelled++
	}
	return got - st.dup
}

func watchMs(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

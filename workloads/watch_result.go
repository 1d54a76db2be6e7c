package workloads

import (
	"context"
	"fmt"
	"time"
)

// slowLag is how late a slow watcher's events must arrive for it to count
// as delayed.
const slowLag = time.Second

// WatchStats is the watch workload's share of the result: delivery,
// creation and catch-up latency, event throughput and the integrity of what
// the watchers received. Slow watchers are counted apart, in Slow.
type WatchStats struct {
	Watchers      int   `json:"watchers"`
	Streams       int   `json:"streams"`
	StartRevision int64 `json:"start_revision"`
	// LiveAfter is the revision before the load: events after it are live,
	// those from StartRevision up to it are history.
	LiveAfter         int64           `json:"live_after_revision"`
	EventsExpected    int64           `json:"events_expected"`
	EventsReceived    int64           `json:"events_received"`
	EventsMissing     int64           `json:"events_missing"`
	EventsDuplicated  int64           `json:"events_duplicated"`
	EventsOutOfOrder  int64           `json:"events_out_of_order"`
	EventsUnexpected  int64           `json:"events_unexpected"` // beyond the expected, not duplicates
	HistoryEvents     int64           `json:"history_events"`    // of the expected, replayed history
	EventsPerS        float64         `json:"events_per_s"`      // live events received, over the load
	DeliveryMs        LatencySummary  `json:"delivery_latency_ms"`
	DeliveryHistogram string          `json:"delivery_histogram"`
	CreateMs          LatencySummary  `json:"create_latency_ms"`
	CatchUpMs         *LatencySummary `json:"catch_up_ms,omitempty"`
	Cancelled         int             `json:"cancelled"` // watches etcd cancelled
	Compacted         int             `json:"compacted"` // of those, because of a compaction
	Slow              *SlowWatchStats `json:"slow,omitempty"`
}

// SlowWatchStats is what became of the slow watchers: how late their events
// came, how far behind they were at the end, and whether etcd cancelled them.
type SlowWatchStats struct {
	Watchers         int            `json:"watchers"`
	ReadDelayMs      float64        `json:"read_delay_ms"`
	EventsExpected   int64          `json:"events_expected"`
	EventsReceived   int64          `json:"events_received"`
	EventsBehind     int64          `json:"events_behind"` // not received when the run ended
	EventsDuplicated int64          `json:"events_duplicated"`
	EventsOutOfOrder int64          `json:"events_out_of_order"`
	Delayed          int            `json:"delayed"` // watchers with an event over 1 s late
	Cancelled        int            `json:"cancelled"`
	Compacted        int            `json:"compacted"`
	MaxLagMs         float64        `json:"max_lag_ms"`
	DeliveryMs       LatencySummary `json:"delivery_latency_ms"`
}

// Finish implements Finisher: it reads how many events each watcher should
// have, waits for the normal watchers to receive them, closes the watches
// and adds the figures to r.
func (w *Watch) Finish(ctx context.Context, r *Result) error {
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
	s.close()
	r.Watch = s.stats(expected)
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
	for i, st := range s.watchers {
		exp[i] = st.want + sums[st.hi] - sums[st.lo]
	}
	return exp, nil
}

// drain waits until every normal watcher has its expected events, or none
// has received anything for watchIdle. Slow watchers are not waited for:
// how far behind they are is a figure of the run.
func (s *watchSet) drain(ctx context.Context, expected []int64) {
	s.waitProgress(ctx, func() bool {
		for i, st := range s.watchers {
			if !st.slow && !st.ended.Load() && st.received.Load() < expected[i] {
				return false
			}
		}
		return true
	})
}

// stats builds the result's figures; the readers have ended.
func (s *watchSet) stats(expected []int64) *WatchStats {
	t := s.rec.Totals()
	ws := &WatchStats{Watchers: s.opts.Watchers, Streams: s.opts.Streams, StartRevision: s.startRev, LiveAfter: s.rev0,
		DeliveryMs: Summarize(t.Kinds[watchDelivery].Latency), DeliveryHistogram: EncodeHistogram(t.Kinds[watchDelivery].Latency),
		CreateMs: Summarize(t.Kinds[watchCreate].Latency)}
	if t.Kinds[watchCatchUp].Ops > 0 {
		c := Summarize(t.Kinds[watchCatchUp].Latency)
		ws.CatchUpMs = &c
	}
	if last := s.lastLive.Load(); last > 0 {
		if d := time.Unix(0, last).Sub(s.loadStart); d > 0 {
			ws.EventsPerS = float64(t.Kinds[watchDelivery].Ops) / d.Seconds()
		}
	}
	if s.opts.Slow > 0 {
		ws.Slow = &SlowWatchStats{Watchers: s.opts.Slow, ReadDelayMs: watchMs(s.opts.SlowDelay),
			DeliveryMs: Summarize(t.Kinds[watchSlowDelivery].Latency)}
	}
	for i, st := range s.watchers {
		if st.slow {
			ws.Slow.add(st, expected[i])
		} else {
			ws.add(st, expected[i])
		}
	}
	return ws
}

func (ws *WatchStats) add(st *watcherState, expected int64) {
	got := st.received.Load()
	ws.EventsExpected += expected
	ws.EventsReceived += got
	ws.EventsDuplicated += st.dup
	ws.EventsOutOfOrder += st.ooo
	ws.HistoryEvents += st.want
	if valid := got - st.dup; valid < expected {
		ws.EventsMissing += expected - valid
	} else {
		ws.EventsUnexpected += valid - expected
	}
	if st.compactRev.Load() != 0 {
		ws.Compacted++
	}
	if st.cancelled != "" || st.compactRev.Load() != 0 {
		ws.Cancelled++
	}
}

func (ss *SlowWatchStats) add(st *watcherState, expected int64) {
	got := st.received.Load()
	ss.EventsExpected += expected
	ss.EventsReceived += got
	ss.EventsDuplicated += st.dup
	ss.EventsOutOfOrder += st.ooo
	ss.EventsBehind += max(0, expected-(got-st.dup))
	ss.MaxLagMs = max(ss.MaxLagMs, watchMs(st.maxLag))
	if st.maxLag > slowLag {
		ss.Delayed++
	}
	if st.compactRev.Load() != 0 {
		ss.Compacted++
	}
	if st.cancelled != "" || st.compactRev.Load() != 0 {
		ss.Cancelled++
	}
}

func watchMs(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

package watch_test

import (
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads"
	"github.com/etcdtune/etcdtune/workloads/watch"
)

// Hundreds of watchers over thousands of puts each receive every event of
// their keys once, in order; the expected counts are checked against what
// the test itself knows of the puts.
func TestWatchIntegrity(t *testing.T) {
	cs := loadtest.Embedded(t, 4)
	seq := loadtest.Keys(100)
	seq.Dist = engine.DistSeq
	cases := []struct {
		name string
		o    watch.Options
		want int64 // events expected over all watchers
	}{
		// seq over 100 keys: 3000 puts are 30 per key, 300 per watcher of 10 keys.
		{"300 watchers of 10 keys", watch.Options{Keys: seq, Watchers: 300, Streams: 10, Scope: watch.ScopeKeys, KeysPer: 10}, 300 * 300},
		{"200 watchers of one key", watch.Options{Keys: seq, Watchers: 200, Streams: 7, Scope: watch.ScopeKeys, KeysPer: 1}, 200 * 30},
		{"100 watchers of the prefix", watch.Options{Keys: loadtest.Keys(100), Watchers: 100, Streams: 4, Scope: watch.ScopePrefix}, 100 * 3000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := runWatch(t, cs, c.o, 3000, 1500)
			w := res.Watch
			assertIntact(t, w, c.want)
			if w.HistoryEvents != 0 || w.CatchUpMs != nil {
				t.Errorf("history %d, catch-up %v: want none without --history", w.HistoryEvents, w.CatchUpMs)
			}
			if w.DeliveryMs.P99 <= 0 || w.DeliveryMs.Max < w.DeliveryMs.P50 || w.EventsPerS <= 0 || w.CreateMs.Max <= 0 {
				t.Errorf("delivery %+v, %v events/s, create %+v", w.DeliveryMs, w.EventsPerS, w.CreateMs)
			}
			loadtest.NoKeysLeft(t, cs[0])
		})
	}
}

// Watchers that start in the past replay exactly the history of their keys,
// puts and the deletes of a cleanup, before the live events.
func TestWatchCatchUpReceivesHistory(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	spec := loadtest.Keys(100)
	before := loadtest.Revision(t, cs[0])
	// The history: 2000 puts, then one delete of every key written.
	loadtest.Run(t, engine.Config{Clients: 8, Total: 2000}, loadtest.NewPut(t, workloads.PutOptions{Keys: spec, ValSize: 64}), cs)
	written := loadtest.CountPrefix(t, cs[0], "/etcdtune/")
	if err := engine.Cleanup(t.Context(), cs[0], spec); err != nil {
		t.Fatal(err)
	}
	depth := loadtest.Revision(t, cs[0]) - before
	const watchers, live = 50, 500
	o := watch.Options{Keys: spec, Watchers: watchers, Streams: 5, Scope: watch.ScopePrefix, History: depth}
	w := runWatch(t, cs, o, live, 1000).Watch
	history := 2000 + written
	if w.HistoryEvents != watchers*history {
		t.Errorf("history events %d, want %d watchers x (2000 puts + %d deletes)", w.HistoryEvents, watchers, written)
	}
	assertIntact(t, w, watchers*(history+live))
	if w.StartRevision != before+1 || w.CatchUpMs == nil || w.CatchUpMs.Max <= 0 {
		t.Errorf("start revision %d (want %d), catch-up %+v", w.StartRevision, before+1, w.CatchUpMs)
	}
}

// A watcher that reads slowly falls behind: its events arrive late, and the
// result says so, apart from the normal watchers, which stay intact.
func TestWatchSlowWatcherReported(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	const watchers, slow, puts = 20, 2, 1000
	o := watch.Options{Keys: loadtest.Keys(100), Watchers: watchers, Streams: 2, Scope: watch.ScopePrefix,
		Slow: slow, SlowDelay: 50 * time.Millisecond}
	w := runWatch(t, cs, o, puts, 500).Watch
	assertIntact(t, w, watchers*puts)
	s := w.Slow
	if s == nil {
		t.Fatal("no slow watcher figures")
	}
	// A slow watcher reads at most 20 responses a second while etcd sends
	// one per put at 500 a second, until its buffers fill: its events are
	// seconds late whatever the machine's speed.
	if s.Watchers != slow || s.Delayed != slow || s.MaxLagMs < 1000 {
		t.Errorf("slow: %d watchers, %d delayed, max lag %.0f ms; want %d delayed by over 1 s", s.Watchers, s.Delayed, s.MaxLagMs, slow)
	}
	if s.EventsExpected != slow*puts || s.EventsReceived+s.EventsBehind != s.EventsExpected || s.EventsDuplicated+s.EventsOutOfOrder != 0 {
		t.Errorf("slow events: expected %d, received %d, behind %d, duplicated %d, out of order %d",
			s.EventsExpected, s.EventsReceived, s.EventsBehind, s.EventsDuplicated, s.EventsOutOfOrder)
	}
}

// A history deeper than the cluster's revision is the user's mistake, found
// against the cluster, and nothing is written.
func TestWatchHistoryDeeperThanRevision(t *testing.T) {
	cs := loadtest.Embedded(t, 1)
	before := loadtest.Revision(t, cs[0])
	for _, o := range []watch.Options{{History: before + 1}, {FromRev: before + 5}} {
		o.Keys, o.Watchers, o.Streams, o.Scope = loadtest.Keys(10), 2, 1, watch.ScopePrefix
		_, err := engine.Session{Config: engine.Config{Rate: 100, MaxInflight: 10, Total: 10}, Clients: cs}.Run(t.Context(), newWatch(t, o))
		if !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), "current revision") {
			t.Errorf("%+v: want bad input naming the current revision, got %v", o, err)
		}
	}
	if after := loadtest.Revision(t, cs[0]); after != before {
		t.Errorf("revision went from %d to %d; a refused run must write nothing", before, after)
	}
}

func TestWatchOptionsValidate(t *testing.T) {
	good := watch.Options{Keys: loadtest.Keys(100), ValSize: 64, Watchers: 10, Streams: 2, Scope: watch.ScopeKeys, KeysPer: 1}
	cases := []struct {
		edit func(*watch.Options)
		want string
	}{
		{func(o *watch.Options) { o.Streams = 11 }, "--streams 11 is more than --watchers 10"},
		{func(o *watch.Options) { o.Watchers = 0 }, "--watchers"},
		{func(o *watch.Options) { o.KeysPer = 101 }, "--keys"},
		{func(o *watch.Options) { o.Scope = "all" }, "--scope"},
		{func(o *watch.Options) { o.ValSize = 8 }, "--val-size"},
		{func(o *watch.Options) { o.History, o.FromRev = 5, 5 }, "--history or --from-rev"},
		{func(o *watch.Options) { o.Slow = -1 }, "--slow-watchers"},
	}
	for _, c := range cases {
		o := good
		c.edit(&o)
		if _, err := watch.New(o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error naming %q, got %v", c.want, err)
		}
	}
	if _, err := watch.New(good); err != nil {
		t.Errorf("good options refused: %v", err)
	}
}

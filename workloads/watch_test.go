package workloads_test

import (
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/workloads"
)

func newWatch(t testing.TB, o workloads.WatchOptions) *workloads.Watch {
	t.Helper()
	if o.ValSize == 0 {
		o.ValSize = 64
	}
	w, err := workloads.NewWatch(o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// runWatch runs a watch workload in a session with puts at rate.
func runWatch(t testing.TB, cs []*clientv3.Client, o workloads.WatchOptions, total int64, rate float64) *workloads.Result {
	t.Helper()
	cfg := workloads.Config{Rate: rate, MaxInflight: 1000, Total: total, RequestTimeout: 10 * time.Second}
	res, err := workloads.Session{Config: cfg, Clients: cs}.Run(t.Context(), newWatch(t, o))
	if err != nil {
		t.Fatal(err)
	}
	if res.Watch == nil {
		t.Fatalf("no watch figures in the result: %+v", res)
	}
	if res.Errors != 0 || res.Ops != total {
		t.Fatalf("puts: %d ok, errors %v; want %d ok", res.Ops, res.ErrorKinds, total)
	}
	return res
}

// assertIntact checks that the watchers received exactly what they should.
func assertIntact(t *testing.T, w *workloads.WatchStats, wantExpected int64) {
	t.Helper()
	if w.EventsExpected != wantExpected || w.EventsReceived != wantExpected {
		t.Errorf("events expected %d, received %d; want %d of each", w.EventsExpected, w.EventsReceived, wantExpected)
	}
	if w.EventsMissing != 0 || w.EventsDuplicated != 0 || w.EventsOutOfOrder != 0 || w.EventsUnexpected != 0 || w.Cancelled != 0 {
		t.Errorf("missing %d, duplicated %d, out of order %d, unexpected %d, cancelled %d; want none",
			w.EventsMissing, w.EventsDuplicated, w.EventsOutOfOrder, w.EventsUnexpected, w.Cancelled)
	}
}

// Hundreds of watchers over thousands of puts each receive every event of
// their keys once, in order; the expected counts are checked against what
// the test itself knows of the puts.
func TestWatchIntegrity(t *testing.T) {
	e := etcdtest.Embedded(t)
	cs := clients(t, 4, e.Endpoints())
	seq := keys(100)
	seq.Dist = workloads.DistSeq
	cases := []struct {
		name string
		o    workloads.WatchOptions
		want int64 // events expected over all watchers
	}{
		// seq over 100 keys: 3000 puts are 30 per key, 300 per watcher of 10 keys.
		{"300 watchers of 10 keys", workloads.WatchOptions{Keys: seq, Watchers: 300, Streams: 10, Scope: workloads.WatchScopeKeys, KeysPer: 10}, 300 * 300},
		{"200 watchers of one key", workloads.WatchOptions{Keys: seq, Watchers: 200, Streams: 7, Scope: workloads.WatchScopeKeys, KeysPer: 1}, 200 * 30},
		{"100 watchers of the prefix", workloads.WatchOptions{Keys: keys(100), Watchers: 100, Streams: 4, Scope: workloads.WatchScopePrefix}, 100 * 3000},
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
			if n := countPrefix(t, cs[0], "/etcdtune/"); n != 0 {
				t.Errorf("%d keys left under the prefix", n)
			}
		})
	}
}

// Watchers that start in the past replay exactly the history of their keys,
// puts and the deletes of a cleanup, before the live events.
func TestWatchCatchUpReceivesHistory(t *testing.T) {
	e := etcdtest.Embedded(t)
	cs := clients(t, 2, e.Endpoints())
	spec := keys(100)
	before := revision(t, cs[0])
	// The history: 2000 puts, then one delete of every key written.
	if _, err := workloads.Run(t.Context(), workloads.Config{Clients: 8, Total: 2000}, newPut(t, workloads.PutOptions{Keys: spec, ValSize: 64}), cs); err != nil {
		t.Fatal(err)
	}
	written := countPrefix(t, cs[0], "/etcdtune/")
	if err := workloads.Cleanup(t.Context(), cs[0], spec); err != nil {
		t.Fatal(err)
	}
	depth := revision(t, cs[0]) - before
	const watchers, live = 50, 500
	o := workloads.WatchOptions{Keys: spec, Watchers: watchers, Streams: 5, Scope: workloads.WatchScopePrefix, History: depth}
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
	e := etcdtest.Embedded(t)
	cs := clients(t, 2, e.Endpoints())
	const watchers, slow, puts = 20, 2, 1000
	o := workloads.WatchOptions{Keys: keys(100), Watchers: watchers, Streams: 2, Scope: workloads.WatchScopePrefix,
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
	e := etcdtest.Embedded(t)
	cs := clients(t, 1, e.Endpoints())
	before := revision(t, cs[0])
	for _, o := range []workloads.WatchOptions{{History: before + 1}, {FromRev: before + 5}} {
		o.Keys, o.Watchers, o.Streams, o.Scope = keys(10), 2, 1, workloads.WatchScopePrefix
		_, err := workloads.Session{Config: workloads.Config{Rate: 100, MaxInflight: 10, Total: 10}, Clients: cs}.Run(t.Context(), newWatch(t, o))
		if !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), "current revision") {
			t.Errorf("%+v: want bad input naming the current revision, got %v", o, err)
		}
	}
	if after := revision(t, cs[0]); after != before {
		t.Errorf("revision went from %d to %d; a refused run must write nothing", before, after)
	}
}

func TestWatchOptionsValidate(t *testing.T) {
	good := workloads.WatchOptions{Keys: keys(100), ValSize: 64, Watchers: 10, Streams: 2, Scope: workloads.WatchScopeKeys, KeysPer: 1}
	cases := []struct {
		edit func(*workloads.WatchOptions)
		want string
	}{
		{func(o *workloads.WatchOptions) { o.Streams = 11 }, "--streams 11 is more than --watchers 10"},
		{func(o *workloads.WatchOptions) { o.Watchers = 0 }, "--watchers"},
		{func(o *workloads.WatchOptions) { o.KeysPer = 101 }, "--keys"},
		{func(o *workloads.WatchOptions) { o.Scope = "all" }, "--scope"},
		{func(o *workloads.WatchOptions) { o.ValSize = 8 }, "--val-size"},
		{func(o *workloads.WatchOptions) { o.History, o.FromRev = 5, 5 }, "--history or --from-rev"},
		{func(o *workloads.WatchOptions) { o.Slow = -1 }, "--slow-watchers"},
	}
	for _, c := range cases {
		o := good
		c.edit(&o)
		if _, err := workloads.NewWatch(o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error naming %q, got %v", c.want, err)
		}
	}
	if _, err := workloads.NewWatch(good); err != nil {
		t.Errorf("good options refused: %v", err)
	}
}

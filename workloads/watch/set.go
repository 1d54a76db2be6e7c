package watch

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/workloads/watchstream"
)

// The kinds of the watch set's recorder.
const (
	watchDelivery     = iota // live event, put's intended send -> arrival at a watcher
	watchCreate              // Watch call -> created notification
	watchCatchUp             // Watch call -> last history event received
	watchSlowDelivery        // live event at a slow watcher
)

var watchKinds = []string{"delivery", "create", "catch_up", "slow_delivery"}

// watchIdle is how long the watchers may receive nothing before a wait for
// them (creation, catch-up, the last events) gives up. It counts from the
// last event anywhere, not from the start, so a slow machine that still
// delivers is waited for.
const watchIdle = 5 * time.Second

// watchSet is the watchers of one run, from Prepare to Finish.
type watchSet struct {
	opts      Options
	client    *clientv3.Client // for the readings of versions
	rev0      int64            // the revision before the load: later events are live
	startRev  int64            // where every watcher starts
	base      []int64          // version of each key at rev0
	histSums  []int64          // prefix sums of each key's events in startRev..rev0
	rec       *engine.Recorder
	watchers  []watcherState        // normal ones, then slow ones; never reallocated
	streams   []*watchstream.Stream // the normal watchers': watcher id is on stream id % Streams
	cancel    context.CancelFunc
	closing   atomic.Bool // set before the set closes its watches
	readers   sync.WaitGroup
	activity  atomic.Int64 // responses received by all watchers, to see progress
	loadStart time.Time
	cpu0      time.Duration // the process's CPU time at loadStart
	lastLive  atomic.Int64  // Unix ns of the last live event received
	client0   streamTotals  // the receive loops' figures at loadStart
	restoreGC func()        // puts back the GC target of before the watch run
}

// openWatchSet reads where the run starts, counts the history the watchers
// must replay, opens them and waits until they are created and caught up.
func openWatchSet(ctx context.Context, o Options, clients []*clientv3.Client) (*watchSet, error) {
	s := &watchSet{opts: o, client: clients[0], rec: engine.NewRecorder(watchKinds, false)}
	if err := s.readStart(ctx); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	if err := s.open(clientv3.WithRequireLeader(wctx), clients); err != nil {
		s.close()
		return nil, err
	}
	if err := s.waitReady(ctx); err != nil {
		s.close()
		return nil, err
	}
	s.loadStart, s.cpu0, s.client0 = time.Now(), engine.CPUTime(), s.streamTotals()
	return s, nil
}

// readStart reads the keys' versions and the revision before the load, and
// the history from the start revision up to it.
func (s *watchSet) readStart(ctx context.Context) error {
	base, rev0, err := keyVersions(ctx, s.client, s.opts.Keys)
	if err != nil {
		return err
	}
	s.base, s.rev0 = base, rev0
	if s.startRev, err = s.opts.startRevision(rev0); err != nil {
		return err
	}
	hist := make([]int64, s.opts.Keys.Space)
	if s.startRev <= rev0 {
		if hist, err = countHistory(ctx, s.client, s.opts.Keys, s.startRev, rev0); err != nil {
			return err
		}
	}
	s.histSums = prefixSums(hist)
	return nil
}

// open starts the watchers: the normal ones spread over Streams raw gRPC
// watch streams, the streams spread over the connections; each slow watcher
// on a stream of its own.
func (s *watchSet) open(ctx context.Context, clients []*clientv3.Client) error {
	s.watchers = make([]watcherState, 0, s.opts.Watchers+s.opts.Slow)
	for k := range s.opts.Streams {
		s.streams = append(s.streams, watchstream.New(ctx, clients[k%len(clients)].ActiveConnection(), s.streamHandler(k)))
	}
	now := time.Now()
	for id := range s.opts.Watchers {
		st := s.newWatcherState(id, false)
		st.opened = now
		s.streams[id%len(s.streams)].Add(s.createRequest(st))
	}
	for k, stream := range s.streams {
		if err := stream.Start(); err != nil {
			return fmt.Errorf("open watch stream %d: %w", k, err)
		}
	}
	for i := range s.opts.Slow {
		id := s.opts.Watchers + i
		c := clients[(s.opts.Streams+i)%len(clients)]
		if err := s.openSlow(ctx, s.newWatcherState(id, true), c); err != nil {
			return fmt.Errorf("open slow watcher %d: %w", i, err)
		}
	}
	return nil
}

// createRequest is the watch of st's keys from the start revision.
func (s *watchSet) createRequest(st *watcherState) *pb.WatchCreateRequest {
	key, end := s.opts.watchKeys(st.lo, st.hi)
	req := &pb.WatchCreateRequest{Key: []byte(key), StartRevision: s.startRev}
	if end != "" {
		req.RangeEnd = []byte(end)
	}
	return req
}

func (s *watchSet) newWatcherState(id int, slow bool) *watcherState {
	lo, hi := s.opts.watchRange(id)
	s.watchers = append(s.watchers, watcherState{id: id, lo: lo, hi: hi, slow: slow, want: s.histSums[hi] - s.histSums[lo]})
	return &s.watchers[len(s.watchers)-1]
}

// watchRange is the key indexes [lo, hi) watcher id watches: the whole key
// space, or KeysPer consecutive keys, the watchers spread over the space.
func (o Options) watchRange(id int) (lo, hi uint64) {
	if o.Scope == ScopePrefix {
		return 0, o.Keys.Space
	}
	lo = uint64(id) * o.KeysPer % o.Keys.Space
	if lo+o.KeysPer > o.Keys.Space {
		lo = o.Keys.Space - o.KeysPer
	}
	return lo, lo + o.KeysPer
}

// watchKeys is the key and range end of the keys [lo, hi); no range end for
// one key, which etcd watches by its key index rather than its interval tree.
func (o Options) watchKeys(lo, hi uint64) (key, end string) {
	key = o.Keys.Key(lo)
	switch {
	case o.Scope == ScopeKeys && hi-lo == 1:
		return key, ""
	case hi >= o.Keys.Space:
		_, end = o.Keys.Range()
		return key, end
	}
	return key, o.Keys.Key(hi)
}

// waitReady waits until every watcher is created, and every normal one has
// replayed its history.
func (s *watchSet) waitReady(ctx context.Context) error {
	ready := func() bool {
		for i := range s.watchers {
			if st := &s.watchers[i]; !st.ready.Load() && !st.ended.Load() {
				return false
			}
		}
		return true
	}
	if !s.waitProgress(ctx, ready) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("the watchers were not ready after %v without an event", watchIdle)
	}
	for i := range s.watchers {
		if st := &s.watchers[i]; st.ended.Load() {
			return s.endedEarly(st)
		}
	}
	return nil
}

// endedEarly explains a watcher that ended before the load began.
func (s *watchSet) endedEarly(st *watcherState) error {
	if c := st.compactRev.Load(); c != 0 {
		return fault.Inputf("the watchers start at revision %d, but etcd has compacted its history up to revision %d", s.startRev, c)
	}
	return fmt.Errorf("watcher %d ended before the load began: %s", st.id, st.reason())
}

// waitProgress polls done until it holds, ctx ends, or no watcher has
// received anything for watchIdle. It reports whether done held.
func (s *watchSet) waitProgress(ctx context.Context, done func() bool) bool {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	last, lastAt := s.activity.Load(), time.Now()
	for !done() {
		select {
		case <-ctx.Done():
			return false
		case now := <-tick.C:
			if n := s.activity.Load(); n != last {
				last, lastAt = n, now
			} else if now.Sub(lastAt) > watchIdle {
				return false
			}
		}
	}
	return true
}

// close ends every watch and waits for the readers, after which their
// counts may be read without locks.
func (s *watchSet) close() {
	s.closing.Store(true)
	if s.cancel != nil {
		s.cancel()
	}
	for _, stream := range s.streams {
		stream.Close()
	}
	s.readers.Wait()
	if s.restoreGC != nil {
		s.restoreGC()
		s.restoreGC = nil
	}
}

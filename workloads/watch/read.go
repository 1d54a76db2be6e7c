package watch

import (
	"sync/atomic"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads/watchstream"
)

// watcherState is what one watcher has seen, in constant memory: the last
// event (revision, key) and counts. Events of one watcher come in revision
// order, and the events of one revision (a range delete) in key order, so
// an event at or before the last one is a duplicate or out of order.
type watcherState struct {
	id       int
	lo, hi   uint64 // key indexes [lo, hi) it watches
	slow     bool
	want     int64 // history events it must replay before the live ones
	opened   time.Time
	received atomic.Int64
	ready    atomic.Bool // created, and (normal watchers) caught up
	ended    atomic.Bool // cancelled by etcd, or (slow) its stream ended
	// compactRev is set when etcd cancelled the watch because its next
	// revision was compacted.
	compactRev atomic.Int64

	// Written by the watcher's reader only; read once it has ended.
	created   bool
	caughtUp  bool
	lastRev   int64
	lastKey   uint64
	dup, ooo  int64
	cancelled string // etcd's reason, when etcd cancelled the watch
	maxLag    time.Duration
}

func (st *watcherState) reason() string {
	if st.cancelled != "" {
		return st.cancelled
	}
	return "its stream ended"
}

// streamHandler routes the responses of stream k to its watchers: the
// stream's watch w is watcher w*Streams+k.
func (s *watchSet) streamHandler(k int) watchstream.Handler {
	return func(w int, r *watchstream.Response, now time.Time) {
		s.activity.Add(1)
		if w < 0 {
			return // a progress notice: nothing for a watcher
		}
		st := &s.watchers[w*s.opts.Streams+k]
		if r.Created {
			st.created = true
			s.rec.Record(st.id, watchCreate, now.Sub(st.opened), 0, nil)
		}
		if r.CompactRevision != 0 {
			st.compactRev.Store(r.CompactRevision)
		}
		for ev := range r.Events() {
			s.observe(st, ev.Key, ev.Value, ev.ModRevision, !ev.Delete, now)
		}
		s.checkReady(st, now)
		if r.Canceled {
			if !s.closing.Load() {
				st.cancelled = "cancelled by etcd: " + r.CancelReason
			}
			st.ended.Store(true)
		}
	}
}

// checkReady marks a watcher ready once it is created and, unless slow, has
// received its history, timing the catch-up.
func (s *watchSet) checkReady(st *watcherState, now time.Time) {
	if st.caughtUp || !st.created {
		return
	}
	if st.slow {
		st.ready.Store(true)
		return
	}
	if st.received.Load() >= st.want {
		st.caughtUp = true
		if st.want > 0 {
			s.rec.Record(st.id, watchCatchUp, now.Sub(st.opened), 0, nil)
		}
		st.ready.Store(true)
	}
}

// observe counts one event of a watcher, checks its order and, for a live
// put, records its delivery latency from the put's intended send time.
func (s *watchSet) observe(st *watcherState, key, value []byte, rev int64, put bool, now time.Time) {
	idx, _ := s.opts.Keys.Index(key)
	switch {
	case rev > st.lastRev || rev == st.lastRev && idx > st.lastKey:
		st.lastRev, st.lastKey = rev, idx
	case rev == st.lastRev && idx == st.lastKey:
		st.dup++
	default:
		st.ooo++
	}
	st.received.Add(1)
	if rev <= s.rev0 || !put {
		return
	}
	sent, ok := readStamp(value)
	if !ok {
		return
	}
	lag := now.Sub(sent)
	kind := watchDelivery
	if st.slow {
		kind = watchSlowDelivery
	}
	s.rec.Record(st.id, kind, lag, 0, nil)
	st.maxLag = max(st.maxLag, lag)
	engine.StoreMax(&s.lastLive, now.UnixNano())
}

package watch

import (
	"context"
	"sync/atomic"
	"time"

	mvccpb "go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
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
	ended    atomic.Bool // its channel closed
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
	return "its channel closed"
}

// openWatcher starts a normal watcher on w and its reader.
func (s *watchSet) openWatcher(ctx context.Context, st *watcherState, w clientv3.Watcher) {
	key, end := s.opts.watchKeys(st.lo, st.hi)
	opts := []clientv3.OpOption{clientv3.WithRev(s.startRev), clientv3.WithCreatedNotify()}
	if end != "" {
		opts = append(opts, clientv3.WithRange(end))
	}
	st.opened = time.Now()
	ch := w.Watch(ctx, key, opts...)
	s.readers.Add(1)
	go s.read(st, ch)
}

// read takes a normal watcher's responses until its channel closes.
func (s *watchSet) read(st *watcherState, ch clientv3.WatchChan) {
	defer s.readers.Done()
	defer st.ended.Store(true)
	for resp := range ch {
		now := time.Now()
		s.activity.Add(1)
		switch {
		case resp.Created:
			st.created = true
			s.rec.Record(st.id, watchCreate, now.Sub(st.opened), 0, nil)
		case resp.CompactRevision != 0:
			st.compactRev.Store(resp.CompactRevision)
		case resp.Canceled && !s.closing.Load():
			st.cancelled = resp.Err().Error()
		}
		for _, ev := range resp.Events {
			s.observe(st, ev.Kv, ev.Type == mvccpb.PUT, now)
		}
		s.checkReady(st, now)
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
func (s *watchSet) observe(st *watcherState, kv *mvccpb.KeyValue, put bool, now time.Time) {
	rev := kv.ModRevision
	idx, _ := s.opts.Keys.Index(kv.Key)
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
	sent, ok := readStamp(kv.Value)
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

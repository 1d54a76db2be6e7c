package watch

import (
	"context"
	"errors"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	mvccpb "go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// openSlow starts a slow watcher on a gRPC stream of its own. It talks to
// etcd's Watch service directly because clientv3 reads every stream as fast
// as it can and buffers without bound: a slow reader on clientv3 only grows
// the client's memory, while etcd never sees it.
func (s *watchSet) openSlow(ctx context.Context, st *watcherState, c *clientv3.Client) error {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := pb.NewWatchClient(c.ActiveConnection()).Watch(ctx)
	if err != nil {
		cancel()
		return err
	}
	key, end := s.opts.watchKeys(st.lo, st.hi)
	req := &pb.WatchCreateRequest{Key: []byte(key), StartRevision: s.startRev}
	if end != "" {
		req.RangeEnd = []byte(end)
	}
	st.opened = time.Now()
	if err := stream.Send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CreateRequest{CreateRequest: req}}); err != nil {
		cancel()
		return err
	}
	s.readers.Add(1)
	go func() {
		defer cancel()
		s.readSlow(ctx, st, stream)
	}()
	return nil
}

// readSlow takes a slow watcher's responses, waiting SlowDelay before each
// read. Not reading lets the stream's gRPC window fill, then etcd's send
// buffer for the stream; etcd then holds the watcher's events back (a
// "victim" in etcd's terms) and later sends them batched, or cancels the
// watch if their revisions were compacted meanwhile.
func (s *watchSet) readSlow(ctx context.Context, st *watcherState, stream pb.Watch_WatchClient) {
	defer s.readers.Done()
	defer st.ended.Store(true)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		resp, err := stream.Recv()
		if err != nil {
			if !s.closing.Load() && !errors.Is(ctx.Err(), context.Canceled) {
				st.cancelled = err.Error()
			}
			return
		}
		if s.slowResponse(st, resp) {
			return
		}
		t.Reset(s.opts.SlowDelay)
	}
}

// slowResponse takes one response of a slow watcher and reports whether
// etcd ended the watch.
func (s *watchSet) slowResponse(st *watcherState, resp *pb.WatchResponse) bool {
	now := time.Now()
	s.activity.Add(1)
	if resp.Created {
		st.created = true
	}
	if resp.CompactRevision != 0 {
		st.compactRev.Store(resp.CompactRevision)
	}
	if resp.Canceled {
		st.cancelled = "cancelled by etcd: " + resp.CancelReason
		return true
	}
	for _, ev := range resp.Events {
		s.observe(st, ev.Kv.Key, ev.Kv.Value, ev.Kv.ModRevision, ev.Type == mvccpb.PUT, now)
	}
	s.checkReady(st, now)
	return false
}

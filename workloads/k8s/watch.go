package k8s

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads/watchstream"
)

// watchSyncTimeout bounds the wait for the watches to catch up with the last
// write when the load ends.
const watchSyncTimeout = 10 * time.Second

// k8sWatch is the watch the apiserver's watch cache keeps on one resource:
// the resource's whole prefix, with the previous value of each key, from
// the revision after the preload. It runs on a raw watch stream of its own
// (workloads/watchstream), as the bench watch watchers do.
type k8sWatch struct {
	c      *clientv3.Client
	stream *watchstream.Stream
	events atomic.Int64
	seen   atomic.Int64 // the latest revision the watch is known to be at
	err    atomic.Pointer[error]
}

func startK8sWatch(c *clientv3.Client, prefix string, fromRev int64) (*k8sWatch, error) {
	w := &k8sWatch{c: c}
	w.stream = watchstream.New(context.Background(), c.ActiveConnection(), w.handle)
	key := []byte(prefix)
	w.stream.Add(&pb.WatchCreateRequest{Key: key, RangeEnd: []byte(clientv3.GetPrefixRangeEnd(prefix)), PrevKv: true, StartRevision: fromRev})
	if err := w.stream.Start(); err != nil {
		return nil, fmt.Errorf("watch %s: %w", prefix, err)
	}
	return w, nil
}

// handle takes the watch's responses and the answers to progress requests
// (watch -1), which say the watch has sent everything up to their revision.
func (w *k8sWatch) handle(_ int, r *watchstream.Response, _ time.Time) {
	if r.Canceled {
		err := fmt.Errorf("cancelled by etcd: %s (compacted at %d)", r.CancelReason, r.CompactRevision)
		w.err.Store(&err)
	}
	w.events.Add(int64(r.NumEvents))
	engine.StoreMax(&w.seen, r.Revision)
}

// syncTo asks for progress until the watch has seen revision rev, which
// means it has received every event up to it.
func (w *k8sWatch) syncTo(ctx context.Context, rev int64) bool {
	for w.seen.Load() < rev {
		if w.err.Load() != nil {
			return false
		}
		// Progress goes out only once the watch has caught up; ask again.
		_ = w.stream.RequestProgress()
		select {
		case <-ctx.Done():
			return w.seen.Load() >= rev
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true
}

func (w *k8sWatch) stop() { w.stream.Close() }

// syncWatches waits until every watch has seen the current revision, then
// stops them. It returns that revision.
func (k *Workload) syncWatches(ctx context.Context) (int64, error) {
	if len(k.watches) == 0 {
		return 0, nil
	}
	defer func() {
		for _, w := range k.watches {
			w.stop()
		}
	}()
	resp, err := k.watches[0].c.Get(ctx, k.opts.Prefix+engine.RegistryDir, clientv3.WithCountOnly())
	if err != nil {
		return 0, fmt.Errorf("revision at the end: %w", err)
	}
	rev := resp.Header.Revision
	ctx, cancel := context.WithTimeout(ctx, watchSyncTimeout)
	defer cancel()
	var errs []error
	for i, w := range k.watches {
		if !w.syncTo(ctx, rev) {
			err := fmt.Errorf("the %s watch did not reach revision %d within %v", resources[i].name, rev, watchSyncTimeout)
			if p := w.err.Load(); p != nil {
				err = fmt.Errorf("the %s watch failed: %w", resources[i].name, *p)
			}
			errs = append(errs, err)
		}
	}
	return rev, errors.Join(errs...)
}

// watchWarnings name the resources whose watch did not see one event per
// write.
func watchWarnings(st *result.K8sStats, rev int64) []string {
	var ws []string
	for _, res := range resources {
		name := res.name
		rs := st.Resources[name]
		if rs.WatchEvents != rs.WatchExpected {
			ws = append(ws, fmt.Sprintf("the %s watch received %d events for %d writes (up to revision %d)", name, rs.WatchEvents, rs.WatchExpected, rev))
		}
	}
	return ws
}

package k8s

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// watchSyncTimeout bounds the wait for the watches to catch up with the last
// write when the load ends.
const watchSyncTimeout = 10 * time.Second

// k8sWatch is the watch the apiserver's watch cache keeps on one resource:
// the resource's whole prefix, with the previous value of each key, from
// the revision after the preload.
type k8sWatch struct {
	c      *clientv3.Client
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	events atomic.Int64
	seen   atomic.Int64 // the latest revision the watch is known to be at
	err    atomic.Pointer[error]
}

func startK8sWatch(c *clientv3.Client, prefix string, res int, fromRev int64) *k8sWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &k8sWatch{c: c, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	ch := c.Watch(ctx, prefix, clientv3.WithPrefix(), clientv3.WithPrevKV(), clientv3.WithRev(fromRev))
	go w.run(ch)
	return w
}

func (w *k8sWatch) run(ch clientv3.WatchChan) {
	defer close(w.done)
	for resp := range ch {
		if err := resp.Err(); err != nil {
			if w.ctx.Err() == nil {
				w.err.Store(&err)
			}
			continue
		}
		w.events.Add(int64(len(resp.Events)))
		engine.StoreMax(&w.seen, resp.Header.Revision)
	}
}

// syncTo asks for progress until the watch has seen revision rev, which
// means it has received every event up to it.
func (w *k8sWatch) syncTo(ctx context.Context, rev int64) bool {
	for w.seen.Load() < rev {
		if w.err.Load() != nil {
			return false
		}
		// Progress goes out only once the watch has caught up; ask again.
		_ = w.c.RequestProgress(w.ctx)
		select {
		case <-ctx.Done():
			return w.seen.Load() >= rev
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true
}

func (w *k8sWatch) stop() {
	w.cancel()
	<-w.done
}

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

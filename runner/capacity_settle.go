package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Between two steps of a capacity search the server must have worked off
// the previous step's backlog (the engine waits for the requests in
// flight, but etcd may still be applying, compacting its caches, or
// catching a follower up): after a short pause, single puts are timed
// until one is back near the first step's p50.
const (
	settlePause = 100 * time.Millisecond
	settleMax   = 5 * time.Second // give up waiting: a server this slow shows in the next step
	// settleSlack is how far above the first step's p50 a single put may
	// be and count as settled: twice it, or it plus 1 ms (a sub-millisecond
	// p50 doubles with scheduler noise alone).
	settleSlack = time.Millisecond
)

// settleKey is the probe's key under the prefix; it is deleted after each
// put, so the next step's prefix check finds the prefix as before.
const settleKey = engine.SettleKey

// settle waits for the server to be back near the first step's pace. On
// the embedded etcd, which is the run's own, it first compacts the history
// the previous step wrote and defragments the backend: every put and every
// cleanup delete is a revision, and a search of tens of steps would
// otherwise grow the backend until later steps measure the history rather
// than the load (kube-apiserver compacts every 5 minutes for the same
// reason). Compaction alone leaves the pages an overloaded step allocated:
// after one step at 16,000 puts/s the db had doubled (9 to 19 MiB) and the
// p99 at 6,000/s stayed at 30-33 ms where it had been 16-22 ms; with the
// defragmentation every step starts from the same backend. A user's
// cluster is never compacted nor defragmented: its history is not
// etcdtune's to discard, and a defragmentation blocks the member.
func (c *capacityRun) settle(ctx context.Context, prefix string) {
	if c.s.Target.Embedded() != nil {
		cl := c.s.Target.Clients()[0]
		compactAll(ctx, cl)
		defragment(ctx, cl, c.s.Target.Endpoints())
	}
	if !sleep(ctx, settlePause) || c.first == nil {
		return
	}
	base := time.Duration(c.first.LatencyMs.P50 * float64(time.Millisecond))
	near := max(2*base, base+settleSlack)
	cl := c.s.Target.Clients()[0]
	deadline := time.Now().Add(settleMax)
	for time.Now().Before(deadline) {
		if d, err := timePut(ctx, cl, prefix+settleKey); err == nil && d <= near {
			return
		}
		if !sleep(ctx, 100*time.Millisecond) {
			return
		}
	}
}

// compactAll compacts the history up to the current revision; a failure
// only means the next step measures a larger backend.
func compactAll(ctx context.Context, cl *clientv3.Client) {
	ctx, cancel := context.WithTimeout(ctx, settleMax)
	defer cancel()
	resp, err := cl.Get(ctx, "compact-probe", clientv3.WithCountOnly())
	if err != nil {
		return
	}
	cl.Compact(ctx, resp.Header.Revision, clientv3.WithCompactPhysical())
}

// defragment defragments each member; a failure only means the next step
// measures a larger backend.
func defragment(ctx context.Context, cl *clientv3.Client, endpoints []string) {
	ctx, cancel := context.WithTimeout(ctx, settleMax)
	defer cancel()
	for _, ep := range endpoints {
		cl.Defragment(ctx, ep)
	}
}

// timePut times one put of key and deletes the key, even after Ctrl-C. The
// key is put only if absent and deleted only while it is the one put here,
// so that a key of that name etcdtune did not create is never changed.
func timePut(ctx context.Context, cl *clientv3.Client, key string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, settleMax)
	defer cancel()
	start := time.Now()
	resp, err := cl.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).Then(clientv3.OpPut(key, "")).Commit()
	d := time.Since(start)
	if err != nil {
		return d, err
	}
	if !resp.Succeeded {
		return d, fmt.Errorf("settle: %q is already there, not etcdtune's to overwrite", key)
	}
	dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), settleMax)
	defer dcancel()
	rev := resp.Header.Revision
	cl.Txn(dctx).If(clientv3.Compare(clientv3.ModRevision(key), "=", rev)).Then(clientv3.OpDelete(key)).Commit()
	return d, nil
}

// sleep waits d unless ctx ends first; it reports whether it waited.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

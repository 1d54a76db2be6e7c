package watch

import (
	"context"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/fault"
)

// keyVersions returns the version of every key of spec (0 for a key that
// does not exist) and the revision it was read at. Since a put adds one to
// its key's version, the difference between two readings is the number of
// puts in between, as etcd counted them: also those whose answer the client
// never saw.
func keyVersions(ctx context.Context, c *clientv3.Client, spec engine.KeySpec) ([]int64, int64, error) {
	start, end := spec.Range()
	resp, err := c.Get(ctx, start, clientv3.WithRange(end), clientv3.WithKeysOnly())
	if err != nil {
		return nil, 0, fmt.Errorf("read versions under %q: %w", spec.Prefix, err)
	}
	v := make([]int64, spec.Space)
	for _, kv := range resp.Kvs {
		if i, ok := spec.Index(kv.Key); ok && i < spec.Space {
			v[i] = kv.Version
		}
	}
	return v, resp.Header.Revision, nil
}

// startRevision is where the watchers start: after rev0 (live events
// only), History revisions before it, or at FromRev. A start the cluster
// cannot give is bad input, found only once connected: like a flag out
// of range, not an unusable target.
func (o Options) startRevision(rev0 int64) (int64, error) {
	switch {
	case o.History > rev0:
		return 0, fault.Inputf("--history %d is deeper than the cluster's current revision %d: use --history %d or less", o.History, rev0, rev0)
	case o.History > 0:
		return rev0 - o.History + 1, nil
	case o.FromRev > rev0+1:
		return 0, fault.Inputf("--from-rev %d is ahead of the cluster's current revision %d", o.FromRev, rev0)
	case o.FromRev > 0:
		return o.FromRev, nil
	}
	return rev0 + 1, nil
}

// countHistory counts, per key of spec, the events etcd holds in revisions
// from..to: what a watcher that starts at from must replay before it
// reaches live events. It reads them with one watch over the whole range,
// and knows it has them all when etcd answers a progress request with a
// revision at or past to: etcd answers one only when the watch is synced,
// that is, has sent every event up to that revision. It ignores a request
// made before (etcd 3.6 does not defer it), so the request is repeated.
func countHistory(ctx context.Context, c *clientv3.Client, spec engine.KeySpec, from, to int64) ([]int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := clientv3.NewWatcher(c)
	defer w.Close()
	start, end := spec.Range()
	ch := w.Watch(ctx, start, clientv3.WithRange(end), clientv3.WithRev(from), clientv3.WithCreatedNotify())
	ask := time.NewTicker(historyProgressEvery)
	defer ask.Stop()
	counts := make([]int64, spec.Space)
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ask.C:
			if err := w.RequestProgress(ctx); err != nil {
				return nil, fmt.Errorf("read the history: %w", err)
			}
		case resp, ok := <-ch:
			if done, err := countResponse(resp, ok, spec, from, to, counts); done || err != nil {
				return counts, err
			}
		}
	}
}

// historyProgressEvery is how often countHistory asks for progress.
const historyProgressEvery = 20 * time.Millisecond

// countResponse adds one response of countHistory's watch to counts and
// reports whether the history is complete.
func countResponse(resp clientv3.WatchResponse, ok bool, spec engine.KeySpec, from, to int64, counts []int64) (bool, error) {
	switch {
	case !ok:
		return false, fmt.Errorf("read the history from revision %d: the watch closed", from)
	case resp.CompactRevision != 0:
		return false, fault.Inputf("the watchers start at revision %d, but etcd has compacted its history up to revision %d", from, resp.CompactRevision)
	case resp.Err() != nil:
		return false, fmt.Errorf("read the history from revision %d: %w", from, resp.Err())
	case resp.IsProgressNotify() && resp.Header.Revision >= to:
		return true, nil
	}
	for _, ev := range resp.Events {
		if i, ok := spec.Index(ev.Kv.Key); ok && i < spec.Space && ev.Kv.ModRevision <= to {
			counts[i]++
		}
	}
	return false, nil
}

// prefixSums returns s with s[i] the sum of counts[:i], so that the events
// of the keys [lo, hi) are s[hi]-s[lo].
func prefixSums(counts []int64) []int64 {
	s := make([]int64, len(counts)+1)
	for i, n := range counts {
		s[i+1] = s[i] + n
	}
	return s
}

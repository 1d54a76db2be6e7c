package workloads

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// report counts the expired leases and the keys left, revokes the leases
// that have not expired, and adds the figures to r.
func (x *leaseExpiry) report(ctx context.Context, r *result.Workload) error {
	var expired atomic.Int64
	clients := []*clientv3.Client{x.client}
	err := engine.ForEachIndex(ctx, clients, x.n, func(ctx context.Context, c *clientv3.Client, i uint64) error {
		id := clientv3.LeaseID(x.leases[i])
		ttl, err := c.TimeToLive(ctx, id)
		switch {
		case err != nil:
			return err
		case ttl.TTL == -1: // etcd's answer for a lease it no longer has
			expired.Add(1)
			return nil
		}
		_, err = c.Revoke(ctx, id)
		return err
	})
	start, end := x.keys.Key(x.base), x.keys.Key(x.base+x.n)
	left, lerr := x.client.Get(ctx, start, clientv3.WithRange(end), clientv3.WithCountOnly())
	if r.Counters == nil {
		r.Counters = map[string]int64{}
	}
	r.Counters[CounterExpireKeys] = int64(x.n)
	r.Counters[CounterExpireExpired] = expired.Load()
	r.Counters[CounterExpireSeen] = x.nSeen
	r.Counters[CounterExpireMissing] = int64(x.n) - x.nSeen
	if lerr == nil {
		r.Counters[CounterExpireLeft] = left.Count
	}
	r.Lease = &result.LeaseExpiry{TTLS: x.granted.Load(), DelayMs: result.Summarize(x.delays), Histogram: result.EncodeHistogram(x.delays)}
	if g := x.granted.Load(); g > x.ttl {
		r.Warnings = append(r.Warnings, fmt.Sprintf("etcd granted the expiry leases %d s, not the %d s asked: its minimum TTL (1.5 election timeouts) is higher", g, x.ttl))
	}
	if x.watchErr != nil {
		err = errors.Join(err, fmt.Errorf("expiry watch: %w", x.watchErr))
	}
	return errors.Join(err, lerr)
}

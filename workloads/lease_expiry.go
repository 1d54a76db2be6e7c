package workloads

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// Counters of the expiry burst in Result.Counters.
const (
	CounterExpireKeys    = "expire_keys"           // keys put on short leases
	CounterExpireExpired = "expire_leases_expired" // of their leases, gone at the end
	CounterExpireSeen    = "expire_delete_events"  // delete events seen for those keys
	CounterExpireMissing = "expire_events_missing" // keys whose delete event never came
	CounterExpireLeft    = "expire_keys_left"      // keys still there at the end
)

// expiryGrace is how long past the last TTL end the run waits for delete
// events, plus a millisecond a key: etcd's leader looks for expired leases
// every 500 ms and revokes at most 1000 a second, so a burst of N leases
// takes about N/1000 s to clear.
const expiryGrace = 10 * time.Second

// leaseExpiry puts n keys, indexes base..base+n-1, each on its own lease,
// and watches them being deleted.
type leaseExpiry struct {
	keys     engine.KeySpec
	client   *clientv3.Client
	base, n  uint64
	ttl      int64
	ends     []time.Time // TTL end of each key's lease
	leases   []int64
	granted  atomic.Int64 // the largest TTL etcd granted
	mu       sync.Mutex
	seen     []bool
	nSeen    int64
	delays   *hdr.Histogram
	watchErr error
	done     chan struct{} // closed when the watch ends
	cancel   context.CancelFunc
}

func newLeaseExpiry(keys engine.KeySpec, n uint64, ttl int64) (*leaseExpiry, error) {
	if ttl < MinLeaseTTL {
		return nil, fmt.Errorf("--expire-ttl must be at least %d s, etcd's minimum lease TTL, got %d", MinLeaseTTL, ttl)
	}
	if !keys.Fits(keys.Space + n) {
		return nil, fmt.Errorf("--expire %d keys go after the --key-space %d and need more than --key-size %d digits; raise --key-size",
			n, keys.Space, keys.Size)
	}
	return &leaseExpiry{keys: keys, base: keys.Space, n: n, ttl: ttl, ends: make([]time.Time, n),
		leases: make([]int64, n), seen: make([]bool, n), delays: result.NewHistogram(), done: make(chan struct{})}, nil
}

// start grants the leases, puts the keys and watches them from the
// revision before the first put, so that no delete can be missed.
func (x *leaseExpiry) start(ctx context.Context, clients []*clientv3.Client, value []byte) error {
	c := clients[0]
	x.client = c
	resp, err := c.Get(ctx, x.keys.Key(x.base), clientv3.WithCountOnly())
	if err != nil {
		return fmt.Errorf("expiry: %w", err)
	}
	val := string(value)
	err = engine.ForEachIndex(ctx, clients, x.n, func(ctx context.Context, c *clientv3.Client, i uint64) error {
		g, err := engine.GrantLease(ctx, pb.NewLeaseClient(c.ActiveConnection()), x.keys.Prefix, x.ttl)
		if err != nil {
			return fmt.Errorf("expiry: grant lease %d of %d: %w", i, x.n, err)
		}
		x.ends[i] = time.Now().Add(time.Duration(g.TTL) * time.Second)
		x.leases[i] = int64(g.ID)
		engine.StoreMax(&x.granted, g.TTL)
		if _, err := c.Put(ctx, x.keys.Key(x.base+i), val, clientv3.WithLease(clientv3.LeaseID(g.ID))); err != nil {
			return fmt.Errorf("expiry: put key %d of %d: %w", i, x.n, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	x.cancel = cancel
	wch := c.Watch(clientv3.WithRequireLeader(wctx), x.keys.Key(x.base),
		clientv3.WithRange(x.keys.Key(x.base+x.n)), clientv3.WithRev(resp.Header.Revision+1))
	go x.collect(wch)
	return nil
}

// collect takes delete events until every key's has come or the watch
// ends.
func (x *leaseExpiry) collect(wch clientv3.WatchChan) {
	defer close(x.done)
	for wr := range wch {
		if err := wr.Err(); err != nil {
			x.mu.Lock()
			x.watchErr = err
			x.mu.Unlock()
			return
		}
		now := time.Now()
		for _, ev := range wr.Events {
			if ev.Type != mvccpb.DELETE {
				continue
			}
			i, ok := x.keys.Index(ev.Kv.Key)
			if ok && i >= x.base && i < x.base+x.n && x.note(i-x.base, now) {
				return
			}
		}
	}
}

// note records the delete of key i at now, and reports whether every key's
// delete has been seen.
func (x *leaseExpiry) note(i uint64, now time.Time) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.seen[i] {
		x.seen[i] = true
		x.nSeen++
		// The leader sets the expiry before the grant's response, so the
		// delay read here may fall short of the truth by that response's
		// transit; a negative one is recorded as the histogram's minimum.
		x.delays.RecordValue(max(now.Sub(x.ends[i]).Microseconds(), result.HistMinMicros))
	}
	return x.nSeen == int64(x.n)
}

// finish waits for the delete events (not after an interrupted run),
// counts what etcd did and revokes any lease still alive.
func (x *leaseExpiry) finish(ctx context.Context, r *result.Workload) error {
	var last time.Time
	for _, t := range x.ends {
		if t.After(last) {
			last = t
		}
	}
	wait := time.Until(last) + expiryGrace + time.Duration(x.n)*time.Millisecond
	if r.EndReason == result.EndInterrupted {
		wait = 0
	}
	t := time.NewTimer(wait)
	select {
	case <-x.done:
	case <-t.C:
	}
	t.Stop()
	x.cancel()
	<-x.done
	return x.report(ctx, r)
}

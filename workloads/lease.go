package workloads

import (
	"context"
	"fmt"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// MinLeaseTTL is etcd's shortest lease TTL, in seconds, at its default
// election timeout: the server raises a shorter TTL to 1.5 election
// timeouts (rounded up to whole seconds) so that a lease cannot expire
// during a leader election. A cluster with a longer election timeout has a
// higher minimum; the result warns when etcd granted more than was asked.
const MinLeaseTTL = 2

// Operation kinds of the lease workload, in the order of a lease's life.
const (
	LeaseKindGrant     = "grant"
	LeaseKindPut       = "put" // a put of a key attached to the lease
	LeaseKindKeepAlive = "keepalive"
	LeaseKindRevoke    = "revoke"
)

// LeaseOptions configure the lease workload.
type LeaseOptions struct {
	Keys         engine.KeySpec
	ValSize      int
	TTL          int64 // seconds, of the leases the workers grant
	KeysPerLease int   // keys put on each lease after its grant
	KeepAlives   int   // keep-alives of each lease before its revoke
	// Expire > 0 puts that many keys, one lease each with ExpireTTL
	// seconds, before the load and lets them expire during it; see
	// LeaseExpiry.
	Expire    uint64
	ExpireTTL int64
}

// Lease drives the life of leases: each worker grants a lease, puts keys on
// it, keeps it alive and revokes it (which deletes the keys), one request a
// Send, so that each kind has its own rate and histogram.
type Lease struct {
	opts    LeaseOptions
	value   []byte
	picks   *engine.KeyPickers
	expiry  *leaseExpiry // nil without Expire
	streams context.Context
	stop    context.CancelFunc // ends the keep-alive streams
	mu      sync.Mutex
	senders []*leaseSender
}

// NewLease validates the options and returns the workload.
func NewLease(o LeaseOptions) (*Lease, error) {
	if err := o.Keys.Validate(); err != nil {
		return nil, err
	}
	if err := engine.CheckValueSize(o.Keys, o.ValSize, 1); err != nil {
		return nil, err
	}
	switch {
	case o.TTL < MinLeaseTTL:
		return nil, fmt.Errorf("--ttl must be at least %d s, etcd's minimum lease TTL, got %d", MinLeaseTTL, o.TTL)
	case o.KeysPerLease < 0:
		return nil, fmt.Errorf("--keys-per-lease must not be negative, got %d", o.KeysPerLease)
	case o.KeepAlives < 0:
		return nil, fmt.Errorf("--keepalives must not be negative, got %d", o.KeepAlives)
	}
	l := &Lease{opts: o, value: engine.NewValue(o.ValSize, o.Keys.Seed), picks: engine.NewKeyPickers(o.Keys)}
	if o.Expire > 0 {
		x, err := newLeaseExpiry(o.Keys, o.Expire, o.ExpireTTL)
		if err != nil {
			return nil, err
		}
		l.expiry = x
	}
	l.streams, l.stop = context.WithCancel(context.Background())
	return l, nil
}

// Name implements Workload.
func (l *Lease) Name() string { return "lease" }

// Kinds implements Workload.
func (l *Lease) Kinds() []string {
	return []string{LeaseKindGrant, LeaseKindPut, LeaseKindKeepAlive, LeaseKindRevoke}
}

// Keys implements Workload. The keys of the expiry burst lie past the key
// space, in the same shape, so the cleanup covers them.
func (l *Lease) Keys() engine.KeySpec { return l.opts.Keys }

// Params implements Workload.
func (l *Lease) Params() map[string]any {
	m := l.opts.Keys.Params()
	m["val_size"] = l.opts.ValSize
	m["ttl_s"] = l.opts.TTL
	m["keys_per_lease"] = l.opts.KeysPerLease
	m["keepalives"] = l.opts.KeepAlives
	if l.expiry != nil {
		m["expire"] = l.opts.Expire
		m["expire_ttl_s"] = l.opts.ExpireTTL
	}
	return m
}

// Prepare implements Workload: it sets up the expiry burst, if any, which
// then runs out during the load.
func (l *Lease) Prepare(ctx context.Context, clients []*clientv3.Client) error {
	if l.expiry == nil {
		return nil
	}
	return l.expiry.start(ctx, clients, l.value)
}

// NewSender implements Workload.
func (l *Lease) NewSender(id int, c *clientv3.Client) engine.Sender {
	s := newLeaseSender(l, id, c)
	l.mu.Lock()
	l.senders = append(l.senders, s)
	l.mu.Unlock()
	return s
}

// Finish implements Finisher: it revokes the leases the workers left
// behind, closes their keep-alive streams and reports the expiry burst.
func (l *Lease) Finish(ctx context.Context, r *result.Workload) error {
	l.stop()
	l.mu.Lock()
	senders := l.senders
	l.mu.Unlock()
	var firstErr error
	for _, s := range senders {
		if err := s.revokeLeft(ctx); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if l.expiry != nil {
		if err := l.expiry.finish(ctx, r); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

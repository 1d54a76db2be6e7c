package k8s

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
)

// eventLeases hands out the etcd lease an event is written on, as the
// apiserver's lease manager does: a lease of TTL event-ttl + 60 s is reused
// by the events written in the next 60 s, up to 1,000 of them, so that
// events do not cost a lease each. The grant is made under the lock, as
// there: writes that need a lease meanwhile wait for it.
type eventLeases struct {
	mu         sync.Mutex
	id         int64
	reuseUntil time.Time
	attached   int
	granted    []int64 // every lease of the run, revoked at its end
	prefix     string  // the run's, which marks its leases (engine.GrantLease)
}

func (l *eventLeases) get(ctx context.Context, lc pb.LeaseClient) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.id != 0 && l.attached < k8sLeaseMaxObjects && now.Before(l.reuseUntil) {
		l.attached++
		return l.id, nil
	}
	ttl := int64((k8sEventTTL + k8sLeaseReuse) / time.Second)
	resp, err := engine.GrantLease(ctx, lc, l.prefix, ttl, engine.CallOptions...)
	if err != nil {
		return 0, fmt.Errorf("event lease: %w", err)
	}
	l.id, l.reuseUntil, l.attached = resp.ID, now.Add(k8sLeaseReuse), 1
	l.granted = append(l.granted, resp.ID)
	return l.id, nil
}

func (l *eventLeases) grants() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(len(l.granted))
}

// revokeAll revokes the run's leases, deleting the events on them: they
// would otherwise stay in etcd for an hour after the run.
func (l *eventLeases) revokeAll(ctx context.Context, c *clientv3.Client) error {
	l.mu.Lock()
	ids := l.granted
	l.granted, l.id = nil, 0
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, engine.CleanupTimeout)
	defer cancel()
	var errs []error
	for _, id := range ids {
		if _, err := c.Revoke(ctx, clientv3.LeaseID(id)); err != nil {
			errs = append(errs, fmt.Errorf("revoke event lease %x: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

package engine

import (
	"context"
	"fmt"
	"strconv"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"github.com/etcdtune/etcdtune/fault"
)

// Agents says which share of a distributed benchmark this process drives:
// agent Index of Count, each on its own machine against one cluster.
type Agents struct {
	Count int // agents in all; 0 or 1: not distributed
	Index int // this agent, 0 <= Index < Count
}

// Validate says what is wrong with the split, naming the flags.
func (a Agents) Validate() error {
	switch {
	case a.Count < 0:
		return fmt.Errorf("--agents must not be negative, got %d", a.Count)
	case a.Count <= 1 && a.Index != 0:
		return fmt.Errorf("--agent-index %d needs --agents greater than it", a.Index)
	case a.Count > 1 && (a.Index < 0 || a.Index >= a.Count):
		return fmt.Errorf("--agent-index %d is out of range: with --agents %d it must be 0 to %d", a.Index, a.Count, a.Count-1)
	}
	return nil
}

// Distributed is true when several agents share the load.
func (a Agents) Distributed() bool { return a.Count > 1 }

// Rate is this agent's share of a total open-loop rate: every agent sends
// rate/Count, so together they send the rate asked for.
func (a Agents) Rate(total float64) float64 {
	if !a.Distributed() {
		return total
	}
	return total / float64(a.Count)
}

// Keys gives this agent a key range no other agent touches: its own
// sub-prefix under the prefix. Why a sub-prefix rather than index ranges:
// each agent's keys stay one contiguous range of the KeySpec's shape, so
// the prefix check and the cleanup of every workload work unchanged, and
// no two agents ever write the same key (no CAS conflicts between them).
func (a Agents) Keys(k KeySpec) KeySpec {
	if !a.Distributed() {
		return k
	}
	k.Prefix = k.Prefix + "agent-" + strconv.Itoa(a.Index) + "/"
	return k
}

// BarrierPrefix is where the agents meet, under the run's prefix and apart
// from every agent's keys.
// Each run of a --repeat has its own, so that an agent done with run 1 cannot
// be counted as entered in run 2 by an agent still finishing run 1.
func BarrierPrefix(prefix string, run int) string {
	return prefix + "barrier/" + strconv.Itoa(run) + "/"
}

// Barrier is the start line of a distributed run, held in the etcd under
// test: each agent puts one key under the barrier prefix on a session lease
// and waits until Count keys are there. Its keys vanish when the session
// ends (Close revokes the lease), or at the lease's TTL if the agent dies.
type Barrier struct {
	session *concurrency.Session
	key     string
}

// WaitBarrier enters the barrier under prefix (see BarrierPrefix; a run
// repeated uses a new one each time) and returns when all agents have
// entered, with the time this agent saw the release. ctx bounds the wait.
func WaitBarrier(ctx context.Context, c *clientv3.Client, prefix string, a Agents) (*Barrier, time.Time, error) {
	// The session outlives ctx, which only bounds the wait: Close must
	// still revoke its lease (deleting the barrier key) after the run, or
	// after Ctrl-C.
	// Its lease is granted marked (GrantLease), so that `etcdtune cleanup`
	// finds the barrier of an agent that was killed.
	const ttl = 30
	lease, err := GrantLease(ctx, pb.NewLeaseClient(c.ActiveConnection()), prefix, ttl)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("barrier: %w", err)
	}
	s, err := concurrency.NewSession(c, concurrency.WithTTL(ttl), concurrency.WithLease(clientv3.LeaseID(lease.ID)),
		concurrency.WithContext(context.WithoutCancel(ctx)))
	if err != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CleanupTimeout)
		c.Revoke(rctx, clientv3.LeaseID(lease.ID))
		cancel()
		return nil, time.Time{}, fmt.Errorf("barrier: %w", err)
	}
	b := &Barrier{session: s, key: prefix + strconv.Itoa(a.Index)}
	released, err := b.enter(ctx, c, prefix, a.Count)
	if err != nil {
		b.Close()
		return nil, time.Time{}, err
	}
	return b, released, nil
}

func (b *Barrier) enter(ctx context.Context, c *clientv3.Client, prefix string, count int) (time.Time, error) {
	// Put only if absent: a barrier key that is there is another agent's
	// of the same index, or a killed run's, and is not this agent's to
	// overwrite.
	txn, err := c.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(b.key), "=", 0)).
		Then(clientv3.OpPut(b.key, "", clientv3.WithLease(b.session.Lease()))).Commit()
	if err != nil {
		return time.Time{}, fmt.Errorf("barrier: enter: %w", err)
	}
	if !txn.Succeeded {
		return time.Time{}, fault.Inputf("barrier key %q is already there: another agent runs with this --agent-index, or a run killed earlier left it; %s",
			b.key, CleanupHint(prefix))
	}
	put := txn
	// Watch from just after our own put: every later entry shows up as an
	// event, so no entry can slip between the count and the watch.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Only the entries count (keys of digits: the agents' indexes), not the
	// results of the run under the same prefix (RunResults), which a killed
	// run may have left.
	from, to := prefix+"0", prefix+string(rune('9'+1))
	wch := c.Watch(wctx, from, clientv3.WithRange(to), clientv3.WithRev(put.Header.Revision+1))
	resp, err := c.Get(ctx, from, clientv3.WithRange(to), clientv3.WithCountOnly(), clientv3.WithRev(put.Header.Revision))
	if err != nil {
		return time.Time{}, fmt.Errorf("barrier: count: %w", err)
	}
	entered := resp.Count
	for entered < int64(count) {
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("barrier: %d of %d agents entered under %q before giving up: %w", entered, count, prefix, ctx.Err())
		case wr, ok := <-wch:
			if !ok || wr.Err() != nil {
				return time.Time{}, fmt.Errorf("barrier: watch %q ended: %v", prefix, wr.Err())
			}
			// One response may hold an agent's entry and its leaving (a fast
			// agent released by this one's entry, done and gone before this
			// watch's first response): the barrier is released if all had
			// entered at any revision, so each event is counted in order.
			for _, ev := range wr.Events {
				switch {
				case ev.Type == clientv3.EventTypePut && ev.IsCreate():
					entered++
				case ev.Type == clientv3.EventTypeDelete:
					entered--
				}
				if entered >= int64(count) {
					return time.Now(), nil
				}
			}
		}
	}
	return time.Now(), nil
}

// Close leaves the barrier: revoking the session's lease deletes its key.
func (b *Barrier) Close() error {
	if b == nil {
		return nil
	}
	return b.session.Close()
}

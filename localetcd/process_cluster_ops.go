package localetcd

import (
	"context"
	"errors"
	"fmt"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Endpoints returns the client URLs of all members, running or not.
func (c *ProcessCluster) Endpoints() []string {
	eps := make([]string, 0, len(c.members))
	for _, m := range c.members {
		eps = append(eps, m.clientURL)
	}
	return eps
}

// Members returns the members in start order (member0 first).
func (c *ProcessCluster) Members() []*ProcessMember { return c.members }

// Leader returns the member that the cluster currently follows, according
// to the Status of the running members. When members disagree (an election
// is under way, or an old leader was paused) the answer from the highest
// raft term wins: it is the most recent view. A paused leader can still be
// returned until the others have elected a new one.
func (c *ProcessCluster) Leader(ctx context.Context) (*ProcessMember, error) {
	var best *clientv3.StatusResponse
	for _, resp := range c.statuses(ctx) {
		if resp != nil && resp.Leader != 0 && (best == nil || resp.RaftTerm > best.RaftTerm) {
			best = resp
		}
	}
	if best == nil {
		return nil, errors.New("etcd process cluster: no member reports a leader")
	}
	for _, m := range c.members {
		if m.id == best.Leader {
			return m, nil
		}
	}
	return nil, fmt.Errorf("etcd process cluster: leader %x is not one of its members", best.Leader)
}

// statuses asks every running member for its status at once (a paused one
// only answers with a timeout); a member that does not answer gets nil.
func (c *ProcessCluster) statuses(ctx context.Context) []*clientv3.StatusResponse {
	out := make([]*clientv3.StatusResponse, len(c.members))
	var wg sync.WaitGroup
	for i, m := range c.members {
		if !m.Running() {
			continue
		}
		wg.Go(func() { out[i], _ = m.status(ctx) })
	}
	wg.Wait()
	return out
}

// Close kills every member and waits until each has been reaped, so that no
// process, zombie or not, outlives it. Data dirs and logs stay.
func (c *ProcessCluster) Close() error {
	errs := make([]error, len(c.members))
	var wg sync.WaitGroup
	for i, m := range c.members {
		wg.Go(func() { errs[i] = m.Kill() })
	}
	wg.Wait()
	// The client's own error says nothing about the cluster: nothing is
	// in flight once every member is gone.
	_ = c.client.Close()
	return errors.Join(errs...)
}

package workloads

import (
	"context"
	"fmt"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
)

// leaseSender walks one lease at a time through its life: grant, puts,
// keep-alives, revoke. step says which request is next.
type leaseSender struct {
	l        *Lease
	kv       pb.KVClient
	lc       pb.LeaseClient
	pick     *engine.KeyPicker
	key      *engine.KeyBuffer
	put      pb.PutRequest
	revoke   pb.LeaseRevokeRequest
	kaReq    pb.LeaseKeepAliveRequest
	ka       pb.Lease_LeaseKeepAliveClient // one stream a worker, as clients keep leases alive
	kaCancel context.CancelFunc
	step     int
	lease    int64   // the current lease, 0 if none
	left     []int64 // leases whose revoke failed
}

func newLeaseSender(l *Lease, id int, c *clientv3.Client) *leaseSender {
	conn := c.ActiveConnection()
	s := &leaseSender{l: l, kv: pb.NewKVClient(conn), lc: pb.NewLeaseClient(conn),
		pick: l.picks.Picker(id), key: engine.NewKeyBuffer(l.opts.Keys)}
	s.put.Value = l.value
	return s
}

// Send sends the next request of the current lease's life.
func (s *leaseSender) Send(ctx context.Context, _ time.Time) (int, error) {
	o := s.l.opts
	switch {
	case s.step == 0:
		resp, err := engine.GrantLease(ctx, s.lc, o.Keys.Prefix, o.TTL, engine.CallOptions...)
		if err != nil {
			return 0, err // grant again next time
		}
		s.lease, s.step = resp.ID, 1
		return 0, nil
	case s.step <= o.KeysPerLease:
		s.step++
		s.put.Key, s.put.Lease = s.key.Set(s.pick.Next()), s.lease
		_, err := s.kv.Put(ctx, &s.put, engine.CallOptions...)
		return 1, err
	case s.step <= o.KeysPerLease+o.KeepAlives:
		s.step++
		return 2, s.keepAlive(ctx)
	default:
		s.step = 0
		s.revoke.ID = s.lease
		if _, err := s.lc.LeaseRevoke(ctx, &s.revoke, engine.CallOptions...); err != nil {
			s.left = append(s.left, s.lease)
			s.lease = 0
			return 3, err
		}
		s.lease = 0
		return 3, nil
	}
}

// keepAlive renews the current lease on the worker's stream, opening it
// first if needed. A keep-alive stream's Recv does not heed the request's
// context, so the stream is cancelled when that context ends first.
func (s *leaseSender) keepAlive(ctx context.Context) error {
	if s.ka == nil {
		sctx, cancel := context.WithCancel(s.l.streams)
		ka, err := s.lc.LeaseKeepAlive(sctx, engine.CallOptions...)
		if err != nil {
			cancel()
			return err
		}
		s.ka, s.kaCancel = ka, cancel
	}
	stop := context.AfterFunc(ctx, s.kaCancel)
	s.kaReq.ID = s.lease
	err := s.ka.Send(&s.kaReq)
	var resp *pb.LeaseKeepAliveResponse
	if err == nil {
		resp, err = s.ka.Recv()
	}
	if !stop() && err == nil {
		s.ka = nil // the request's end cancelled the stream just after the answer
	}
	if err != nil {
		s.kaCancel()
		s.ka = nil
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if resp.TTL <= 0 {
		return rpctypes.ErrGRPCLeaseNotFound // etcd answers a keep-alive of an unknown lease with TTL 0
	}
	return nil
}

// revokeLeft revokes the lease the worker holds at the end of the run and
// those whose revoke failed, so that no lease of etcdtune outlives it.
func (s *leaseSender) revokeLeft(ctx context.Context) error {
	ids := s.left
	if s.lease != 0 {
		ids = append(ids, s.lease)
	}
	s.left, s.lease, s.step = nil, 0, 0
	for _, id := range ids {
		rctx, cancel := context.WithTimeout(ctx, engine.CleanupTimeout)
		_, err := s.lc.LeaseRevoke(rctx, &pb.LeaseRevokeRequest{ID: id}, engine.CallOptions...)
		cancel()
		if err != nil && !isLeaseNotFound(err) {
			return fmt.Errorf("revoke lease %x: %w", id, err)
		}
	}
	return nil
}

func isLeaseNotFound(err error) bool {
	return rpctypes.Error(err) == rpctypes.ErrLeaseNotFound
}

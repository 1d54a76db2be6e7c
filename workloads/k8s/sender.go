package k8s

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"

	"github.com/etcdtune/etcdtune/engine"
)

// maxCASTries bounds the retries of one CAS update. kube-apiserver retries
// without bound; a cap keeps a pathological run from spinning.
const maxCASTries = 100

// errCASGaveUp is a CAS update that met a newer revision maxCASTries times.
var errCASGaveUp = errors.New("CAS update gave up after 100 conflicts")

// k8sSender is one worker of the profile. Its requests are built once and
// reused: a Txn whose compare, then and else parts it points at the object
// of the moment.
type k8sSender struct {
	w   *Workload
	kv  pb.KVClient
	lc  pb.LeaseClient
	rng *rand.Rand
	key []byte

	cmp    pb.Compare
	cmpRev pb.Compare_ModRevision
	put    pb.PutRequest
	del    pb.DeleteRangeRequest
	get    pb.RangeRequest
	putOp  pb.RequestOp
	delOp  pb.RequestOp
	getOp  pb.RequestOp
	txn    pb.TxnRequest
	list   pb.RangeRequest
	cursor [len(resources)]listCursor
}

func (s *k8sSender) init() {
	s.cmp = pb.Compare{Target: pb.Compare_MOD, Result: pb.Compare_EQUAL, TargetUnion: &s.cmpRev}
	s.putOp.Request = &pb.RequestOp_RequestPut{RequestPut: &s.put}
	s.delOp.Request = &pb.RequestOp_RequestDeleteRange{RequestDeleteRange: &s.del}
	s.getOp.Request = &pb.RequestOp_RequestRange{RequestRange: &s.get}
	s.txn.Compare = []*pb.Compare{&s.cmp}
	s.txn.Success = []*pb.RequestOp{nil}
}

// Send implements Sender: it picks a kind in the profile's proportions. An
// update or delete that finds no object to work on creates one instead
// (pods only: the other resources keep their objects).
func (s *k8sSender) Send(ctx context.Context, _ time.Time) (int, error) {
	k := s.w.mix.pick(s.rng)
	kind := k8sKinds[k]
	set := s.w.sets[kind.res]
	switch kind.op {
	case opUpdate:
		if kind.res == resLeases {
			return k, s.heartbeat(ctx)
		}
		if idx, rev, ok := set.pick(s.rng); ok {
			return k, s.update(ctx, kind.res, idx, rev)
		}
	case opDelete:
		if idx, rev, ok := set.popOldest(s.w.scale.Pods / 2); ok {
			return k, s.delete(ctx, kind.res, idx, rev)
		}
	case opList:
		return k, s.listPage(ctx, kind.res)
	}
	if kind.res == resPods || kind.res == resEvents {
		return kindIndex(kind.res, opCreate), s.create(ctx, kind.res)
	}
	return k, errors.New("no " + resources[kind.res].name + " object to work on")
}

func kindIndex(res, op int) int {
	for i, k := range k8sKinds {
		if k.res == res && k.op == op {
			return i
		}
	}
	panic("k8s: no such kind")
}

// setKey points the sender's requests at object idx of resource r.
func (s *k8sSender) setKey(r int, idx uint64) {
	s.key = s.w.names.appendKey(s.key[:0], r, idx)
	s.cmp.Key, s.put.Key, s.del.Key, s.get.Key = s.key, s.key, s.key, s.key
}

// create writes a new object only if its key is free, as the apiserver's
// Create does: Txn(If ModRevision(key) == 0, Then Put). Events go on the
// apiserver's reused lease.
func (s *k8sSender) create(ctx context.Context, r int) error {
	w := s.w
	var idx uint64
	if r == resEvents {
		idx = w.eventSeq.Add(1) - 1
	} else {
		idx = w.sets[r].reserve()
	}
	s.setKey(r, idx)
	s.put.Value, s.put.Lease = w.valueOf(r, idx), 0
	if r == resEvents {
		id, err := w.leases.get(ctx, s.lc)
		if err != nil {
			return err
		}
		s.put.Lease = id
	}
	s.cmpRev.ModRevision = 0
	s.txn.Success[0], s.txn.Failure = &s.putOp, nil
	resp, err := s.kv.Txn(ctx, &s.txn, engine.CallOptions...)
	switch {
	case err != nil || !resp.Succeeded:
		if w.sets[r] != nil {
			w.sets[r].forget(idx)
		}
		if err == nil {
			err = errors.New("create found the object already there")
		}
		return err
	case w.sets[r] != nil:
		w.sets[r].written(idx, resp.Header.Revision)
	}
	w.counters[r].created.Add(1)
	return nil
}

// update rewrites object idx (same size) by CAS from its last known revision.
func (s *k8sSender) update(ctx context.Context, r int, idx uint64, rev int64) error {
	s.setKey(r, idx)
	s.put.Value, s.put.Lease = s.w.valueOf(r, idx), 0
	newRev, ok, err := s.cas(ctx, r, rev, &s.putOp)
	if ok {
		s.w.sets[r].written(idx, newRev)
		s.w.counters[r].updated.Add(1)
	}
	return err
}

// heartbeat renews the next node's Lease, nodes taken in turn: each kubelet
// renews only its own Lease, so two heartbeats of one node race only when
// there are more workers than nodes.
func (s *k8sSender) heartbeat(ctx context.Context) error {
	idx := (s.w.heartbeats.Add(1) - 1) % uint64(s.w.scale.Leases)
	rev, ok := s.w.sets[resLeases].get(idx)
	if !ok {
		return errors.New("node Lease missing from the profile's objects")
	}
	return s.update(ctx, resLeases, idx, rev)
}

// delete removes object idx by CAS, as the apiserver's Delete does with
// the object's revision as its precondition.
func (s *k8sSender) delete(ctx context.Context, r int, idx uint64, rev int64) error {
	s.setKey(r, idx)
	_, ok, err := s.cas(ctx, r, rev, &s.delOp)
	if ok {
		s.w.counters[r].deleted.Add(1)
	}
	return err
}

// cas sends Txn(If ModRevision(key) == rev, Then op, Else Get(key)) until it
// succeeds, as the apiserver's GuaranteedUpdate does: on a conflict the Else
// branch brings the current object, and the write is tried again from its
// revision. ok is false if the object is gone.
func (s *k8sSender) cas(ctx context.Context, r int, rev int64, op *pb.RequestOp) (newRev int64, ok bool, err error) {
	c := &s.w.counters[r]
	s.txn.Success[0], s.txn.Failure = op, []*pb.RequestOp{&s.getOp}
	for range maxCASTries {
		s.cmpRev.ModRevision = rev
		resp, err := s.kv.Txn(ctx, &s.txn, engine.CallOptions...)
		if err != nil {
			return 0, false, err
		}
		if resp.Succeeded {
			return resp.Header.Revision, true, nil
		}
		kvs := resp.Responses[0].GetResponseRange().GetKvs()
		if len(kvs) == 0 {
			c.notFound.Add(1)
			return 0, false, nil
		}
		c.conflicts.Add(1)
		rev = kvs[0].ModRevision
	}
	return 0, false, errCASGaveUp
}

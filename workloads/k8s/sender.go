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
	objectOps
	w   *Workload
	lc  pb.LeaseClient
	rng *rand.Rand

	list   pb.RangeRequest
	cursor [len(resources)]listCursor
}

// Send implements Sender: it picks a kind in the profile's proportions. An
// update or delete that finds no object to work on creates one instead
// (pods and events only: the other resources keep their objects).
func (s *k8sSender) Send(ctx context.Context, _ time.Time) (int, error) {
	k := s.w.mix.pick()
	kind := k8sKinds[k]
	set := s.w.sets[kind.res]
	switch kind.op {
	case opUpdate:
		switch kind.res {
		case resLeases:
			return k, s.heartbeat(ctx)
		case resEvents:
			if ok, err := s.updateEvent(ctx); ok || err != nil {
				return k, err
			}
		default:
			if idx, rev, ok := set.pick(s.rng); ok {
				return k, s.update(ctx, kind.res, idx, rev)
			}
		}
	case opGet:
		if idx, _, ok := set.pick(s.rng); ok {
			return k, s.getObject(ctx, kind.res, idx)
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
	s.useKey()
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
	resp, err := s.createIfAbsent(ctx)
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
	newRev, ok, err := s.cas(ctx, &s.w.counters[r], rev, &s.putOp)
	if ok {
		s.w.sets[r].written(idx, newRev)
		s.w.counters[r].updated.Add(1)
	}
	return err
}

// minRecentEvents is the fewest of the newest events an event update picks
// from: the event correlator counts repeats of recent events, one
// aggregate per object and reason, so a larger cluster (more Deployments,
// more objects making events at once) spreads its updates over more.
const minRecentEvents = 16

// updateEvent rewrites one of the newest events as the apiserver does an
// event's PATCH: events are not in its watch cache, so it reads the event
// from etcd, then writes it by CAS on the reused lease. It picks among the
// events of this load (a step's are revoked at its end). ok is false when
// there is no event yet, or the one picked is still being created.
func (s *k8sSender) updateEvent(ctx context.Context) (ok bool, err error) {
	w := s.w
	seq, first := w.eventSeq.Load(), w.eventFirst.Load()
	if seq == first {
		return false, nil
	}
	recent := uint64(max(minRecentEvents, w.scale.Deployments))
	idx := seq - 1 - s.rng.Uint64N(min(seq-first, recent))
	s.setKey(resEvents, idx)
	resp, err := s.kv.Range(ctx, &s.get, engine.CallOptions...)
	if err != nil || len(resp.Kvs) == 0 {
		return false, err
	}
	w.counters[resEvents].gets.Add(1)
	id, err := w.leases.get(ctx, s.lc)
	if err != nil {
		return true, err
	}
	s.put.Value, s.put.Lease = w.valueOf(resEvents, idx), id
	_, ok, err = s.cas(ctx, &w.counters[resEvents], resp.Kvs[0].ModRevision, &s.putOp)
	if ok {
		w.counters[resEvents].updated.Add(1)
	}
	return true, err
}

// getObject reads object idx, linearizable, as a GET without a
// resourceVersion reaches etcd.
func (s *k8sSender) getObject(ctx context.Context, r int, idx uint64) error {
	s.setKey(r, idx)
	if _, err := s.kv.Range(ctx, &s.get, engine.CallOptions...); err != nil {
		return err
	}
	s.w.counters[r].gets.Add(1)
	return nil
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
	_, ok, err := s.cas(ctx, &s.w.counters[r], rev, &s.delOp)
	if ok {
		s.w.counters[r].deleted.Add(1)
	}
	return err
}

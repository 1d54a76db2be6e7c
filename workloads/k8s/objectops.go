package k8s

import (
	"context"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"

	"github.com/etcdtune/etcdtune/engine"
)

// objectOps are the requests the apiserver's storage layer makes on one
// object, built once per sender and reused for every request: the key is
// set in all of them at once, and only values and revisions change per
// call, so the per-request path allocates nothing. Both the modelled
// profile (k8sSender) and the replayed mix (replaySender) send with them.
type objectOps struct {
	kv  pb.KVClient
	key []byte

	cmp    pb.Compare
	cmpRev pb.Compare_ModRevision
	put    pb.PutRequest
	del    pb.DeleteRangeRequest
	get    pb.RangeRequest
	putOp  pb.RequestOp
	delOp  pb.RequestOp
	getOp  pb.RequestOp
	elseOp []*pb.RequestOp // the Else branch of a CAS: Get(key)
	txn    pb.TxnRequest
}

func (o *objectOps) init(kv pb.KVClient) {
	o.kv = kv
	o.cmp = pb.Compare{Target: pb.Compare_MOD, Result: pb.Compare_EQUAL, TargetUnion: &o.cmpRev}
	o.putOp.Request = &pb.RequestOp_RequestPut{RequestPut: &o.put}
	o.delOp.Request = &pb.RequestOp_RequestDeleteRange{RequestDeleteRange: &o.del}
	o.getOp.Request = &pb.RequestOp_RequestRange{RequestRange: &o.get}
	o.elseOp = []*pb.RequestOp{&o.getOp}
	o.txn.Compare = []*pb.Compare{&o.cmp}
	o.txn.Success = []*pb.RequestOp{nil}
}

// useKey points every request at o.key.
func (o *objectOps) useKey() {
	o.cmp.Key, o.put.Key, o.del.Key, o.get.Key = o.key, o.key, o.key, o.key
}

// createIfAbsent is Txn(If ModRevision(key) == 0, Then Put), as the
// apiserver's Create.
func (o *objectOps) createIfAbsent(ctx context.Context) (*pb.TxnResponse, error) {
	o.cmpRev.ModRevision = 0
	o.txn.Success[0], o.txn.Failure = &o.putOp, nil
	return o.kv.Txn(ctx, &o.txn, engine.CallOptions...)
}

// cas sends Txn(If ModRevision(key) == rev, Then op, Else Get(key)) until it
// succeeds, as the apiserver's GuaranteedUpdate does: on a conflict the Else
// branch brings the current object, and the write is tried again from its
// revision. ok is false if the object is gone.
func (o *objectOps) cas(ctx context.Context, c *k8sCounters, rev int64, op *pb.RequestOp) (newRev int64, ok bool, err error) {
	o.txn.Success[0], o.txn.Failure = op, o.elseOp
	for range maxCASTries {
		o.cmpRev.ModRevision = rev
		resp, err := o.kv.Txn(ctx, &o.txn, engine.CallOptions...)
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

package workloads

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// Counters of compare-and-swap updates in Result.Counters. They count the
// whole run, warm-up included, so that they match what etcd holds at the
// end; cas_txns = cas_updates + cas_conflicts.
const (
	CounterCASUpdates   = "cas_updates"   // txns whose compare held: one revision each
	CounterCASConflicts = "cas_conflicts" // txns whose compare failed: the key had moved on
	CounterCASRetries   = "cas_retries"   // txns sent after a conflict, with the fresh value
	CounterCASTxns      = "cas_txns"      // txns etcd answered
)

// casUpdates increments counters held in keys by compare-and-swap, as
// kube-apiserver's GuaranteedUpdate does: read the key, then
// Txn(If mod_revision == read, Then Put, Else Get), and on a conflict try
// again from the value the Else branch returned, without a second read.
// The value of a key is its count in decimal, padded to the value size.
type casUpdates struct {
	keys                                 engine.KeySpec
	pad                                  []byte
	picks                                *engine.KeyPickers
	updates, conflicts, retries, answers atomic.Int64
}

func newCASUpdates(keys engine.KeySpec, valSize int) *casUpdates {
	return &casUpdates{keys: keys, pad: engine.NewValue(valSize, keys.Seed), picks: engine.NewKeyPickers(keys)}
}

func (u *casUpdates) addCounters(r *result.Workload) {
	if r.Counters == nil {
		r.Counters = map[string]int64{}
	}
	r.Counters[CounterCASUpdates] = u.updates.Load()
	r.Counters[CounterCASConflicts] = u.conflicts.Load()
	r.Counters[CounterCASRetries] = u.retries.Load()
	r.Counters[CounterCASTxns] = u.answers.Load()
}

// newSender returns a sender that reuses one read and one txn request.
func (u *casUpdates) newSender(id int, c *clientv3.Client) *casSender {
	s := &casSender{u: u, kv: pb.NewKVClient(c.ActiveConnection()), pick: u.picks.Picker(id),
		key: engine.NewKeyBuffer(u.keys), val: make([]byte, 0, len(u.pad)+20)}
	s.rev = &pb.Compare_ModRevision{}
	s.cmp = &pb.Compare{Result: pb.Compare_EQUAL, Target: pb.Compare_MOD, TargetUnion: s.rev}
	s.put = &pb.PutRequest{}
	s.reget = &pb.RangeRequest{}
	s.txn = pb.TxnRequest{
		Compare: []*pb.Compare{s.cmp},
		Success: []*pb.RequestOp{{Request: &pb.RequestOp_RequestPut{RequestPut: s.put}}},
		Failure: []*pb.RequestOp{{Request: &pb.RequestOp_RequestRange{RequestRange: s.reget}}},
	}
	return s
}

type casSender struct {
	u     *casUpdates
	kv    pb.KVClient
	pick  *engine.KeyPicker
	key   *engine.KeyBuffer
	val   []byte
	get   pb.RangeRequest // linearizable: the update starts from the latest value
	cmp   *pb.Compare
	rev   *pb.Compare_ModRevision
	put   *pb.PutRequest
	reget *pb.RangeRequest
	txn   pb.TxnRequest
}

// Send makes one successful update, however many txns it takes; the
// request timeout bounds the whole of it.
func (s *casSender) Send(ctx context.Context, _ time.Time) (int, error) {
	key := s.key.Set(s.pick.Next())
	s.get.Key, s.cmp.Key, s.put.Key, s.reget.Key = key, key, key, key
	resp, err := s.kv.Range(ctx, &s.get, engine.CallOptions...)
	if err != nil {
		return 0, err
	}
	kvs := resp.Kvs
	for attempt := 0; ; attempt++ {
		modRev, count := casState(kvs)
		// A missing key has mod_revision 0, so the first update of a key
		// is a CAS like the others and two clients cannot both create it.
		s.rev.ModRevision = modRev
		s.put.Value = s.value(count + 1)
		if attempt > 0 {
			s.u.retries.Add(1)
		}
		tr, err := s.kv.Txn(ctx, &s.txn, engine.CallOptions...)
		if err != nil {
			return 0, err
		}
		s.u.answers.Add(1)
		if tr.Succeeded {
			s.u.updates.Add(1)
			return 0, nil
		}
		s.u.conflicts.Add(1)
		kvs = tr.Responses[0].GetResponseRange().GetKvs()
	}
}

// value writes count in decimal, padded to the value size, into the
// sender's buffer.
func (s *casSender) value(count uint64) []byte {
	s.val = strconv.AppendUint(s.val[:0], count, 10)
	if n := len(s.val); n < len(s.u.pad) {
		s.val = append(s.val, s.u.pad[n:]...)
	}
	return s.val
}

// casState is the mod revision and count of a key as read (0, 0 if absent).
func casState(kvs []*mvccpb.KeyValue) (modRev int64, count uint64) {
	if len(kvs) == 0 {
		return 0, 0
	}
	return kvs[0].ModRevision, ParseCASCount(kvs[0].Value)
}

// ParseCASCount reads the count a compare-and-swap update wrote into a
// value: its leading decimal digits (0 if none).
func ParseCASCount(v []byte) uint64 {
	var n uint64
	for _, b := range v {
		if b < '0' || b > '9' {
			break
		}
		n = n*10 + uint64(b-'0')
	}
	return n
}

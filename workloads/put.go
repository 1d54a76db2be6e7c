package workloads

import (
	"context"
	"fmt"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
)

// MaxTxnOps is etcd's default limit of operations in one txn (--max-txn-ops).
const MaxTxnOps = 128

// PutOptions configure the put workload.
type PutOptions struct {
	Keys    engine.KeySpec
	ValSize int
	// TxnOps > 0 sends each write as one Txn of that many puts, on
	// consecutive keys so that no txn names a key twice (etcd refuses that).
	TxnOps int
	// TxnReads of the TxnOps are single-key ranges instead of puts (a
	// read/write txn); the rest are puts.
	TxnReads int
}

// Put writes values of a fixed size under the prefix.
type Put struct {
	opts  PutOptions
	value []byte
	picks *engine.KeyPickers
}

// NewPut validates the options and returns the workload.
func NewPut(o PutOptions) (*Put, error) {
	if err := o.Keys.Validate(); err != nil {
		return nil, err
	}
	switch {
	case o.TxnOps < 0 || o.TxnOps > MaxTxnOps:
		return nil, fmt.Errorf("--txn-ops must be between 0 and %d (etcd's --max-txn-ops), got %d", MaxTxnOps, o.TxnOps)
	case uint64(o.TxnOps) > o.Keys.Space:
		return nil, fmt.Errorf("--txn-ops %d needs at least that many keys, but --key-space is %d: etcd refuses a txn that puts one key twice", o.TxnOps, o.Keys.Space)
	case o.TxnReads < 0 || o.TxnReads > o.TxnOps:
		return nil, fmt.Errorf("--txn-reads must be between 0 and --txn-ops %d, got %d", o.TxnOps, o.TxnReads)
	}
	if err := engine.CheckValueSize(o.Keys, o.ValSize, o.TxnOps); err != nil {
		return nil, err
	}
	return &Put{opts: o, value: engine.NewValue(o.ValSize, o.Keys.Seed), picks: engine.NewKeyPickers(o.Keys)}, nil
}

// Name implements Workload.
func (p *Put) Name() string { return "put" }

// Kinds implements Workload.
func (p *Put) Kinds() []string {
	if p.opts.TxnOps > 0 {
		return []string{"txn"}
	}
	return []string{"put"}
}

// Keys implements Workload.
func (p *Put) Keys() engine.KeySpec { return p.opts.Keys }

// Params implements Workload.
func (p *Put) Params() map[string]any {
	m := p.opts.Keys.Params()
	m["val_size"] = p.opts.ValSize
	m["txn_ops"] = p.opts.TxnOps
	if p.opts.TxnReads > 0 {
		m["txn_reads"] = p.opts.TxnReads
	}
	return m
}

// Prepare implements Workload; put needs nothing beforehand.
func (p *Put) Prepare(context.Context, []*clientv3.Client) error { return nil }

// NewSender implements Workload. It talks to etcd's KV service directly on
// the client's connection (interceptors, auth and balancing included) and
// reuses one request per worker, so that a put costs the client little more
// than its gRPC call.
func (p *Put) NewSender(id int, c *clientv3.Client) engine.Sender { return p.NewPutSender(id, c) }

// NewPutSender is NewSender with its concrete type, for the workloads that
// build on a put (watch stamps its value).
func (p *Put) NewPutSender(id int, c *clientv3.Client) *PutSender {
	s := &PutSender{kv: pb.NewKVClient(c.ActiveConnection()), pick: p.picks.Picker(id),
		space: p.opts.Keys.Space}
	if p.opts.TxnOps == 0 {
		s.key = engine.NewKeyBuffer(p.opts.Keys)
		s.put = pb.PutRequest{Value: p.value}
		return s
	}
	for j := range p.opts.TxnOps {
		op := &pb.RequestOp{Request: &pb.RequestOp_RequestPut{RequestPut: &pb.PutRequest{Value: p.value}}}
		if j < p.opts.TxnReads {
			op = &pb.RequestOp{Request: &pb.RequestOp_RequestRange{RequestRange: &pb.RangeRequest{}}}
		}
		s.txn.Success = append(s.txn.Success, op)
		s.txnKeys = append(s.txnKeys, engine.NewKeyBuffer(p.opts.Keys))
	}
	return s
}

// PutSender is one worker of the put workload: it reuses one request, a put
// or a txn of puts and reads.
type PutSender struct {
	kv      pb.KVClient
	pick    *engine.KeyPicker
	space   uint64
	key     *engine.KeyBuffer
	put     pb.PutRequest
	txn     pb.TxnRequest
	txnKeys []*engine.KeyBuffer
}

// OwnValue gives the sender a copy of the value it puts, its own, and
// returns it: a workload that rewrites part of each value (watch stamps the
// send time into it) writes there before each Send. Plain puts only (no
// --txn-ops).
func (s *PutSender) OwnValue() []byte {
	s.put.Value = append([]byte(nil), s.put.Value...)
	return s.put.Value
}

// Send implements Sender.
func (s *PutSender) Send(ctx context.Context, _ time.Time) (int, error) {
	if s.key != nil {
		s.put.Key = s.key.Set(s.pick.Next())
		_, err := s.kv.Put(ctx, &s.put, engine.CallOptions...)
		return 0, err
	}
	first := s.pick.Next()
	for j, op := range s.txn.Success {
		key := s.txnKeys[j].Set((first + uint64(j)) % s.space)
		if put := op.GetRequestPut(); put != nil {
			put.Key = key
		} else {
			op.GetRequestRange().Key = key
		}
	}
	_, err := s.kv.Txn(ctx, &s.txn, engine.CallOptions...)
	return 0, err
}

package workloads

import (
	"context"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// Modes of the txn workload.
const (
	// TxnModeCAS updates a key by compare-and-swap, retrying on conflict
	// (kube-apiserver's GuaranteedUpdate).
	TxnModeCAS = "cas"
	// TxnModeRW sends txns of TxnOps operations, TxnReads of them ranges
	// and the rest puts.
	TxnModeRW = "rw"
)

// TxnOptions configure the txn workload.
type TxnOptions struct {
	Keys    engine.KeySpec
	ValSize int
	Mode    string // cas or rw
	// TxnOps and TxnReads shape the txns of the rw mode; the cas mode takes
	// neither.
	TxnOps   int
	TxnReads int
}

// Txn sends transactions: compare-and-swap updates that retry on conflict,
// or txns of several reads and writes.
type Txn struct {
	opts TxnOptions
	cas  *casUpdates // cas mode
	ops  *Put        // rw mode: Put's txn sender, with reads in it
}

// NewTxn validates the options and returns the workload.
func NewTxn(o TxnOptions) (*Txn, error) {
	if err := o.Keys.Validate(); err != nil {
		return nil, err
	}
	t := &Txn{opts: o}
	switch o.Mode {
	case TxnModeCAS:
		if o.TxnOps != 0 || o.TxnReads != 0 {
			return nil, fmt.Errorf("--txn-ops and --txn-reads shape the txns of --mode rw; --mode cas sends one compare-and-swap a txn")
		}
		if err := engine.CheckValueSize(o.Keys, o.ValSize, 1); err != nil {
			return nil, err
		}
		t.cas = newCASUpdates(o.Keys, o.ValSize)
	case TxnModeRW:
		if o.TxnOps < 1 {
			return nil, fmt.Errorf("--mode rw needs --txn-ops of at least 1, got %d", o.TxnOps)
		}
		p, err := NewPut(PutOptions{Keys: o.Keys, ValSize: o.ValSize, TxnOps: o.TxnOps, TxnReads: o.TxnReads})
		if err != nil {
			return nil, err
		}
		t.ops = p
	default:
		return nil, fmt.Errorf("unknown --mode %q: use cas (compare-and-swap updates) or rw (txns of reads and writes)", o.Mode)
	}
	return t, nil
}

// Name implements Workload.
func (t *Txn) Name() string { return "txn" }

// Kinds implements Workload: "cas" counts successful updates, each timed
// from its first read to the txn that succeeded, retries included.
func (t *Txn) Kinds() []string {
	if t.cas != nil {
		return []string{"cas"}
	}
	return []string{"txn"}
}

// Keys implements Workload.
func (t *Txn) Keys() engine.KeySpec { return t.opts.Keys }

// Params implements Workload.
func (t *Txn) Params() map[string]any {
	if t.ops != nil {
		m := t.ops.Params()
		m["mode"] = TxnModeRW
		return m
	}
	m := t.opts.Keys.Params()
	m["val_size"] = t.opts.ValSize
	m["mode"] = TxnModeCAS
	return m
}

// Prepare implements Workload: with reads in its txns, the rw mode first
// writes the key space, so that they read real data.
func (t *Txn) Prepare(ctx context.Context, clients []*clientv3.Client) error {
	if t.ops == nil || t.opts.TxnReads == 0 {
		return nil
	}
	return engine.Preload(ctx, clients, t.opts.Keys, t.opts.Keys.Space, t.ops.value)
}

// NewSender implements Workload.
func (t *Txn) NewSender(id int, c *clientv3.Client) engine.Sender {
	if t.cas != nil {
		return t.cas.newSender(id, c)
	}
	return t.ops.NewSender(id, c)
}

// Finish implements Finisher: the cas mode adds its counts.
func (t *Txn) Finish(_ context.Context, r *result.Workload) error {
	if t.cas != nil {
		t.cas.addCounters(r)
	}
	return nil
}

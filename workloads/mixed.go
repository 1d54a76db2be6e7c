package workloads

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// Operation kinds of the mixed workload.
const (
	MixedKindRange = "range"
	MixedKindPut   = "put"
	MixedKindTxn   = "txn" // a compare-and-swap update, as bench txn --mode cas sends
)

// MixedOptions configure the mixed workload.
type MixedOptions struct {
	Keys        engine.KeySpec
	ValSize     int
	ReadRatio   float64 // share of requests that are single-key ranges
	TxnRatio    float64 // share that are compare-and-swap updates; the rest are puts
	Preload     uint64  // keys written before the load, for the reads
	Consistency string  // of the reads: l or s
}

// Mixed sends ranges, puts and optionally compare-and-swap updates on one
// key space in one run, each worker choosing the kind of each request at
// random in the given shares, with one histogram per kind.
type Mixed struct {
	opts  MixedOptions
	read  *Range
	write *Put
	cas   *casUpdates // nil without TxnRatio
}

// NewMixed validates the options and returns the workload.
func NewMixed(o MixedOptions) (*Mixed, error) {
	switch {
	case !(o.ReadRatio >= 0 && o.ReadRatio <= 1):
		return nil, fmt.Errorf("--read-ratio must be between 0 and 1, got %v", o.ReadRatio)
	case !(o.TxnRatio >= 0 && o.TxnRatio <= 1):
		return nil, fmt.Errorf("--txn-ratio must be between 0 and 1, got %v", o.TxnRatio)
	case o.ReadRatio+o.TxnRatio > 1+1e-9:
		return nil, fmt.Errorf("--read-ratio %v and --txn-ratio %v add up to more than 1; the rest of the requests are puts", o.ReadRatio, o.TxnRatio)
	}
	read, err := NewRange(RangeOptions{Keys: o.Keys, ValSize: o.ValSize, Preload: o.Preload,
		Scope: ScopeKey, Consistency: o.Consistency})
	if err != nil {
		return nil, err
	}
	write, err := NewPut(PutOptions{Keys: o.Keys, ValSize: o.ValSize})
	if err != nil {
		return nil, err
	}
	m := &Mixed{opts: o, read: read, write: write}
	if o.TxnRatio > 0 {
		m.cas = newCASUpdates(o.Keys, o.ValSize)
	}
	return m, nil
}

// Name implements Workload.
func (m *Mixed) Name() string { return "mixed" }

// Kinds implements Workload.
func (m *Mixed) Kinds() []string {
	if m.cas != nil {
		return []string{MixedKindRange, MixedKindPut, MixedKindTxn}
	}
	return []string{MixedKindRange, MixedKindPut}
}

// Keys implements Workload.
func (m *Mixed) Keys() engine.KeySpec { return m.opts.Keys }

// Params implements Workload.
func (m *Mixed) Params() map[string]any {
	p := m.opts.Keys.Params()
	p["val_size"] = m.opts.ValSize
	p["read_ratio"] = m.opts.ReadRatio
	p["txn_ratio"] = m.opts.TxnRatio
	p["preload"] = m.opts.Preload
	p["consistency"] = m.opts.Consistency
	return p
}

// Prepare implements Workload: it preloads the keys the reads find.
func (m *Mixed) Prepare(ctx context.Context, clients []*clientv3.Client) error {
	return m.read.Prepare(ctx, clients)
}

// NewSender implements Workload: the worker's senders of each kind, and
// its own random source to choose between them.
func (m *Mixed) NewSender(id int, c *clientv3.Client) engine.Sender {
	s := &mixedSender{m: m, read: m.read.NewSender(id, c), write: m.write.NewSender(id, c),
		rng: rand.New(rand.NewPCG(m.opts.Keys.Seed^0x6d69786564, uint64(id)+1))}
	if m.cas != nil {
		s.cas = m.cas.newSender(id, c)
	}
	return s
}

// Finish implements Finisher: with txns, it adds their compare-and-swap
// counts.
func (m *Mixed) Finish(_ context.Context, r *result.Workload) error {
	if m.cas != nil {
		m.cas.addCounters(r)
	}
	return nil
}

type mixedSender struct {
	m           *Mixed
	read, write engine.Sender
	cas         engine.Sender
	rng         *rand.Rand
}

// Send sends a range, a txn or a put, by the shares of the options. The
// kind indexes follow Kinds.
func (s *mixedSender) Send(ctx context.Context, intended time.Time) (int, error) {
	f := s.rng.Float64()
	switch {
	case f < s.m.opts.ReadRatio:
		_, err := s.read.Send(ctx, intended)
		return 0, err
	case s.cas != nil && f < s.m.opts.ReadRatio+s.m.opts.TxnRatio:
		_, err := s.cas.Send(ctx, intended)
		return 2, err
	default:
		_, err := s.write.Send(ctx, intended)
		return 1, err
	}
}

package workloads

import (
	"context"
	"fmt"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
)

// Range scopes and consistencies.
const (
	ScopeKey    = "key"
	ScopePrefix = "prefix"

	Linearizable = "l"
	Serializable = "s"
)

// RangeOptions configure the range workload.
type RangeOptions struct {
	Keys        engine.KeySpec
	ValSize     int
	Preload     uint64 // keys written before the load, indexes 0..Preload-1
	Scope       string // key: one key a request; prefix: the whole prefix
	Consistency string // l (linearizable, through the leader's read index) or s (serializable, local)
	Limit       int64
	KeysOnly    bool
	CountOnly   bool
}

// Range reads keys that it preloads first, so that a range run measures
// reads of real data.
type Range struct {
	opts  RangeOptions
	picks *engine.KeyPickers
}

// NewRange validates the options and returns the workload.
func NewRange(o RangeOptions) (*Range, error) {
	if err := o.Keys.Validate(); err != nil {
		return nil, err
	}
	if err := engine.CheckValueSize(o.Keys, o.ValSize, 1); err != nil {
		return nil, err
	}
	switch {
	case o.Scope != ScopeKey && o.Scope != ScopePrefix:
		return nil, fmt.Errorf("unknown --scope %q: use key or prefix", o.Scope)
	case o.Consistency != Linearizable && o.Consistency != Serializable:
		return nil, fmt.Errorf("unknown --consistency %q: use l (linearizable) or s (serializable)", o.Consistency)
	case o.Limit < 0:
		return nil, fmt.Errorf("--limit must not be negative, got %d", o.Limit)
	case o.Preload > o.Keys.Space:
		return nil, fmt.Errorf("--preload %d is more than --key-space %d", o.Preload, o.Keys.Space)
	}
	return &Range{opts: o, picks: engine.NewKeyPickers(o.Keys)}, nil
}

// Name implements Workload.
func (r *Range) Name() string { return "range" }

// Kinds implements Workload.
func (r *Range) Kinds() []string { return []string{"range"} }

// Keys implements Workload.
func (r *Range) Keys() engine.KeySpec { return r.opts.Keys }

// Params implements Workload.
func (r *Range) Params() map[string]any {
	m := r.opts.Keys.Params()
	m["val_size"] = r.opts.ValSize
	m["preload"] = r.opts.Preload
	m["scope"] = r.opts.Scope
	m["consistency"] = r.opts.Consistency
	m["limit"] = r.opts.Limit
	m["keys_only"] = r.opts.KeysOnly
	m["count_only"] = r.opts.CountOnly
	return m
}

// Prepare implements Workload: it writes the preload keys.
func (r *Range) Prepare(ctx context.Context, clients []*clientv3.Client) error {
	return engine.Preload(ctx, clients, r.opts.Keys, r.opts.Preload, engine.NewValue(r.opts.ValSize, r.opts.Keys.Seed))
}

// NewSender implements Workload.
func (r *Range) NewSender(id int, c *clientv3.Client) engine.Sender {
	s := &rangeSender{kv: pb.NewKVClient(c.ActiveConnection()), pick: r.picks.Picker(id)}
	s.req = pb.RangeRequest{Limit: r.opts.Limit, Serializable: r.opts.Consistency == Serializable,
		KeysOnly: r.opts.KeysOnly, CountOnly: r.opts.CountOnly}
	if r.opts.Scope == ScopePrefix {
		start, end := r.opts.Keys.Range()
		s.req.Key, s.req.RangeEnd = []byte(start), []byte(end)
	} else {
		s.key = engine.NewKeyBuffer(r.opts.Keys)
	}
	return s
}

type rangeSender struct {
	kv   pb.KVClient
	pick *engine.KeyPicker
	key  *engine.KeyBuffer // nil for the prefix scope
	req  pb.RangeRequest
}

func (s *rangeSender) Send(ctx context.Context, _ time.Time) (int, error) {
	if s.key != nil {
		s.req.Key = s.key.Set(s.pick.Next())
	}
	_, err := s.kv.Range(ctx, &s.req, engine.CallOptions...)
	return 0, err
}

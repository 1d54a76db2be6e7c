package k8s

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// ReplayOptions configure bench k8s --mix-from.
type ReplayOptions struct {
	Prefix    string
	Mix       Mix
	ListLimit int64 // page size of the lists (the apiserver's 500)
	Seed      uint64
	// Duration is how long the load runs (warm-up included): a resource
	// whose deletes outpace its creates (a scale-down in the window) gets
	// as many more objects as that takes, so that every delete finds one.
	Duration time.Duration
}

// Replay drives a live apiserver's mix (Mix, from its /metrics) on the etcd
// under test: per resource its objects, of their mean size, written
// first, then each operation at its share of the mix's rate, sent as the
// apiserver sends it (creates and deletes guarded by the key's
// ModRevision, CAS updates, linearizable gets, paginated lists, counts).
// The shares are kept exactly, not drawn at random (k8sMix).
// Watches are not replayed (the apiserver's are one per resource, on its
// watch cache).
type Replay struct {
	opts     ReplayOptions
	kinds    []replayKind
	mix      k8sMix
	value    []byte
	sets     []*objectSet
	preload  []int64 // objects written first, per resource
	counters []k8sCounters
	maxBytes int64
}

// replayKind is one operation on one resource of the mix.
type replayKind struct {
	res  int
	op   string
	rate float64
}

// NewReplay checks the mix and returns its workload.
func NewReplay(o ReplayOptions) (*Replay, error) {
	if o.Prefix == "" {
		return nil, errors.New("--prefix must not be empty: etcdtune writes only under its own prefix")
	}
	if o.ListLimit < 1 {
		return nil, fmt.Errorf("--list-limit must be at least 1 (the apiserver pages by %d), got %d", ListLimit, o.ListLimit)
	}
	w := &Replay{opts: o, value: k8sValue(MaxObjectSize, o.Seed)}
	for r, res := range o.Mix.Resources {
		w.sets = append(w.sets, newObjectSet())
		w.preload = append(w.preload, res.Objects+spareObjects(res, o.Duration))
		w.maxBytes += w.preload[r] * int64(res.MeanSize)
		for _, op := range mixOps {
			if v := res.Rates[op]; v > 0 {
				w.kinds = append(w.kinds, replayKind{res: r, op: op, rate: v})
			}
		}
	}
	if len(w.kinds) == 0 {
		return nil, errors.New("--mix-from: the mix has no request to replay")
	}
	if w.maxBytes > k8sQuotaBytes {
		return nil, fmt.Errorf("--mix-from: the mix's objects need about %d MiB, over etcd's default 2 GiB --quota-backend-bytes", w.maxBytes>>20)
	}
	w.counters = make([]k8sCounters, len(o.Mix.Resources))
	rates := make([]float64, len(w.kinds))
	for i, k := range w.kinds {
		rates[i] = k.rate
	}
	w.mix = newK8sMix(rates)
	return w, nil
}

// spareObjects are the objects beyond the metrics' count that res's net
// deletes over d take, plus one for the rounding of the shares.
func spareObjects(res MixResource, d time.Duration) int64 {
	net := res.Rates[MixDelete] - res.Rates[MixCreate]
	if net <= 0 {
		return 0
	}
	return int64(math.Ceil(net*d.Seconds())) + 1
}

// Rate is the mix's request rate, which --rate defaults to.
func (w *Replay) Rate() float64 { return w.opts.Mix.Rate() }

// Name implements Workload: a run of bench k8s.
func (w *Replay) Name() string { return "k8s" }

// Kinds implements Workload: "<resource>/<operation>", the apiserver's names.
func (w *Replay) Kinds() []string {
	ks := make([]string, len(w.kinds))
	for i, k := range w.kinds {
		ks[i] = w.opts.Mix.Resources[k.res].Name + "/" + k.op
	}
	return ks
}

// Keys implements Workload: the prefix, for the prefix check.
func (w *Replay) Keys() engine.KeySpec {
	return engine.KeySpec{Prefix: w.opts.Prefix, Size: 1, Space: 1, Dist: engine.DistSeq, Seed: w.opts.Seed}
}

// CleanupRanges implements RangeCleaner: everything under <prefix>registry/.
func (w *Replay) CleanupRanges() []engine.KeyRange {
	start := w.opts.Prefix + engine.RegistryDir
	return []engine.KeyRange{{Start: start, End: clientv3.GetPrefixRangeEnd(start)}}
}

// Params implements Workload.
func (w *Replay) Params() map[string]any {
	return map[string]any{"prefix": w.opts.Prefix, "mix_from": w.opts.Mix.Source, "mix_window": w.opts.Mix.Window.String(),
		"list_limit": w.opts.ListLimit, "seed": w.opts.Seed, "profile_rate_ops_s": w.Rate()}
}

// prefixOf is where resource r's objects live, ending in "/".
func (w *Replay) prefixOf(r int) string {
	return w.opts.Prefix + engine.RegistryDir + w.opts.Mix.Resources[r].Segment + "/"
}

// key is object idx of resource r, 30 to a namespace as the profile's pods.
func (w *Replay) appendKey(b []byte, r int, idx uint64) []byte {
	b = append(b, w.prefixOf(r)...)
	b = append(b, "ns-"...)
	b = strconv.AppendUint(b, idx/podsPerNamespace, 10)
	b = append(b, "/obj-"...)
	return strconv.AppendUint(b, idx, 10)
}

func (w *Replay) valueOf(r int) []byte { return w.value[:max(1, w.opts.Mix.Resources[r].MeanSize)] }

// Prepare implements Workload: it writes every resource's objects.
func (w *Replay) Prepare(ctx context.Context, clients []*clientv3.Client) error {
	for r, res := range w.opts.Mix.Resources {
		c, set, v := &w.counters[r], w.sets[r], w.valueOf(r)
		err := engine.ForEachIndex(ctx, clients, uint64(w.preload[r]), func(ctx context.Context, cl *clientv3.Client, idx uint64) error {
			resp, err := cl.Put(ctx, string(w.appendKey(nil, r, idx)), string(v))
			if err != nil {
				return fmt.Errorf("preload %s %d of %d: %w", res.Name, idx, w.preload[r], err)
			}
			set.add(idx, resp.Header.Revision)
			c.preloaded.Add(1)
			c.preloadBytes.Add(int64(len(v)))
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// NewSender implements Workload.
func (w *Replay) NewSender(id int, c *clientv3.Client) engine.Sender {
	s := &replaySender{w: w, cursors: make([]listCursor, len(w.opts.Mix.Resources))}
	s.init(pb.NewKVClient(c.ActiveConnection()))
	s.rng = rand.New(rand.NewPCG(w.opts.Seed, uint64(id)+1))
	return s
}

// Finish implements Finisher: per resource what was written and read, and
// the mix with the provenance of each figure.
func (w *Replay) Finish(_ context.Context, r *result.Workload) error {
	st := &result.K8sStats{Resources: map[string]result.K8sResourceStats{}, ProfileRateOpsS: w.Rate(), MixFrom: w.opts.Mix.Stats()}
	for i, res := range w.opts.Mix.Resources {
		rs := w.counters[i].stats()
		rs.ObjectsAtEnd = int64(w.sets[i].len())
		st.Resources[res.Name] = rs
	}
	r.K8s = st
	return nil
}

// replaySender is one worker of the replay, its requests built once.
type replaySender struct {
	objectOps
	w       *Replay
	rng     *rand.Rand
	cursors []listCursor
	list    pb.RangeRequest
}

// Send implements Sender. An update, delete or get that finds no object
// (all deleted) creates one instead, and is counted as the create.
func (s *replaySender) Send(ctx context.Context, _ time.Time) (int, error) {
	k := s.w.mix.pick()
	kind := s.w.kinds[k]
	r, set := kind.res, s.w.sets[kind.res]
	switch kind.op {
	case MixCreate:
		return k, s.create(ctx, r)
	case MixUpdate, MixGet:
		if idx, rev, ok := set.pick(s.rng); ok {
			s.setKey(r, idx)
			if kind.op == MixGet {
				_, err := s.kv.Range(ctx, &s.get, engine.CallOptions...)
				return k, err
			}
			return k, s.update(ctx, r, idx, rev)
		}
	case MixDelete:
		if idx, rev, ok := set.popOldest(0); ok {
			return k, s.delete(ctx, r, idx, rev)
		}
	case MixList, MixCount, MixListOnlyKeys:
		return k, s.listPage(ctx, r, kind.op)
	}
	if ck := s.w.kindIndex(r, MixCreate); ck >= 0 {
		return ck, s.create(ctx, r)
	}
	return k, s.create(ctx, r)
}

func (w *Replay) kindIndex(r int, op string) int {
	for i, k := range w.kinds {
		if k.res == r && k.op == op {
			return i
		}
	}
	return -1
}

func (s *replaySender) setKey(r int, idx uint64) {
	s.key = s.w.appendKey(s.key[:0], r, idx)
	s.useKey()
}

// create is Txn(If ModRevision(key) == 0, Then Put), as the apiserver's.
func (s *replaySender) create(ctx context.Context, r int) error {
	set := s.w.sets[r]
	idx := set.reserve()
	s.setKey(r, idx)
	s.put.Value = s.w.valueOf(r)
	resp, err := s.createIfAbsent(ctx)
	if err != nil || !resp.Succeeded {
		set.forget(idx)
		if err == nil {
			err = errors.New("create found the object already there")
		}
		return err
	}
	set.written(idx, resp.Header.Revision)
	s.w.counters[r].created.Add(1)
	return nil
}

func (s *replaySender) update(ctx context.Context, r int, idx uint64, rev int64) error {
	s.put.Value = s.w.valueOf(r)
	newRev, ok, err := s.cas(ctx, &s.w.counters[r], rev, &s.putOp)
	if ok {
		s.w.sets[r].written(idx, newRev)
		s.w.counters[r].updated.Add(1)
	}
	return err
}

func (s *replaySender) delete(ctx context.Context, r int, idx uint64, rev int64) error {
	s.setKey(r, idx)
	_, ok, err := s.cas(ctx, &s.w.counters[r], rev, &s.delOp)
	if ok {
		s.w.counters[r].deleted.Add(1)
	}
	return err
}

// listPage reads one page of a list of resource r; a count is one
// CountOnly range over the resource, as the apiserver's listWithCount.
func (s *replaySender) listPage(ctx context.Context, r int, op string) error {
	start := []byte(s.w.prefixOf(r))
	c := &s.w.counters[r]
	if op == MixCount {
		s.list = pb.RangeRequest{Key: start, RangeEnd: prefixEnd(start), CountOnly: true}
		_, err := s.kv.Range(ctx, &s.list, engine.CallOptions...)
		return err
	}
	s.list = pb.RangeRequest{KeysOnly: op == MixListOnlyKeys}
	resp, done, err := s.cursors[r].nextPage(ctx, s.kv, &s.list, start, prefixEnd(start), s.w.opts.ListLimit)
	if err != nil {
		return err
	}
	c.listPages.Add(1)
	c.listedObjects.Add(int64(len(resp.Kvs)))
	if done {
		c.listsCompleted.Add(1)
	}
	return nil
}

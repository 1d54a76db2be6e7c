package k8s

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// Workload is an apiserver-like profile: Kubernetes objects under
// <prefix>registry/<resource>/<namespace>/<name>, sized as in real clusters,
// written and read as kube-apiserver does (creates and deletes guarded by a
// Txn, CAS updates, node Lease heartbeats, events on reused leases,
// paginated linearizable lists and one watch per resource).
type Workload struct {
	opts       Options
	scale      result.K8sScale
	names      k8sNames
	rates      []float64
	mix        k8sMix
	value      []byte                      // values are prefixes of it
	sets       [len(resources)]*objectSet  // nil for a resource without a count (events), which is only created
	counters   [len(resources)]k8sCounters // per resource
	eventSeq   atomic.Uint64               // number of the next event
	eventFirst atomic.Uint64               // number of the load's first event: those before are revoked
	heartbeats atomic.Uint64               // node Lease renewals so far
	leases     eventLeases
	watches    []*k8sWatch
	client     *clientv3.Client // for the end: revoking the events' leases
}

// New validates the options and returns the workload.
func New(o Options) (*Workload, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	w := &Workload{}
	w.setScale(o)
	w.leases.prefix = o.Prefix
	w.value = k8sValue(o.MaxObjectSize, o.Seed)
	for r, res := range resources {
		if res.count != nil {
			w.sets[r] = newObjectSet()
		}
	}
	return w, nil
}

// k8sValue is the bytes every value is a prefix of: opaque, like the
// protobuf the apiserver stores, after its 4-byte magic "k8s\x00".
func k8sValue(size int, seed uint64) []byte {
	v := engine.NewValue(size, seed)
	copy(v, "k8s\x00")
	return v
}

// Name implements Workload.
func (w *Workload) Name() string { return "k8s" }

// Kinds implements Workload.
func (w *Workload) Kinds() []string {
	ks := make([]string, len(k8sKinds))
	for i, k := range k8sKinds {
		ks[i] = k.name
	}
	return ks
}

// Keys implements Workload: the prefix, for the prefix check. The keys
// themselves are not of KeySpec's shape; CleanupRanges says what to delete.
func (w *Workload) Keys() engine.KeySpec {
	return engine.KeySpec{Prefix: w.opts.Prefix, Size: 1, Space: 1, Dist: engine.DistSeq, Seed: w.opts.Seed}
}

// CleanupRanges implements RangeCleaner: everything under <prefix>registry/.
func (w *Workload) CleanupRanges() []engine.KeyRange {
	return []engine.KeyRange{{Start: w.opts.Prefix + engine.RegistryDir, End: clientv3.GetPrefixRangeEnd(w.opts.Prefix + engine.RegistryDir)}}
}

// Scale is the cluster the profile stands for.
func (w *Workload) Scale() result.K8sScale { return w.scale }

// Params implements Workload.
func (w *Workload) Params() map[string]any {
	rate := w.opts.Rate()
	return map[string]any{"prefix": w.opts.Prefix, "nodes": w.opts.Nodes, "pods_per_node": w.opts.PodsPerNode,
		"list_limit": w.opts.ListLimit, "list_every": w.opts.ListEvery.String(), "max_object_size": w.opts.MaxObjectSize,
		"watch": w.opts.Watch, "seed": w.opts.Seed, "pods": w.scale.Pods, "namespaces": w.scale.Namespaces,
		"configmaps": w.scale.ConfigMaps, "secrets": w.scale.Secrets, "deployments": w.scale.Deployments,
		"replicasets": w.scale.ReplicaSets, "pod_lifetime": w.opts.podLifetime().String(),
		"config_update_every": w.opts.configUpdateEvery().String(), "profile_rate_ops_s": rate}
}

// value is the value of object idx of resource r.
func (w *Workload) valueOf(r int, idx uint64) []byte { return w.value[:w.opts.objectSize(r, idx)] }

// Prepare implements Workload: it writes the cluster's objects (events
// excepted: they come with the load) and starts the watches after them, so
// that they see only the load's writes.
func (w *Workload) Prepare(ctx context.Context, clients []*clientv3.Client) error {
	w.client = clients[0]
	if err := w.fill(ctx, clients); err != nil {
		return err
	}
	return w.startWatches(ctx, clients)
}

// preload writes n new objects of resource r, numbered from first.
func (w *Workload) preload(ctx context.Context, clients []*clientv3.Client, r int, first uint64, n int) error {
	c := &w.counters[r]
	return engine.ForEachIndex(ctx, clients, uint64(n), func(ctx context.Context, cl *clientv3.Client, i uint64) error {
		idx := first + i
		v := w.valueOf(r, idx)
		resp, err := cl.Put(ctx, w.names.key(r, idx), string(v))
		if err != nil {
			return fmt.Errorf("preload %s %d of %d: %w", resources[r].name, i, n, err)
		}
		w.sets[r].add(idx, resp.Header.Revision)
		c.preloaded.Add(1)
		c.preloadBytes.Add(int64(len(v)))
		return nil
	})
}

// NewSender implements Workload.
func (w *Workload) NewSender(id int, c *clientv3.Client) engine.Sender {
	conn := c.ActiveConnection()
	s := &k8sSender{w: w, lc: pb.NewLeaseClient(conn), rng: rand.New(rand.NewPCG(w.opts.Seed, uint64(id)+1))}
	s.init(pb.NewKVClient(conn))
	return s
}

// Finish implements Finisher: it lets the watches catch up with the last
// write, reports per resource, and revokes the events' leases (which
// deletes the events, as their expiry would).
func (w *Workload) Finish(ctx context.Context, r *result.Workload) error {
	rev, syncErr := w.syncWatches(ctx)
	st := &result.K8sStats{Scale: w.scale, Resources: map[string]result.K8sResourceStats{}, EventLeases: w.leases.grants(),
		ProfileRateOpsS: w.opts.Rate()}
	for i, res := range resources {
		rs := w.counters[i].stats()
		if w.sets[i] != nil {
			rs.ObjectsAtEnd = int64(w.sets[i].len())
		} else {
			rs.ObjectsAtEnd = rs.Created
		}
		if i < len(w.watches) {
			rs.WatchEvents = w.watches[i].events.Load()
		}
		st.Resources[res.name] = rs
	}
	r.K8s = st
	if w.opts.Watch {
		r.Warnings = append(r.Warnings, watchWarnings(st, rev)...)
	}
	return errors.Join(syncErr, w.leases.revokeAll(ctx, w.client))
}

package k8s

import (
	"context"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
)

// Grow makes the modelled cluster one of nodes nodes, at least as many as
// it has: it writes only the objects (node Leases, pods, ConfigMaps,
// Secrets) that cluster holds beyond the current one, under the keys a
// cluster of that size prepared afresh has (an object's namespace is fixed
// by its number, see appendKey), and the next load sends that cluster's
// requests in its proportions. Each Grow starts a new step: the figures
// of the next load (Finish) are that load's alone, counted from the
// objects the cluster then holds, and its watches start after the growth.
// It must not run during a load; the workload must have been prepared.
func (w *Workload) Grow(ctx context.Context, clients []*clientv3.Client, nodes int) error {
	if nodes < w.opts.Nodes {
		return fmt.Errorf("grow to %d nodes: the cluster has %d already; use Shrink", nodes, w.opts.Nodes)
	}
	return w.resize(ctx, clients, nodes)
}

// Shrink makes the modelled cluster one of nodes nodes, fewer than it has,
// by deleting the objects of the highest numbers, those a cluster of that
// size would not have: a capacity search that failed at a size goes back
// to a smaller one this way. Otherwise as Grow.
func (w *Workload) Shrink(ctx context.Context, clients []*clientv3.Client, nodes int) error {
	if nodes > w.opts.Nodes {
		return fmt.Errorf("shrink to %d nodes: the cluster has only %d; use Grow", nodes, w.opts.Nodes)
	}
	return w.resize(ctx, clients, nodes)
}

// resize brings the cluster to nodes nodes and starts a step there.
func (w *Workload) resize(ctx context.Context, clients []*clientv3.Client, nodes int) error {
	o := w.opts
	o.Nodes = nodes
	if err := o.Validate(); err != nil {
		return err
	}
	w.stopWatches() // the resize's writes are not the load's
	w.setScale(o)
	if err := w.fill(ctx, clients); err != nil {
		return err
	}
	for r := range resources {
		w.counters[r] = k8sCounters{}
		if s := w.sets[r]; s != nil {
			w.counters[r].preloaded.Store(int64(s.len()))
			w.counters[r].preloadBytes.Store(s.sum(func(idx uint64) int64 { return int64(w.opts.objectSize(r, idx)) }))
		}
	}
	w.heartbeats.Store(0)
	return w.startWatches(ctx, clients)
}

// setScale makes o the workload's options: the cluster it stands for, its
// rates and the mix that follows them.
func (w *Workload) setScale(o Options) {
	w.opts, w.scale, w.rates = o, o.Scale(), o.Rates()
	// The last load's events went with its leases (Finish).
	w.eventFirst.Store(w.eventSeq.Load())
	w.names = k8sNames{prefix: o.Prefix, namespaces: w.scale.Namespaces}
	w.mix = newK8sMix(w.rates)
}

// fill writes or deletes objects until each counted resource holds what
// the workload's scale says.
func (w *Workload) fill(ctx context.Context, clients []*clientv3.Client) error {
	for r, res := range resources {
		if res.count == nil {
			continue
		}
		want, have := res.count(w.scale), w.sets[r].len()
		var err error
		switch {
		case want > have:
			err = w.preload(ctx, clients, r, w.sets[r].next(), want-have)
		case want < have:
			err = w.trim(ctx, clients, r, have-want)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// trim deletes the n newest objects of resource r.
func (w *Workload) trim(ctx context.Context, clients []*clientv3.Client, r, n int) error {
	idxs := w.sets[r].popNewest(n)
	return engine.ForEachIndex(ctx, clients, uint64(len(idxs)), func(ctx context.Context, cl *clientv3.Client, i uint64) error {
		if _, err := cl.Delete(ctx, w.names.key(r, idxs[i])); err != nil {
			return fmt.Errorf("shrink: delete %s %d: %w", resources[r].name, idxs[i], err)
		}
		return nil
	})
}

// startWatches starts one watch per resource after the current revision,
// so that they see only the load's writes.
func (w *Workload) startWatches(ctx context.Context, clients []*clientv3.Client) error {
	if !w.opts.Watch {
		return nil
	}
	resp, err := clients[0].Get(ctx, w.opts.Prefix+engine.RegistryDir, clientv3.WithCountOnly())
	if err != nil {
		return fmt.Errorf("revision after preload: %w", err)
	}
	for r := range resources {
		wt, err := startK8sWatch(clients[r%len(clients)], w.names.resourcePrefix(r), resp.Header.Revision+1)
		if err != nil {
			w.stopWatches()
			return err
		}
		w.watches = append(w.watches, wt)
	}
	return nil
}

// stopWatches stops the watches of the last step, if any are left.
func (w *Workload) stopWatches() {
	for _, wt := range w.watches {
		wt.stop()
	}
	w.watches = nil
}

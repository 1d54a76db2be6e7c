package runner

import (
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads"
	"github.com/etcdtune/etcdtune/workloads/k8s"
	"github.com/etcdtune/etcdtune/workloads/watch"
)

// Shape of the suite's requests: check perf's 256 B values; keys of 8
// digits under the prefix.
const (
	valSize = 256
	keySize = 8
	// watchShare is the watch phase's write rate as a share of the preset's:
	// every watcher receives every write, so the events delivered grow with
	// watchers x rate.
	watchShare = 0.1
	// watchersPerClient: one watcher for every 10 clients, as an apiserver
	// holds one watch per resource type while serving many requests.
	watchersPerClient = 10
	// mixedReads and mixedCAS are the mixed phase's shares of reads and of
	// compare-and-swap updates (kube-apiserver's GuaranteedUpdate); the rest
	// are plain puts.
	mixedReads = 0.7
	mixedCAS   = 0.1
)

// loadPhase is one workload of the suite with its load.
type loadPhase struct {
	name  string
	cfg   engine.Config
	build func() (engine.Workload, error)
}

// suite is the standard suite for a preset: writes at the preset's rate
// (the throughput and latency verdicts), reads, watch delivery, a mix, and
// the Kubernetes profile.
func suite(p Preset, plan Timing, prefix string, timeout time.Duration) []loadPhase {
	keys := engine.KeySpec{Prefix: prefix, Size: keySize, Space: plan.KeySpace, Dist: engine.DistUniform, Seed: 1}
	open := func(rate float64, d time.Duration) engine.Config {
		return engine.Config{Rate: rate, MaxInflight: p.Clients, Duration: d, Warmup: plan.Warmup, RequestTimeout: timeout}
	}
	closed := engine.Config{Clients: p.Clients, Duration: plan.Load, Warmup: plan.Warmup, RequestTimeout: timeout}
	watchers := max(1, p.Clients/watchersPerClient)
	return []loadPhase{
		{"put", open(p.WritesPerSec, plan.Put), func() (engine.Workload, error) {
			return workloads.NewPut(workloads.PutOptions{Keys: keys, ValSize: valSize})
		}},
		{"range", closed, func() (engine.Workload, error) {
			return workloads.NewRange(workloads.RangeOptions{Keys: keys, ValSize: valSize, Preload: keys.Space,
				Scope: workloads.ScopeKey, Consistency: workloads.Linearizable})
		}},
		{"watch", open(p.WritesPerSec*watchShare, plan.Load), func() (engine.Workload, error) {
			return watch.New(watch.Options{Keys: keys, ValSize: valSize, Watchers: watchers,
				Streams: min(p.Conns, watchers), Scope: watch.ScopePrefix})
		}},
		{"mixed", closed, func() (engine.Workload, error) {
			return workloads.NewMixed(workloads.MixedOptions{Keys: keys, ValSize: valSize, ReadRatio: mixedReads,
				TxnRatio: mixedCAS, Preload: keys.Space, Consistency: workloads.Linearizable})
		}},
		{"k8s", closed, func() (engine.Workload, error) {
			return k8s.New(k8s.Options{Prefix: prefix, Nodes: min(p.K8sNodes, plan.MaxK8sNodes),
				PodsPerNode: k8sPodsPerNode, ListLimit: k8s.ListLimit, ListEvery: time.Minute,
				MaxObjectSize: k8s.MaxObjectSize, Watch: true, Seed: 1})
		}},
	}
}

// loadSeconds is the measured and warm-up time of the suite, the window the
// server metrics are read over.
func loadSeconds(phases []loadPhase) time.Duration {
	var d time.Duration
	for _, ph := range phases {
		d += ph.cfg.Warmup + ph.cfg.Duration
	}
	return d
}

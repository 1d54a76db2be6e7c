package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/runner"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

type benchK8sOptions struct {
	benchOptions
	nodes         int
	podsPerNode   int
	listLimit     int64
	listEvery     time.Duration
	maxObjectSize int
	podLifetime   time.Duration
	configEvery   time.Duration
	watch         bool
	burst         float64
	maxNodes      int
	mixFrom       mixFromOptions
}

// benchK8sIgnored are the shared key and value flags that the profile does
// not use: its keys and sizes are the Kubernetes layout's.
var benchK8sIgnored = []string{"key-size", "val-size", "key-space", "key-dist", "zipf-s"}

func newBenchK8sCommand() *cobra.Command {
	o := &benchK8sOptions{}
	cmd := newBenchSubcommand(&cobra.Command{
		Use:   "k8s",
		Short: "Load etcd as kube-apiserver does for a cluster of --nodes x --pods-per-node",
		Long: `Writes and reads Kubernetes objects under <prefix>registry/<resource>/<namespace>/<name>:
pods, configmaps, secrets, events (on the apiserver's reused 1 h leases) and node Leases,
sized as in real clusters. Creates, CAS updates and deletes, node heartbeats, event writes,
paginated linearizable lists (--list-limit) and one watch per resource, in the proportions
of the cluster's own rates (see the README). Closed loop by default; --rate with the
result's profile_rate_ops_s replays the cluster in real time.
--mix-from replays a live cluster's traffic instead, read from its kube-apiserver's
/metrics: per resource and operation its requests to etcd, its objects and their sizes.`,
		Example: `  etcdtune bench k8s --nodes 100 --pods-per-node 30 --duration 30s
  etcdtune bench k8s --nodes 1000 --rate 2000 -o json --out k8s.json
  etcdtune bench k8s --mix-from https://apiserver:6443/metrics --mix-token-file token --mix-cacert ca.crt --duration 1m`,
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			for _, f := range []struct {
				name string
				d    time.Duration
			}{{"pod-lifetime", o.podLifetime}, {"config-update-every", o.configEvery}} {
				if f.d <= 0 {
					return badInput(fmt.Errorf("--%s must be positive, got %v", f.name, f.d))
				}
			}
			return o.mixFrom.load(cmd, &o.rate, o.findMax)
		},
	}, &o.benchOptions, o.workload)
	fs := cmd.Flags()
	for _, name := range benchK8sIgnored {
		fs.MarkHidden(name)
	}
	fs.IntVar(&o.nodes, "nodes", 10, "nodes of the cluster: one Lease heartbeat each every 10 s")
	fs.IntVar(&o.podsPerNode, "pods-per-node", 30, "pods per node (kubelet's default limit is 110)")
	fs.Int64Var(&o.listLimit, "list-limit", k8s.ListLimit, "page size of the paginated lists (the apiserver's is 500)")
	fs.DurationVar(&o.listEvery, "list-every", time.Minute, "each of pods, configmaps and secrets is listed in full this often, at the cluster's pace")
	fs.IntVar(&o.maxObjectSize, "max-object-size", k8s.MaxObjectSize, "largest ConfigMap or Secret, bytes (the apiserver's limit is 1 MiB)")
	fs.DurationVar(&o.podLifetime, "pod-lifetime", k8s.DefaultPodLifetime, "how long a pod lives on average: pods/lifetime pods start, and as many end, each second (a batch cluster's are minutes)")
	fs.DurationVar(&o.configEvery, "config-update-every", k8s.DefaultConfigUpdateEvery, "each ConfigMap and Secret is rewritten this often")
	fs.BoolVar(&o.watch, "watch", true, "keep one watch per resource, as the apiserver's watch cache does, and check it sees every write")
	o.findMax = addFindMaxFlags(fs)
	fs.Float64Var(&o.burst, "burst", runner.DefaultK8sBurst, "--find-max: each step runs at the cluster's own request rate times this (a rollout's churn)")
	fs.IntVar(&o.maxNodes, "max-nodes", k8s.MaxNodes, "--find-max: the largest cluster the search tries (Kubernetes' documented limit)")
	o.findMax.kindFlags = []string{"burst", "max-nodes"}
	o.mixFrom.addFlags(fs)
	o.nodeSearch = o.search
	return cmd
}

// search is bench k8s --find-max: the largest cluster, in nodes from
// --nodes up, that holds within the SLO at --burst times its own rate. The
// search flags' step, warm-up, precision and steps apply; --start-rate and
// --max-rate do not (the rate follows the cluster's size).
func (o *benchK8sOptions) search(fs *pflag.FlagSet, c runner.CapacityPhase) (runner.Phase, error) {
	if o.mixFrom.mix != nil {
		return nil, nil // a replay's search is over its rate: the shared one
	}
	for _, name := range []string{"start-rate", "max-rate"} {
		if fs.Changed(name) {
			return nil, badInput(fmt.Errorf("--%s does not go with bench k8s --find-max: the rate follows the cluster's size (--burst times its own rate); bound the search with --max-nodes", name))
		}
	}
	slo := c.SLO
	p := runner.K8sCapacityPhase{Options: k8s.Options{Prefix: o.prefix, Nodes: o.nodes, PodsPerNode: o.podsPerNode,
		ListLimit: o.listLimit, ListEvery: o.listEvery, MaxObjectSize: o.maxObjectSize, Watch: o.watch, Seed: o.seed,
		PodLifetime: o.podLifetime, ConfigUpdateEvery: o.configEvery},
		Config: engine.Config{Duration: c.Step, Warmup: c.StepWarmup, MaxInflight: o.maxInflight, RequestTimeout: o.conn.commandTimeout},
		Burst:  o.burst, MaxNodes: o.maxNodes, Growth: runner.DefaultK8sGrowth, Precision: c.Search.Precision,
		MaxSteps: c.Search.MaxSteps, SLO: slo, ListSLO: runner.K8sListSLO, QuotaShare: runner.DefaultQuotaShare, Force: o.force}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func (o *benchK8sOptions) workload() (engine.Workload, error) {
	if m := o.mixFrom.mix; m != nil {
		d := o.duration + o.warmup
		if o.total > 0 && o.rate > 0 {
			d = o.warmup + time.Duration(float64(o.total)/o.rate*float64(time.Second))
		}
		return k8s.NewReplay(k8s.ReplayOptions{Prefix: o.prefix, Mix: *m, ListLimit: o.listLimit, Seed: o.seed, Duration: d})
	}
	return k8s.New(k8s.Options{Prefix: o.prefix, Nodes: o.nodes,
		PodsPerNode: o.podsPerNode, ListLimit: o.listLimit, ListEvery: o.listEvery,
		MaxObjectSize: o.maxObjectSize, Watch: o.watch, Seed: o.seed, PodLifetime: o.podLifetime, ConfigUpdateEvery: o.configEvery})
}

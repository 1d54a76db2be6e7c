package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

type benchK8sOptions struct {
	benchOptions
	nodes         int
	podsPerNode   int
	listLimit     int64
	listEvery     time.Duration
	maxObjectSize int
	watch         bool
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
result's profile_rate_ops_s replays the cluster in real time.`,
		Example: `  etcdtune bench k8s --nodes 100 --pods-per-node 30 --duration 30s
  etcdtune bench k8s --nodes 1000 --rate 2000 -o json --out k8s.json`,
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
	fs.BoolVar(&o.watch, "watch", true, "keep one watch per resource, as the apiserver's watch cache does, and check it sees every write")
	return cmd
}

func (o *benchK8sOptions) workload() (engine.Workload, error) {
	return k8s.New(k8s.Options{Prefix: o.prefix, Nodes: o.nodes,
		PodsPerNode: o.podsPerNode, ListLimit: o.listLimit, ListEvery: o.listEvery,
		MaxObjectSize: o.maxObjectSize, Watch: o.watch, Seed: o.seed})
}

package k8s_test

import (
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
)

// BenchmarkEtcdK8sSmall runs the Kubernetes profile of a 10-node cluster
// with 30 pods a node against an embedded etcd: 16 clients, closed loop,
// 5 s, and reports each operation's throughput and p99.
func BenchmarkEtcdK8sSmall(b *testing.B) { benchK8s(b, 10, 30) }

// BenchmarkEtcdK8sMedium is BenchmarkEtcdK8sSmall for 100 nodes x 30 pods.
func BenchmarkEtcdK8sMedium(b *testing.B) { benchK8s(b, 100, 30) }

func benchK8s(b *testing.B, nodes, podsPerNode int) {
	cs := loadtest.Embedded(b, 4)
	o := k8sOpts(nodes, podsPerNode)
	o.ListEvery = time.Minute // the profile's default pace
	res := loadtest.Session(b, engine.Config{Clients: 16, Duration: 5 * time.Second}, newK8s(b, o), cs)
	if res.Errors != 0 || len(res.Warnings) != 0 {
		b.Fatalf("errors %v, warnings %v", res.ErrorKinds, res.Warnings)
	}
	b.ReportMetric(res.ThroughputOpsS, "ops/s")
	b.ReportMetric(res.LatencyMs.P99, "p99_ms")
	for name, k := range res.Kinds {
		if k.Ops == 0 {
			continue
		}
		unit := strings.ReplaceAll(name, "/", "_")
		b.ReportMetric(float64(k.Ops)/res.DurationS, unit+"_ops/s")
		b.ReportMetric(k.LatencyMs.P99, unit+"_p99_ms")
	}
	var conflicts int64
	for _, r := range res.K8s.Resources {
		conflicts += r.Conflicts
	}
	b.ReportMetric(float64(conflicts), "cas_conflicts")
}

package workloads_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// BenchmarkEtcdCAS runs compare-and-swap updates (kube-apiserver's
// GuaranteedUpdate) for 3 s against an embedded etcd, at 1, 16 and 64
// clients contending for 16 keys, and reports the share of txns that
// succeeded and the latency of a successful update, retries included. It
// ignores b.N: run it with -benchtime 1x.
func BenchmarkEtcdCAS(b *testing.B) {
	_, cs := loadtest.Embedded(b, 4)
	for _, n := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			wl := loadtest.New(b, workloads.NewTxn, workloads.TxnOptions{Keys: loadtest.Keys(16), ValSize: 256, Mode: workloads.TxnModeCAS})
			res := loadtest.Session(b, engine.Config{Clients: n, Duration: 3 * time.Second, RequestTimeout: 10 * time.Second}, wl, cs)
			c := res.Counters
			updates, txns := c[workloads.CounterCASUpdates], c[workloads.CounterCASTxns]
			if res.Errors != 0 || txns == 0 {
				b.Fatalf("errors %v, %d txns", res.ErrorKinds, txns)
			}
			b.ReportMetric(float64(updates)/float64(txns), "success_rate")
			b.ReportMetric(res.ThroughputOpsS, "updates/s")
			b.ReportMetric(float64(c[workloads.CounterCASRetries])/float64(updates), "retries/update")
			b.ReportMetric(res.LatencyMs.P50, "p50_ms")
			b.ReportMetric(res.LatencyMs.P99, "p99_ms")
		})
	}
}

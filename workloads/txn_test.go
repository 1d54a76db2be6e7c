package workloads_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// Under contention (16 clients on 4 keys) every txn either succeeds or
// conflicts; each success is one revision and one increment of a counter,
// so the counters sum to the successes, and no increment is lost.
func TestCASCountersUnderContention(t *testing.T) {
	cs := loadtest.Embedded(t, 4)
	for _, cfg := range []engine.Config{
		{Clients: 16, Total: 2000, RequestTimeout: 10 * time.Second},
		{Rate: 800, MaxInflight: 64, Total: 1200, RequestTimeout: 10 * time.Second},
	} {
		wl := loadtest.New(t, workloads.NewTxn, workloads.TxnOptions{Keys: loadtest.Keys(4), ValSize: 32, Mode: workloads.TxnModeCAS})
		before := loadtest.Revision(t, cs[0])
		res := loadtest.Run(t, cfg, wl, cs)
		if res.Errors != 0 {
			t.Fatalf("errors: %v", res.ErrorKinds)
		}
		n := res.Counters
		updates, conflicts, txns := n[workloads.CounterCASUpdates], n[workloads.CounterCASConflicts], n[workloads.CounterCASTxns]
		if updates != cfg.Total || res.Ops != cfg.Total {
			t.Errorf("%d updates, %d ops; want the total %d", updates, res.Ops, cfg.Total)
		}
		if updates+conflicts != txns {
			t.Errorf("updates %d + conflicts %d != txns %d", updates, conflicts, txns)
		}
		if conflicts == 0 || n[workloads.CounterCASRetries] != conflicts {
			t.Errorf("16 writers on 4 keys: %d conflicts, %d retries; want some, one retry each", conflicts, n[workloads.CounterCASRetries])
		}
		if got := loadtest.Revision(t, cs[0]) - before; got != updates {
			t.Errorf("etcd made %d revisions for %d successful updates", got, updates)
		}
		sum, nkeys := sumCounts(t, cs[0], "/etcdtune/")
		if sum != uint64(updates) || nkeys != 4 {
			t.Errorf("the counters of %d keys sum to %d, want %d updates", nkeys, sum, updates)
		}
		if err := engine.Cleanup(t.Context(), cs[0], wl.Keys()); err != nil {
			t.Fatal(err)
		}
	}
}

// A txn of reads and writes makes one revision when it writes anything,
// none when it only reads; the Session preloads what it reads and cleans up.
func TestTxnReadWriteMix(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	for _, c := range []struct{ ops, reads int }{{4, 2}, {3, 0}, {2, 2}} {
		wl := loadtest.New(t, workloads.NewTxn, workloads.TxnOptions{Keys: loadtest.Keys(50), ValSize: 16, Mode: workloads.TxnModeRW, TxnOps: c.ops, TxnReads: c.reads})
		before := loadtest.Revision(t, cs[0])
		loadtest.SessionTotal(t, c, engine.Config{Clients: 8, Total: 400}, wl, cs)
		want := int64(400 + 1) // a txn that writes is one revision; the cleanup one
		if c.reads > 0 {
			want += 50 // the preload
		}
		if c.reads == c.ops {
			want -= 400 // read-only txns make none
		}
		if got := loadtest.Revision(t, cs[0]) - before; got != want {
			t.Errorf("%+v: %d revisions, want %d", c, got, want)
		}
		loadtest.NoKeysLeft(t, cs[0])
	}
}

// The txn options that etcd or the mode cannot honour are refused, naming
// the flag.
func TestTxnBadOptions(t *testing.T) {
	for _, o := range []workloads.TxnOptions{
		{Mode: "lock"},
		{Mode: workloads.TxnModeCAS, TxnOps: 2},
		{Mode: workloads.TxnModeRW},
		{Mode: workloads.TxnModeRW, TxnOps: 200},
		{Mode: workloads.TxnModeRW, TxnOps: 2, TxnReads: 3},
	} {
		o.Keys = loadtest.Keys(100)
		if _, err := workloads.NewTxn(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// BenchmarkEtcdCAS runs compare-and-swap updates (kube-apiserver's
// GuaranteedUpdate) for 3 s against an embedded etcd, at 1, 16 and 64
// clients contending for 16 keys, and reports the share of txns that
// succeeded and the latency of a successful update, retries included. It
// ignores b.N: run it with -benchtime 1x.
func BenchmarkEtcdCAS(b *testing.B) {
	cs := loadtest.Embedded(b, 4)
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

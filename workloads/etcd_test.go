package workloads_test

import (
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// Every put that the result counts reached etcd and made one revision, and
// no other did: warm-up puts are counted apart, and the sum matches the
// revisions etcd reports.
func TestPutCountsMatchRevisions(t *testing.T) {
	cs := loadtest.Embedded(t, 4)
	cases := []struct {
		name string
		cfg  engine.Config
		txn  int
	}{
		{"closed total", engine.Config{Clients: 16, Total: 3000, RequestTimeout: 5 * time.Second}, 0},
		{"closed duration with warmup", engine.Config{Clients: 8, Duration: time.Second, Warmup: 300 * time.Millisecond}, 0},
		{"open total", engine.Config{Rate: 2000, MaxInflight: 100, Total: 2000}, 0},
		{"open duration with warmup", engine.Config{Rate: 1000, MaxInflight: 100, Duration: 1500 * time.Millisecond, Warmup: 200 * time.Millisecond}, 0},
		{"closed txn of 4 puts", engine.Config{Clients: 8, Total: 500}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wl := loadtest.NewPut(t, workloads.PutOptions{Keys: loadtest.Keys(100), ValSize: 64, TxnOps: c.txn})
			before := loadtest.Revision(t, cs[0])
			res := loadtest.Run(t, c.cfg, wl, cs)
			after := loadtest.Revision(t, cs[0])
			if res.Errors != 0 || res.WarmupErrors != 0 {
				t.Fatalf("errors: %v", res.ErrorKinds)
			}
			if got, want := after-before, res.Ops+res.WarmupOps; got != want {
				t.Errorf("etcd made %d revisions, the result counts %d requests (%d measured, %d warm-up)", got, want, res.Ops, res.WarmupOps)
			}
			if c.cfg.Total > 0 && res.Ops != c.cfg.Total {
				t.Errorf("ops %d, want the total %d", res.Ops, c.cfg.Total)
			}
			if c.cfg.Warmup > 0 && res.WarmupOps == 0 {
				t.Error("a warm-up ran but no warm-up request was counted")
			}
			var inSeries int64
			for _, p := range res.Series {
				inSeries += p.Ops
			}
			if inSeries != res.Ops {
				t.Errorf("the series holds %d ops, the result %d", inSeries, res.Ops)
			}
		})
	}
}

// A range run reads keys it preloaded, and cleans them up.
func TestRangeReadsPreloadedKeys(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	for _, o := range []workloads.RangeOptions{
		{Scope: workloads.ScopeKey, Consistency: workloads.Linearizable},
		{Scope: workloads.ScopeKey, Consistency: workloads.Serializable, KeysOnly: true},
		{Scope: workloads.ScopePrefix, Consistency: workloads.Serializable, Limit: 10},
		{Scope: workloads.ScopePrefix, Consistency: workloads.Linearizable, CountOnly: true},
	} {
		o.Keys, o.ValSize, o.Preload = loadtest.Keys(500), 100, 500
		wl := loadtest.New(t, workloads.NewRange, o)
		before := loadtest.Revision(t, cs[0])
		loadtest.SessionTotal(t, o, engine.Config{Clients: 8, Total: 1000}, wl, cs)
		// Preload makes one revision a key and the cleanup one more; reads none.
		if got := loadtest.Revision(t, cs[0]) - before; got != 501 {
			t.Errorf("%+v: %d revisions, want 500 preload puts and 1 delete", o, got)
		}
		loadtest.NoKeysLeft(t, cs[0])
	}
}

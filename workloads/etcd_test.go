package workloads_test

import (
	"context"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// clients opens n connections to endpoints, closed when the test ends.
func clients(t testing.TB, n int, endpoints []string) []*clientv3.Client {
	t.Helper()
	var cs []*clientv3.Client
	for range n {
		c, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		cs = append(cs, c)
	}
	return cs
}

func revision(t *testing.T, c *clientv3.Client) int64 {
	t.Helper()
	resp, err := c.Get(t.Context(), "/any")
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}

func countPrefix(t *testing.T, c *clientv3.Client, prefix string) int64 {
	t.Helper()
	resp, err := c.Get(t.Context(), prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Count
}

func keys(space uint64) workloads.KeySpec {
	return workloads.KeySpec{Prefix: "/etcdtune/", Size: 8, Space: space, Dist: workloads.DistUniform, Seed: 1}
}

func newPut(t *testing.T, o workloads.PutOptions) *workloads.Put {
	t.Helper()
	p, err := workloads.NewPut(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every put that the result counts reached etcd and made one revision, and
// no other did: warm-up puts are counted apart, and the sum matches the
// revisions etcd reports.
func TestPutCountsMatchRevisions(t *testing.T) {
	e := etcdtest.Embedded(t)
	cs := clients(t, 4, e.Endpoints())
	cases := []struct {
		name string
		cfg  workloads.Config
		txn  int
	}{
		{"closed total", workloads.Config{Clients: 16, Total: 3000, RequestTimeout: 5 * time.Second}, 0},
		{"closed duration with warmup", workloads.Config{Clients: 8, Duration: time.Second, Warmup: 300 * time.Millisecond}, 0},
		{"open total", workloads.Config{Rate: 2000, MaxInflight: 100, Total: 2000}, 0},
		{"open duration with warmup", workloads.Config{Rate: 1000, MaxInflight: 100, Duration: 1500 * time.Millisecond, Warmup: 200 * time.Millisecond}, 0},
		{"closed txn of 4 puts", workloads.Config{Clients: 8, Total: 500}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wl := newPut(t, workloads.PutOptions{Keys: keys(100), ValSize: 64, TxnOps: c.txn})
			before := revision(t, cs[0])
			res, err := workloads.Run(t.Context(), c.cfg, wl, cs)
			if err != nil {
				t.Fatal(err)
			}
			after := revision(t, cs[0])
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

// The open loop keeps its rate: every scheduled send goes out, on time.
func TestOpenLoopKeepsRate(t *testing.T) {
	e := etcdtest.Embedded(t)
	cs := clients(t, 2, e.Endpoints())
	wl := newPut(t, workloads.PutOptions{Keys: keys(100), ValSize: 64})
	res, err := workloads.Run(t.Context(), workloads.Config{Rate: 500, MaxInflight: 200, Duration: 2 * time.Second}, wl, cs)
	if err != nil {
		t.Fatal(err)
	}
	ol := res.OpenLoop
	if ol == nil || res.Mode != workloads.ModeOpen {
		t.Fatalf("not an open-loop result: %+v", res)
	}
	if ol.Scheduled != 1000 || ol.Sent != 1000 || ol.Unsent != 0 || res.Ops != 1000 {
		t.Errorf("scheduled %d, sent %d, unsent %d, ops %d; want 1000 of each", ol.Scheduled, ol.Sent, ol.Unsent, res.Ops)
	}
	if ol.AchievedRate < 490 || ol.AchievedRate > 510 {
		t.Errorf("achieved %.1f/s against 500/s", ol.AchievedRate)
	}
	if res.ServiceLatencyMs == nil || res.ServiceHistogram == "" {
		t.Error("open loop must report the service latency beside the latency")
	}
}

// A run writes only under its prefix and leaves it empty; keys outside it
// are untouched, and a prefix that holds keys is refused without Force.
func TestSessionPrefixIsolation(t *testing.T) {
	e := etcdtest.Embedded(t)
	cs := clients(t, 2, e.Endpoints())
	ctx := t.Context()
	outside := map[string]string{"/etcdtune": "a", "/etcdtune0": "b", "/other/key": "c", "/etcdtune.bak/1": "d"}
	revs := map[string]int64{}
	for k, v := range outside {
		resp, err := cs[0].Put(ctx, k, v)
		if err != nil {
			t.Fatal(err)
		}
		revs[k] = resp.Header.Revision
	}
	wl := newPut(t, workloads.PutOptions{Keys: keys(1000), ValSize: 32})
	s := workloads.Session{Config: workloads.Config{Clients: 8, Total: 2000}, Clients: cs}
	res, err := s.Run(ctx, wl)
	if err != nil || res.Ops != 2000 {
		t.Fatalf("run: %v (%+v)", err, res)
	}
	if n := countPrefix(t, cs[0], "/etcdtune/"); n != 0 {
		t.Errorf("%d keys left under the prefix", n)
	}
	for k, v := range outside {
		resp, err := cs[0].Get(ctx, k)
		if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != v || resp.Kvs[0].ModRevision != revs[k] {
			t.Errorf("key %s outside the prefix was touched: %v %+v", k, err, resp)
		}
	}

	// A prefix that holds a key is refused, and the key survives.
	if _, err := cs[0].Put(ctx, "/etcdtune/users-key", "mine"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Run(ctx, wl)
	if !fault.Is(err, fault.Unusable) || !strings.Contains(err.Error(), "already holds 1 keys") {
		t.Fatalf("want the prefix in use for 1 key, got %v", err)
	}
	// With Force the run goes on, and still deletes only keys of its shape.
	s.Force = true
	if _, err := s.Run(ctx, wl); err != nil {
		t.Fatal(err)
	}
	resp, err := cs[0].Get(ctx, "/etcdtune/", clientv3.WithPrefix())
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Key) != "/etcdtune/users-key" {
		t.Errorf("after a forced run the prefix holds %v, want only the user's key", resp.Kvs)
	}
}

// A range run reads keys it preloaded, and cleans them up.
func TestRangeReadsPreloadedKeys(t *testing.T) {
	e := etcdtest.Embedded(t)
	cs := clients(t, 2, e.Endpoints())
	for _, o := range []workloads.RangeOptions{
		{Scope: workloads.ScopeKey, Consistency: workloads.Linearizable},
		{Scope: workloads.ScopeKey, Consistency: workloads.Serializable, KeysOnly: true},
		{Scope: workloads.ScopePrefix, Consistency: workloads.Serializable, Limit: 10},
		{Scope: workloads.ScopePrefix, Consistency: workloads.Linearizable, CountOnly: true},
	} {
		o.Keys, o.ValSize, o.Preload = keys(500), 100, 500
		wl, err := workloads.NewRange(o)
		if err != nil {
			t.Fatal(err)
		}
		before := revision(t, cs[0])
		res, err := workloads.Session{Config: workloads.Config{Clients: 8, Total: 1000}, Clients: cs}.Run(t.Context(), wl)
		if err != nil || res.Ops != 1000 || res.Errors != 0 {
			t.Fatalf("%+v: err %v, ops %d, errors %v", o, err, res.Ops, res.ErrorKinds)
		}
		// Preload makes one revision a key and the cleanup one more; reads none.
		if got := revision(t, cs[0]) - before; got != 501 {
			t.Errorf("%+v: %d revisions, want 500 preload puts and 1 delete", o, got)
		}
		if n := countPrefix(t, cs[0], "/etcdtune/"); n != 0 {
			t.Errorf("%d keys left under the prefix", n)
		}
	}
}

// Cancelling the context ends the load promptly and the result says so.
func TestRunInterrupted(t *testing.T) {
	e := etcdtest.Embedded(t)
	cs := clients(t, 2, e.Endpoints())
	for _, cfg := range []workloads.Config{
		{Clients: 8, Duration: time.Minute},
		{Rate: 500, MaxInflight: 50, Duration: time.Minute},
	} {
		ctx, cancel := context.WithTimeout(t.Context(), 700*time.Millisecond)
		start := time.Now()
		res, err := workloads.Run(ctx, cfg, newPut(t, workloads.PutOptions{Keys: keys(10), ValSize: 8}), cs)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("interrupted run took %v", took)
		}
		if res.EndReason != workloads.EndInterrupted || res.Ops == 0 || res.DurationS > 5 {
			t.Errorf("end %q, ops %d, duration %.1fs", res.EndReason, res.Ops, res.DurationS)
		}
	}
}

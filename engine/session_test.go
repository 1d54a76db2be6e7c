package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads"
)

// A run writes only under its prefix and leaves it empty; keys outside it
// are untouched, and a prefix that holds keys is refused without Force.
func TestSessionPrefixIsolation(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
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
	wl := loadtest.NewPut(t, workloads.PutOptions{Keys: loadtest.Keys(1000), ValSize: 32})
	s := engine.Session{Config: engine.Config{Clients: 8, Total: 2000}, Clients: cs}
	res, err := s.Run(ctx, wl)
	if err != nil || res.Ops != 2000 {
		t.Fatalf("run: %v (%+v)", err, res)
	}
	loadtest.NoKeysLeft(t, cs[0])
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
	if !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), "already holds 1 keys") || !strings.Contains(err.Error(), "etcdtune cleanup") {
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

// Cancelling the context ends the load promptly and the result says so.
func TestRunInterrupted(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	for _, cfg := range []engine.Config{
		{Clients: 8, Duration: time.Minute},
		{Rate: 500, MaxInflight: 50, Duration: time.Minute},
	} {
		ctx, cancel := context.WithTimeout(t.Context(), 700*time.Millisecond)
		start := time.Now()
		res, err := engine.Run(ctx, cfg, loadtest.NewPut(t, workloads.PutOptions{Keys: loadtest.Keys(10), ValSize: 8}), cs)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("interrupted run took %v", took)
		}
		if res.EndReason != result.EndInterrupted || res.Ops == 0 || res.DurationS > 5 {
			t.Errorf("end %q, ops %d, duration %.1fs", res.EndReason, res.Ops, res.DurationS)
		}
	}
}

// The open loop keeps its rate: every scheduled send goes out, on time.
func TestOpenLoopKeepsRate(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	wl := loadtest.NewPut(t, workloads.PutOptions{Keys: loadtest.Keys(100), ValSize: 64})
	res := loadtest.Run(t, engine.Config{Rate: 500, MaxInflight: 200, Duration: 2 * time.Second}, wl, cs)
	ol := res.OpenLoop
	if ol == nil || res.Mode != result.ModeOpen {
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

// A key in the range a run writes is refused even with Force, named in the
// error, and keeps its value; a key beside the range survives a forced run
// with its value and mod revision.
func TestSessionKeepsKeysItDidNotCreate(t *testing.T) {
	cs := loadtest.Embedded(t, 1)
	ctx := t.Context()
	keys := loadtest.Keys(1000)
	inside := keys.Key(42)
	if _, err := cs[0].Put(ctx, inside, "mine"); err != nil {
		t.Fatal(err)
	}
	wl := loadtest.NewPut(t, workloads.PutOptions{Keys: keys, ValSize: 32})
	s := engine.Session{Config: engine.Config{Clients: 4, Total: 500}, Clients: cs, Force: true}
	_, err := s.Run(ctx, wl)
	if !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), inside) || !strings.Contains(err.Error(), "etcdtune cleanup --prefix") {
		t.Fatalf("want the run refused naming %q and etcdtune cleanup, got %v", inside, err)
	}
	if resp, err := cs[0].Get(ctx, inside); err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "mine" || resp.Kvs[0].Version != 1 {
		t.Fatalf("the user's key in the range changed: %v %+v", err, resp)
	}
	if _, err := cs[0].Delete(ctx, inside); err != nil {
		t.Fatal(err)
	}
	beside := keys.Prefix + "users/alice" // under the prefix, outside the run's range
	put, err := cs[0].Put(ctx, beside, "mine too")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(ctx, wl); err != nil {
		t.Fatal(err)
	}
	resp, err := cs[0].Get(ctx, keys.Prefix, clientv3.WithPrefix())
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Key) != beside || string(resp.Kvs[0].Value) != "mine too" ||
		resp.Kvs[0].ModRevision != put.Header.Revision {
		t.Errorf("after a forced run the prefix holds %v, want only the user's key as it was", resp.Kvs)
	}
}

// Lease IDs carry etcdtune's mark and the prefix's hash, and only theirs.
func TestLeaseIDMarked(t *testing.T) {
	for _, r := range []int64{0, 1, 1<<35 - 1, -1, 1 << 40} {
		id := engine.LeaseID("/etcdtune/", r)
		if id <= 0 || !engine.LeaseMarked(id) || !engine.LeaseOf(id, "/etcdtune/") || engine.LeaseOf(id, "/other/") {
			t.Errorf("r %d: id %x", r, id)
		}
	}
	for _, id := range []int64{1, 0x694d7a6b3f2c1e05, 1<<62 + 5} {
		if engine.LeaseMarked(id) {
			t.Errorf("%x is not etcdtune's", id)
		}
	}
}

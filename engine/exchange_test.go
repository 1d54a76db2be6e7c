package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/result"
)

// bigResult is a result whose gzipped JSON takes many chunks of a small
// size: a long series of figures that do not compress to nothing.
func bigResult(points int) *result.Result {
	rng := rand.New(rand.NewPCG(1, 2))
	w := &result.Workload{Name: "put", Ops: int64(points) * 100, Params: map[string]any{"agents": 3, "agent_index": 1}}
	for i := range points {
		w.Series = append(w.Series, result.SeriesPoint{T: i + 1, Ops: 100 + rng.Int64N(900), P50Ms: rng.Float64(), P99Ms: 10 * rng.Float64(), MaxMs: 100 * rng.Float64()})
	}
	return &result.Result{Schema: result.Schema, Command: "etcdtune bench put", EndReason: result.EndCompleted, Workloads: []*result.Workload{w}}
}

func jsonOf(t *testing.T, r *result.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := result.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A result bigger than a chunk goes through etcd in chunks and comes back
// the same; until its manifest is there a reader sees nothing; etcdtune
// cleanup would find its keys and lease; Remove leaves no key and no lease.
func TestResultChunksRoundTrip(t *testing.T) {
	c := loadtest.Embedded(t, 1)[0]
	ctx := t.Context()
	rr := engine.RunResults{Prefix: "/etcdtune/", Run: 1}
	const chunk = 4 << 10
	res := bigResult(5000)

	if p, err := rr.Read(ctx, c, 1); p != nil || err != nil {
		t.Fatalf("before publishing: %v %v, want nothing", p, err)
	}
	if err := rr.CheckFree(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := rr.Publish(ctx, c, 1, res, 60, chunk); err != nil {
		t.Fatal(err)
	}
	keys, err := c.Get(ctx, rr.Dir(), clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	if len(keys.Kvs) < 4 {
		t.Fatalf("%d keys under %s: want several chunks and a manifest", len(keys.Kvs), rr.Dir())
	}
	var size int
	for _, kv := range keys.Kvs {
		if len(kv.Value) > chunk {
			t.Errorf("%s holds %d bytes, over the chunk size %d", kv.Key, len(kv.Value), chunk)
		}
		if kv.Lease == 0 || !engine.LeaseOf(kv.Lease, engine.BarrierPrefix(rr.Prefix, rr.Run)) {
			t.Errorf("%s is on lease %x, want one marked for the barrier", kv.Key, kv.Lease)
		}
		if !strings.HasSuffix(string(kv.Key), "complete") {
			size += len(kv.Value)
		}
	}
	last := keys.Kvs[len(keys.Kvs)-1]
	if !strings.HasSuffix(string(last.Key), "/complete") || last.ModRevision != keys.Header.Revision {
		t.Errorf("the last key put is %s at %d (head %d), want the manifest", last.Key, last.ModRevision, keys.Header.Revision)
	}

	l, err := engine.FindLeftovers(ctx, c, rr.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	if l.Counts[engine.ShapeResult] != int64(len(keys.Kvs)) || len(l.Leases) != 1 {
		t.Errorf("cleanup would find %v and %d leases, want %d result keys and 1 lease", l.Counts, len(l.Leases), len(keys.Kvs))
	}
	if err := rr.CheckFree(ctx, c); !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), "etcdtune cleanup") {
		t.Errorf("a run over published results: %v, want bad input naming etcdtune cleanup", err)
	}

	p, err := rr.Read(ctx, c, 1)
	if err != nil || p == nil {
		t.Fatalf("read: %v %v", p, err)
	}
	if !bytes.Equal(jsonOf(t, p.Result), jsonOf(t, res)) {
		t.Error("the result read back differs from the one published")
	}
	if p.Bytes != size {
		t.Errorf("read %d bytes, the chunks hold %d", p.Bytes, size)
	}
	t.Logf("%d series points: %d bytes of JSON, %d gzipped in %d chunks of at most %d", len(res.Workloads[0].Series),
		len(jsonOf(t, res)), size, len(keys.Kvs)-1, chunk)

	// The same agent again is refused, and its half-published try leaves
	// nothing: its lease is revoked.
	if err := rr.Publish(ctx, c, 1, res, 60, chunk); !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), "already there") {
		t.Errorf("publishing agent 1 twice: %v, want bad input", err)
	}
	if leases, _ := c.Leases(ctx); len(leases.Leases) != 1 {
		t.Errorf("%d leases after the refused publish, want agent 1's only", len(leases.Leases))
	}

	if err := p.Remove(ctx, c); err != nil {
		t.Fatal(err)
	}
	loadtest.NoKeysLeft(t, c)
	loadtest.NoLeasesLeft(t, c)
}

// A result whose chunks are not what its manifest says is refused, not
// merged; Remove deletes only the revisions it read.
func TestResultCorruptionRefused(t *testing.T) {
	c := loadtest.Embedded(t, 1)[0]
	ctx := t.Context()
	rr := engine.RunResults{Prefix: "/etcdtune/", Run: 2}
	if err := rr.Publish(ctx, c, 2, bigResult(2000), 60, 2<<10); err != nil {
		t.Fatal(err)
	}
	chunk := rr.Dir() + "2/000001"
	got, err := c.Get(ctx, chunk)
	if err != nil || len(got.Kvs) != 1 {
		t.Fatalf("chunk %s: %v", chunk, err)
	}
	v := append([]byte(nil), got.Kvs[0].Value...)
	v[10] ^= 0xff
	if _, err := c.Put(ctx, chunk, string(v), clientv3.WithLease(clientv3.LeaseID(got.Kvs[0].Lease))); err != nil {
		t.Fatal(err)
	}
	p, err := rr.Read(ctx, c, 2)
	if err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("a changed chunk: %v, want the sha256 refused", err)
	}
	if err := p.Remove(ctx, c); err != nil {
		t.Fatal(err)
	}
	loadtest.NoKeysLeft(t, c)
	loadtest.NoLeasesLeft(t, c)

	// A manifest with no chunks under it (they vanished) says so.
	if _, err := c.Put(ctx, rr.Dir()+"3/complete", `{"chunks":1,"size":5,"sha256":"x","encoding":"gzip+json"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := rr.Read(ctx, c, 3); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a manifest without its chunk: %v", err)
	}
}

// Result keys a killed run left under the barrier prefix are not entries:
// the barrier does not release one agent of two on them.
func TestBarrierIgnoresResults(t *testing.T) {
	c := loadtest.Embedded(t, 1)[0]
	rr := engine.RunResults{Prefix: "/etcdtune/", Run: 1}
	if err := rr.Publish(t.Context(), c, 1, bigResult(10), 60, 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	b, _, err := engine.WaitBarrier(ctx, c, engine.BarrierPrefix(rr.Prefix, rr.Run), engine.Agents{Count: 2, Index: 0})
	if err == nil {
		b.Close()
		t.Fatal("the barrier released one agent of two")
	}
	if !strings.Contains(err.Error(), "1 of 2 agents entered") {
		t.Errorf("barrier: %v", err)
	}
}

// RoundTrip gives agent 0's own result the types the others' have after
// JSON (an int param becomes a float64), so that merge compares like with
// like.
func TestRoundTripTypes(t *testing.T) {
	r, err := engine.RoundTrip(bigResult(3))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := r.Workloads[0].Params["agents"].(float64); !ok || v != 3 {
		t.Errorf("agents param after the round trip: %T %v", r.Workloads[0].Params["agents"], r.Workloads[0].Params["agents"])
	}
	var m map[string]any
	if err := json.Unmarshal(jsonOf(t, r), &m); err != nil {
		t.Fatal(err)
	}
}

// An agent whose run failed says so with a manifest of no chunks: agent 0
// reads the reason at once instead of waiting for its timeout, and removes
// it like a result.
func TestResultFailureRead(t *testing.T) {
	c := loadtest.Embedded(t, 1)[0]
	rr := engine.RunResults{Prefix: "/etcdtune/", Run: 1}
	if err := rr.PublishFailure(t.Context(), c, 2, "prepare: target lost", 60); err != nil {
		t.Fatal(err)
	}
	p, err := rr.Read(t.Context(), c, 2)
	if err == nil || err.Error() != "agent 2's run failed: prepare: target lost" || p == nil {
		t.Fatalf("read: %v %v", p, err)
	}
	if err := p.Remove(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	loadtest.NoKeysLeft(t, c)
	loadtest.NoLeasesLeft(t, c)
}

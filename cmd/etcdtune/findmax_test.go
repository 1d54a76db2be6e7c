package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/internal/netdelay"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

// throttledEtcd is an embedded etcd behind a proxy that passes 200 KB/s
// toward it: a put of 256 bytes and its framing is about 330 bytes, so the
// server holds some 600 puts/s, set by the proxy and not by this machine's
// load (the embedded etcd alone takes ten times that).
func throttledEtcd(t *testing.T) string {
	t.Helper()
	ep := etcdtest.Embedded(t).Endpoints()[0]
	p, err := netdelay.StartLimited(strings.TrimPrefix(ep, "http://"), 0, 200e3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p.Addr()
}

// benchJSON runs a bench that must succeed and returns its result.
func benchJSON(t *testing.T, args ...string) *result.Result {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	r := etcdtune(t, nil, append(args, "--out", out, "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("%s: exit %d, stderr %s", args, r.code, r.stderr)
	}
	res, err := result.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The search finds the capacity the proxy sets: within 15% of the
// throughput a closed loop of many clients gets through the same proxy,
// and five searches fall within 10% of their median.
func TestFindMaxFindsAKnownCapacity(t *testing.T) {
	addr := throttledEtcd(t)
	closed := benchJSON(t, "bench", "put", "--endpoints", addr, "--no-guard", "--clients", "64", "--duration", "3s", "--warmup", "1s")
	limit := closed.Workloads[0].ThroughputOpsS
	t.Logf("closed loop through the proxy: %.0f puts/s", limit)
	runs := 5
	if testing.Short() {
		runs = 1
	}
	var found []float64
	for i := range runs {
		start := time.Now()
		// A lax SLO (the closed loop of 64 clients sees about 100 ms), so the
		// throughput is the limit: past it the queue
		// grows and the p99 from the intended send time with it.
		res := benchJSON(t, "bench", "put", "--endpoints", addr, "--no-guard", "--find-max", "--slo", "p99=100ms,p999=1s",
			"--start-rate", fmt.Sprint(int(limit*3/4)), "--step", "1s", "--step-warmup", "500ms", "--precision", "5%",
			"--max-steps", "14", "--max-inflight", "2000", "--prefix", fmt.Sprintf("/fm%d/", i))
		c := res.Workloads[0].Capacity
		if c == nil {
			t.Fatalf("no capacity in the result")
		}
		t.Logf("search %d: %.0f puts/s, limited by %s, %d steps, %v", i+1, c.MaxRateOpsS, c.LimitedBy, len(c.Steps), time.Since(start).Round(time.Second))
		if c.LimitedBy != result.LimitedBySLO || c.LowerBound || c.StepS != 1 || c.WarmupS != 0.5 {
			t.Errorf("search %d: limited by %s, lower bound %v, step %v/%v s; want slo; steps %+v", i+1, c.LimitedBy, c.LowerBound, c.StepS, c.WarmupS, c.Steps)
		}
		if c.MaxRateOpsS < 0.85*limit || c.MaxRateOpsS > 1.15*limit {
			t.Errorf("search %d found %.0f puts/s, want within 15%% of the proxy's %.0f", i+1, c.MaxRateOpsS, limit)
		}
		found = append(found, c.MaxRateOpsS)
	}
	slices.Sort(found)
	median := found[len(found)/2]
	for _, f := range found {
		if f < 0.9*median || f > 1.1*median {
			t.Errorf("capacities %v: %.0f is not within 10%% of their median %.0f", found, f, median)
		}
	}
	t.Logf("capacities %v, median %.0f, spread %+.1f%% to %+.1f%%", found, median, 100*(found[0]/median-1), 100*(found[len(found)-1]/median-1))
}

// Two requests in flight against a 40 ms round trip carry at most 50/s:
// the generator is the limit, and the result and the text say so, a lower
// bound and not the server's capacity.
func TestFindMaxGeneratorLimit(t *testing.T) {
	ep := etcdtest.Embedded(t).Endpoints()[0]
	p, err := netdelay.Start(strings.TrimPrefix(ep, "http://"), 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	out := filepath.Join(t.TempDir(), "r.json")
	r := etcdtune(t, nil, "bench", "put", "--endpoints", p.Addr(), "--no-guard", "--find-max", "--max-inflight", "2", "--conns", "1",
		"--slo", "p99=500ms,p999=1s", "--start-rate", "20", "--step", "1s", "--step-warmup", "500ms", "--max-steps", "5", "--precision", "20%", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	res, err := result.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Workloads[0].Capacity
	if c == nil || c.LimitedBy != result.LimitedByGenerator || !c.LowerBound {
		t.Fatalf("capacity %+v, want limited by the generator, a lower bound", c)
	}
	if !strings.Contains(r.stdout, "LOWER BOUND") || strings.Contains(r.stdout, "the cluster's capacity") {
		t.Errorf("the text must call the figure a lower bound:\n%s", r.stdout)
	}
}

// The search's flags refuse what they cannot honour, and the closed-loop
// flags that contradict --find-max, naming the flag to use instead.
func TestFindMaxBadInput(t *testing.T) {
	assertRefused(t, []string{"bench", "put"}, []refusedArgs{
		{[]string{"--find-max", "--slo", "p99"}, "--slo"},
		{[]string{"--find-max", "--slo", "p99=fast"}, "--slo"},
		{[]string{"--find-max", "--slo", "p95=10ms"}, "unknown limit"},
		{[]string{"--find-max", "--precision", "0"}, "--precision"},
		{[]string{"--find-max", "--precision", "60%"}, "--precision"},
		{[]string{"--find-max", "--precision", "five"}, "--precision"},
		{[]string{"--find-max", "--rate", "100"}, "use --start-rate"},
		{[]string{"--find-max", "--clients", "8"}, "use --max-inflight"},
		{[]string{"--find-max", "--duration", "5s"}, "use --step"},
		{[]string{"--find-max", "--total", "500"}, "use --step"},
		{[]string{"--find-max", "--warmup", "1s"}, "use --step-warmup"},
		{[]string{"--find-max", "--step", "0s"}, "--step"},
		{[]string{"--find-max", "--max-steps", "1"}, "--max-steps"},
		{[]string{"--find-max", "--start-rate", "1000", "--max-rate", "100"}, "--max-rate"},
		{[]string{"--slo", "p99=10ms"}, "--slo is for --find-max"},
	})
	assertRefused(t, nil, []refusedArgs{
		{[]string{"bench", "range", "--find-max", "--rate", "10"}, "use --start-rate"},
		{[]string{"bench", "txn", "--find-max", "--precision", "51"}, "--precision"},
		{[]string{"bench", "mixed", "--find-max", "--slo", "latency=1ms"}, "unknown limit"},
		{[]string{"bench", "watch", "--find-max"}, "find-max"},
		{[]string{"bench", "lease", "--find-max"}, "find-max"},
	})
}

// An interrupted search still writes what it found (the test runs the
// binary: Ctrl-C is a signal).
func TestFindMaxInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	cmd := binaryCommand(t, nil, "bench", "put", "--find-max", "--step", "1s", "--step-warmup", "200ms", "--out", out, "-o", "json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	interruptAfter(t, cmd, 8*time.Second, 20*time.Second, &stderr)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res result.Result
	if err := json.Unmarshal(b, &res); err != nil || len(res.Workloads) != 1 {
		t.Fatalf("result %v: %s", err, b)
	}
	c := res.Workloads[0].Capacity
	if res.EndReason != result.EndInterrupted || c == nil || c.LimitedBy != result.EndInterrupted || !c.LowerBound || len(c.Steps) == 0 {
		t.Errorf("end %s, capacity %+v", res.EndReason, c)
	}
}

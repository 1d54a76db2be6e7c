package reports

import (
	"strings"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/etcdtune/etcdtune/result"
)

// agentResult is one agent's result of a put run whose latencies (µs) are
// lat, started at start, with a second of series per latency.
func agentResult(index int, start time.Time, lat ...int64) *result.Result {
	h := hdr.New(1, 60_000_000, 3)
	var series []result.SeriesPoint
	for i, l := range lat {
		h.RecordValue(l)
		series = append(series, result.SeriesPoint{T: i + 1, Ops: 1})
	}
	w := &result.Workload{Name: "put", Mode: result.ModeOpen, TargetRate: 100, EndReason: result.EndCompleted,
		StartedAt: start.Format(time.RFC3339Nano), Ops: int64(len(lat)), ThroughputOpsS: 10,
		Params: map[string]any{"prefix": "/p/agent-" + string(rune('0'+index)) + "/", "key_size": 8.0,
			ParamAgents: 3.0, ParamAgentIndex: float64(index), ParamBarrierReleased: start.Format(time.RFC3339Nano)},
		Histogram: result.EncodeHistogram(h), LatencyMs: result.Summarize(h), Series: series}
	return &result.Result{Schema: result.Schema, StartedAt: w.StartedAt, EndedAt: w.StartedAt, EndReason: result.EndCompleted, Workloads: []*result.Workload{w}}
}

func TestMergeIsExact(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rs := []*result.Result{
		agentResult(0, t0, 1000, 2000, 3000),
		agentResult(1, t0.Add(20*time.Millisecond), 100_000),
		agentResult(2, t0.Add(time.Second), 500, 600),
	}
	m, err := Merge(rs)
	if err != nil {
		t.Fatal(err)
	}
	w := m.Workloads[0]
	union := hdr.New(1, 60_000_000, 3)
	for _, v := range []int64{1000, 2000, 3000, 100_000, 500, 600} {
		union.RecordValue(v)
	}
	if w.Ops != 6 || w.TargetRate != 300 || w.ThroughputOpsS != 30 {
		t.Errorf("ops %d, target %v, throughput %v; want 6, 300, 30", w.Ops, w.TargetRate, w.ThroughputOpsS)
	}
	if w.LatencyMs != result.Summarize(union) {
		t.Errorf("merged latencies %+v, want the union's %+v", w.LatencyMs, result.Summarize(union))
	}
	// Agent 2 started a second later: its first second is the others' second.
	want := map[int]int64{1: 2, 2: 2, 3: 2}
	for _, p := range w.Series {
		if want[p.T] != p.Ops {
			t.Errorf("series second %d: %d ops, want %d", p.T, p.Ops, want[p.T])
		}
	}
	if got := w.Params[ParamBarrierSpreadMs]; got != 1000.0 {
		t.Errorf("barrier spread %v ms, want 1000", got)
	}
	if _, ok := w.Params["prefix"]; ok {
		t.Errorf("merged params keep an agent's prefix: %v", w.Params)
	}
}

func TestMergeRefusesOtherWorkloads(t *testing.T) {
	t0 := time.Now()
	other := agentResult(1, t0, 1)
	other.Workloads[0].Name = "range"
	params := agentResult(1, t0, 1)
	params.Workloads[0].Params["key_size"] = 9.0
	cases := []struct {
		name string
		rs   []*result.Result
		err  string
	}{
		{"other workload", []*result.Result{agentResult(0, t0, 1), other}, "not the same workload"},
		{"other params", []*result.Result{agentResult(0, t0, 1), params}, "other parameters"},
		{"same agent twice", []*result.Result{agentResult(0, t0, 1), agentResult(0, t0, 2)}, "agent 0 again"},
		{"one result", []*result.Result{agentResult(0, t0, 1)}, "at least two"},
	}
	for _, c := range cases {
		if _, err := Merge(c.rs); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		}
	}
}

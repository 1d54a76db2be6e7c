package reports

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"sort"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/etcdtune/etcdtune/result"
)

// Params a distributed run adds to each agent's workload result.
const (
	ParamAgents          = "agents"
	ParamAgentIndex      = "agent_index"
	ParamBarrierReleased = "barrier_released_at" // when this agent saw all agents at the start barrier
	// ParamBarrierSpreadMs is set by Merge: the latest release minus the
	// earliest, how closely the agents started.
	ParamBarrierSpreadMs = "barrier_spread_ms"
)

// perAgent are the params that differ between the agents of one workload.
var perAgent = []string{"prefix", ParamAgentIndex, ParamBarrierReleased}

// Merge joins the results of several agents that drove the same workloads
// at the same time into one result: counts and rates added, histograms
// merged exactly (so the merged p99 is the p99 of every request), series
// summed per second after aligning them on their start times.
func Merge(rs []*result.Result) (*result.Result, error) {
	if len(rs) < 2 {
		return nil, fmt.Errorf("merge needs at least two results, got %d", len(rs))
	}
	if err := sameShape(rs); err != nil {
		return nil, err
	}
	out := *rs[0]
	out.Workloads = nil
	out.Advice = nil
	out.Command = "etcdtune merge"
	for _, r := range rs[1:] {
		out.StartedAt = minTime(out.StartedAt, r.StartedAt)
		out.EndedAt = maxTime(out.EndedAt, r.EndedAt)
		if r.EndReason != result.EndCompleted {
			out.EndReason = r.EndReason
		}
	}
	for i := range rs[0].Workloads {
		ws := make([]*result.Workload, len(rs))
		for j, r := range rs {
			ws[j] = r.Workloads[i]
		}
		m, err := mergeWorkload(ws)
		if err != nil {
			return nil, err
		}
		out.Workloads = append(out.Workloads, m)
	}
	return &out, nil
}

// sameShape refuses results that are not agents of one benchmark: other
// workloads, other parameters, or the same agent twice.
func sameShape(rs []*result.Result) error {
	first := rs[0]
	agents := map[any]bool{}
	for i, r := range rs {
		if len(r.Workloads) != len(first.Workloads) {
			return fmt.Errorf("result %d has %d workloads, result 1 has %d: not the same benchmark", i+1, len(r.Workloads), len(first.Workloads))
		}
		for k, w := range r.Workloads {
			f := first.Workloads[k]
			if w.Name != f.Name || w.Mode != f.Mode {
				return fmt.Errorf("result %d runs %s (%s loop) where result 1 runs %s (%s loop): not the same workload", i+1, w.Name, w.Mode, f.Name, f.Mode)
			}
			if p, q := sharedParams(w.Params), sharedParams(f.Params); !reflect.DeepEqual(p, q) {
				return fmt.Errorf("result %d's %s has other parameters than result 1's (%v vs %v): not the same workload", i+1, w.Name, p, q)
			}
			if k == 0 {
				idx, ok := w.Params[ParamAgentIndex]
				if ok && agents[idx] {
					return fmt.Errorf("result %d is agent %v again: each agent's result must be merged once", i+1, idx)
				}
				agents[idx] = ok
			}
		}
	}
	return nil
}

func sharedParams(p map[string]any) map[string]any {
	q := maps.Clone(p)
	for _, k := range perAgent {
		delete(q, k)
	}
	return q
}

func mergeWorkload(ws []*result.Workload) (*result.Workload, error) {
	m := *ws[0]
	m.Params = sharedParams(ws[0].Params)
	m.ErrorKinds = map[string]int64{}
	m.Counters = nil
	m.Kinds = nil
	m.Series = nil
	m.Warnings = nil
	m.OpenLoop, m.K8s, m.Lease, m.Watch = nil, nil, nil, nil
	m.Ops, m.Errors, m.WarmupOps, m.WarmupErrors, m.TargetRate, m.ThroughputOpsS = 0, 0, 0, 0, 0, 0
	for i, w := range ws {
		m.StartedAt = minTime(m.StartedAt, w.StartedAt)
		m.DurationS = math.Max(m.DurationS, w.DurationS)
		m.Ops += w.Ops
		m.Errors += w.Errors
		m.WarmupOps += w.WarmupOps
		m.WarmupErrors += w.WarmupErrors
		m.TargetRate += w.TargetRate
		m.ThroughputOpsS += w.ThroughputOpsS
		addCounts(m.ErrorKinds, w.ErrorKinds)
		if len(w.Counters) > 0 {
			m.Counters = addCounts(m.Counters, w.Counters)
		}
		if w.EndReason != result.EndCompleted {
			m.EndReason = w.EndReason
		}
		for _, s := range w.Warnings {
			m.Warnings = append(m.Warnings, fmt.Sprintf("agent %d: %s", i, s))
		}
	}
	if err := mergeHistograms(&m, ws); err != nil {
		return nil, err
	}
	m.Series = mergeSeries(ws)
	if spread, ok := barrierSpread(ws); ok {
		m.Params[ParamBarrierSpreadMs] = spread
	}
	if ws[0].Watch != nil || ws[0].K8s != nil || ws[0].Lease != nil {
		m.Warnings = append(m.Warnings, "merge: the workload's own figures (watch, k8s, lease expiry) are per agent and not merged; see the agents' results")
	}
	return &m, nil
}

func addCounts(dst, src map[string]int64) map[string]int64 {
	if dst == nil {
		dst = map[string]int64{}
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}

// mergeHistograms merges the latency, service and per-kind histograms and
// recomputes the summaries from them.
func mergeHistograms(m *result.Workload, ws []*result.Workload) error {
	lat, err := mergeEncoded(ws, func(w *result.Workload) string { return w.Histogram })
	if err != nil {
		return err
	}
	m.Histogram, m.LatencyMs = result.EncodeHistogram(lat), result.Summarize(lat)
	m.ServiceHistogram, m.ServiceLatencyMs = "", nil
	if ws[0].ServiceHistogram != "" {
		svc, err := mergeEncoded(ws, func(w *result.Workload) string { return w.ServiceHistogram })
		if err != nil {
			return err
		}
		sum := result.Summarize(svc)
		m.ServiceHistogram, m.ServiceLatencyMs = result.EncodeHistogram(svc), &sum
	}
	for kind := range ws[0].Kinds {
		h, err := mergeEncoded(ws, func(w *result.Workload) string { return w.Kinds[kind].Histogram })
		if err != nil {
			return err
		}
		ks := result.KindStat{LatencyMs: result.Summarize(h), Histogram: result.EncodeHistogram(h)}
		for _, w := range ws {
			ks.Ops += w.Kinds[kind].Ops
			ks.Errors += w.Kinds[kind].Errors
		}
		if m.Kinds == nil {
			m.Kinds = map[string]result.KindStat{}
		}
		m.Kinds[kind] = ks
	}
	return nil
}

// mergeEncoded decodes each agent's histogram and merges them: HdrHistogram
// adds bucket counts, so nothing is lost or approximated.
func mergeEncoded(ws []*result.Workload, get func(*result.Workload) string) (*hdr.Histogram, error) {
	var sum *hdr.Histogram
	for i, w := range ws {
		enc := get(w)
		if enc == "" {
			return nil, fmt.Errorf("result %d's %s has no histogram to merge", i+1, w.Name)
		}
		h, err := result.DecodeHistogram(enc)
		if err != nil {
			return nil, fmt.Errorf("result %d's %s: histogram: %w", i+1, w.Name, err)
		}
		if sum == nil {
			sum = h
			continue
		}
		if dropped := sum.Merge(h); dropped > 0 {
			return nil, fmt.Errorf("result %d's %s: %d latencies outside the histogram's range", i+1, w.Name, dropped)
		}
	}
	return sum, nil
}

// mergeSeries sums the agents' per-second points after shifting each by
// its start's distance from the earliest start, rounded to the second.
// Ops and errors add up exactly; a second's p50, p99, p99.9 and max are the
// largest of the agents' (the per-second histograms are not kept, so this
// is an upper bound, never an understatement).
func mergeSeries(ws []*result.Workload) []result.SeriesPoint {
	t0 := ws[0].StartedAt
	for _, w := range ws {
		t0 = minTime(t0, w.StartedAt)
	}
	byT := map[int]*result.SeriesPoint{}
	for _, w := range ws {
		shift := secondsBetween(t0, w.StartedAt)
		for _, p := range w.Series {
			t := p.T + shift
			q := byT[t]
			if q == nil {
				q = &result.SeriesPoint{T: t}
				byT[t] = q
			}
			q.Ops += p.Ops
			q.Errors += p.Errors
			q.P50Ms, q.P99Ms, q.P999Ms, q.MaxMs = math.Max(q.P50Ms, p.P50Ms), math.Max(q.P99Ms, p.P99Ms), math.Max(q.P999Ms, p.P999Ms), math.Max(q.MaxMs, p.MaxMs)
		}
	}
	out := make([]result.SeriesPoint, 0, len(byT))
	for _, p := range byT {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].T < out[j].T })
	return out
}

// barrierSpread is the time between the first and the last agent's
// release from the start barrier, in milliseconds.
func barrierSpread(ws []*result.Workload) (float64, bool) {
	var lo, hi time.Time
	for _, w := range ws {
		s, _ := w.Params[ParamBarrierReleased].(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return 0, false
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	return float64(hi.Sub(lo).Microseconds()) / 1000, true
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func secondsBetween(from, to string) int {
	return int(math.Round(parseTime(to).Sub(parseTime(from)).Seconds()))
}

func minTime(a, b string) string {
	if parseTime(b).Before(parseTime(a)) {
		return b
	}
	return a
}

func maxTime(a, b string) string {
	if parseTime(b).After(parseTime(a)) {
		return b
	}
	return a
}

package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/etcdtune/etcdtune/internal/namevalue"
	"github.com/etcdtune/etcdtune/result"
)

// Alpha is the significance level of compare: a difference whose
// Mann-Whitney U test gives p >= Alpha is reported as noise (`~`).
const Alpha = 0.05

// confidence of the median intervals compare prints.
const confidence = 0.95

// A Metric is one figure compare reads from each workload result.
type Metric struct {
	Name           string
	Unit           string
	HigherIsBetter bool
	// Points: the gate's limit for this metric is in percentage points of
	// the value rather than in percent of it (an error rate going from 0%
	// to 0.1% is an infinite relative change but a small one).
	Points bool
	// value returns the figure, or false when the workload has none.
	value func(*result.Workload) (float64, bool)
	// seconds returns the figure's per-second values and their weights
	// (nil: equal), or why the series holds none.
	seconds func(*result.Workload) (values, weights []float64, missing string)
}

// Metrics are the figures compare reports, in the order it prints them.
var Metrics = []Metric{
	{Name: "throughput", Unit: "ops/s", HigherIsBetter: true, value: func(w *result.Workload) (float64, bool) { return w.ThroughputOpsS, true },
		seconds: perSecond(func(p result.SeriesPoint) (float64, float64) { return float64(p.Ops), 1 })},
	{Name: "p50", Unit: "ms", value: func(w *result.Workload) (float64, bool) { return w.LatencyMs.P50, w.Ops > 0 },
		seconds: perSecond(func(p result.SeriesPoint) (float64, float64) { return p.P50Ms, float64(p.Ops) })},
	{Name: "p99", Unit: "ms", value: func(w *result.Workload) (float64, bool) { return w.LatencyMs.P99, w.Ops > 0 },
		seconds: perSecond(func(p result.SeriesPoint) (float64, float64) { return p.P99Ms, float64(p.Ops) })},
	{Name: "p999", Unit: "ms", value: func(w *result.Workload) (float64, bool) { return w.LatencyMs.P999, w.Ops > 0 },
		seconds: p999Seconds},
	{Name: "error_rate", Unit: "%", Points: true, value: errorRate,
		seconds: perSecond(func(p result.SeriesPoint) (float64, float64) {
			if p.Ops == 0 {
				return 0, 0
			}
			return 100 * float64(p.Errors) / float64(p.Ops), float64(p.Ops)
		})},
	{Name: "watch_p99", Unit: "ms", value: func(w *result.Workload) (float64, bool) {
		if w.Watch == nil {
			return 0, false
		}
		return w.Watch.DeliveryMs.P99, true
	}, seconds: func(*result.Workload) ([]float64, []float64, string) {
		return nil, nil, "the watch delivery latency has no per-second series"
	}},
}

// perSecond reads a metric's value and weight from each second.
func perSecond(of func(result.SeriesPoint) (value, weight float64)) func(*result.Workload) ([]float64, []float64, string) {
	return func(w *result.Workload) ([]float64, []float64, string) {
		values, weights := make([]float64, len(w.Series)), make([]float64, len(w.Series))
		for i, p := range w.Series {
			values[i], weights[i] = of(p)
		}
		return values, weights, ""
	}
}

// p999Seconds is the per-second p99.9, which results of etcdtune 0.x
// before it was recorded lack.
func p999Seconds(w *result.Workload) ([]float64, []float64, string) {
	values, weights, _ := perSecond(func(p result.SeriesPoint) (float64, float64) { return p.P999Ms, float64(p.Ops) })(w)
	for i, p := range w.Series {
		if p.Ops > 0 && values[i] == 0 {
			return nil, nil, "the per-second series of these results has no p99.9 (written by an older etcdtune)"
		}
	}
	return values, weights, ""
}

func errorRate(w *result.Workload) (float64, bool) {
	if w.Ops == 0 {
		return 0, true
	}
	return 100 * float64(w.Errors) / float64(w.Ops), true
}

// metricAliases are other spellings the gate accepts.
var metricAliases = map[string]string{"p99.9": "p999", "errors": "error_rate", "delivery_p99": "watch_p99"}

// MetricNames lists the metric names compare and its gate know.
func MetricNames() []string {
	var names []string
	for _, m := range Metrics {
		names = append(names, m.Name)
	}
	return names
}

// Gate is the largest regression allowed per metric: percent of the base
// value, or percentage points for an error rate.
type Gate map[string]float64

// ParseGate reads "throughput=5%,p99=10%": metric names and limits.
func ParseGate(s string) (Gate, error) {
	g := Gate{}
	for _, item := range namevalue.Split(s) {
		name, val, ok, part := item.Name, item.Value, item.HasValue, item.Text
		if a, ok := metricAliases[name]; ok {
			name = a
		}
		if !slices.Contains(MetricNames(), name) {
			return nil, fmt.Errorf("--max-regression: unknown metric %q; use %s", name, strings.Join(MetricNames(), ", "))
		}
		var pct float64
		if _, err := fmt.Sscanf(strings.TrimSpace(val), "%g%%", &pct); !ok || err != nil || pct < 0 || math.IsNaN(pct) {
			return nil, fmt.Errorf("--max-regression: %q: give a limit such as %s=10%%", part, name)
		}
		g[name] = pct
	}
	return g, nil
}

// Stat is one side of a comparison: the median of the runs and its
// confidence interval (benchmath's, distribution-free).
// With few runs the interval is unbounded (at 95%, a median needs 6 runs
// for finite bounds): Lo is -Inf and Hi +Inf, null in JSON.
type Stat struct {
	Median float64   `json:"median"`
	Lo     float64   `json:"-"`
	Hi     float64   `json:"-"`
	N      int       `json:"n"`
	Values []float64 `json:"values"`
}

// MarshalJSON writes the interval's bounds, null where unbounded.
func (s Stat) MarshalJSON() ([]byte, error) {
	type plain Stat
	return json.Marshal(struct {
		plain
		Lo *float64 `json:"ci_lo"`
		Hi *float64 `json:"ci_hi"`
	}{plain(s), finite(s.Lo), finite(s.Hi)})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (s *Stat) UnmarshalJSON(b []byte) error {
	type plain Stat
	v := struct {
		*plain
		Lo *float64 `json:"ci_lo"`
		Hi *float64 `json:"ci_hi"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	s.Lo, s.Hi = math.Inf(-1), math.Inf(1)
	if v.Lo != nil {
		s.Lo = *v.Lo
	}
	if v.Hi != nil {
		s.Hi = *v.Hi
	}
	return nil
}

func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

// Verdicts of a comparison row.
const (
	VerdictSame       = "~"          // no significant difference
	VerdictBetter     = "better"     // significant, in the good direction
	VerdictWorse      = "worse"      // significant, bad, within the gate (or no gate)
	VerdictRegression = "regression" // significant, bad, past the gate
)

// Row compares one metric of one workload.
type Row struct {
	Workload string   `json:"workload"`
	Metric   string   `json:"metric"`
	Unit     string   `json:"unit"`
	Base     Stat     `json:"base"`
	New      Stat     `json:"new"`
	DeltaPct float64  `json:"delta_pct"` // change of the median, percent of the base (NaN-free: 0 when both are 0)
	DeltaPts float64  `json:"delta_points,omitempty"`
	P        float64  `json:"p"`
	Verdict  string   `json:"verdict"`
	Limit    *float64 `json:"gate,omitempty"` // the gate's limit, when it names this metric
	// Evidence is what the p-value rests on: EvidenceBetween,
	// EvidenceWithin or EvidenceNone; Method says how, in words.
	Evidence string `json:"evidence"`
	Method   string `json:"method,omitempty"`
	// DeltaLo and DeltaHi bound the change (percent, or points for an
	// error rate) at 95%, where the evidence gives an interval.
	DeltaLo *float64 `json:"delta_ci_lo,omitempty"`
	DeltaHi *float64 `json:"delta_ci_hi,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// What a row's verdict rests on.
const (
	// EvidenceBetween: enough runs a side for Mann-Whitney U over the runs.
	EvidenceBetween = "between runs"
	// EvidenceWithin: the runs' per-second series (batch means, Welch's
	// t), with the spread between runs where a side has enough of them.
	EvidenceWithin = "within runs"
	// EvidenceNone: too few runs and no usable series; nothing can be
	// significant.
	EvidenceNone = "none"
)

// Comparison is what compare found: a row per workload and metric.
type Comparison struct {
	Alpha float64 `json:"alpha"`
	// Source says which runs the base side is, when a folder of past
	// results or --base-last chose them.
	Source string `json:"base_source,omitempty"`
	Rows   []Row  `json:"rows"`
}

// Regressions are the rows past the gate.
func (c *Comparison) Regressions() []Row {
	var out []Row
	for _, r := range c.Rows {
		if r.Verdict == VerdictRegression {
			out = append(out, r)
		}
	}
	return out
}

package reports

import (
	"fmt"
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/etcdtune/etcdtune/result"
)

// Compare compares base runs with new runs of the same workloads: per
// workload and metric, the medians with their confidence intervals, the
// change and its p-value, and a verdict. With enough runs a side the test
// is between the runs: Mann-Whitney U (benchmath, as benchstat does it).
// With fewer, the one CI jobs make, it is within the runs: their
// per-second series (package evidence). A difference counts only when
// p < Alpha; a significant change for the worse past the gate is a
// regression. The runs must be of one schema and hold the same workloads,
// in the same order.
func Compare(base, new []*result.Result, gate Gate) (*Comparison, error) {
	if len(base) == 0 || len(new) == 0 {
		return nil, fmt.Errorf("compare needs at least one base and one new result")
	}
	names, err := matchRuns(base, new)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Alpha: Alpha}
	for i, name := range names {
		bw, nw := workloadsAt(base, i), workloadsAt(new, i)
		for _, m := range Metrics {
			bv, ok1 := values(bw, m)
			nv, ok2 := values(nw, m)
			if !ok1 || !ok2 {
				continue
			}
			r := newRow(name, m, bv, nv, gate)
			if betweenRunsSuffice(len(bv), len(nv)) {
				judgeBetweenRuns(&r, bv, nv)
			} else {
				judgeWithinRuns(&r, m, bw, nw, bv, nv)
			}
			decide(&r, m)
			c.Rows = append(c.Rows, r)
		}
	}
	return c, nil
}

// matchRuns refuses runs that cannot be compared and returns the workload
// names they share.
func matchRuns(base, new []*result.Result) ([]string, error) {
	all := append(slices.Clone(base), new...)
	names := workloadNames(base[0])
	for i, r := range all {
		if r.Schema != base[0].Schema {
			return nil, fmt.Errorf("results of schema %s and %s: compare runs of one etcdtune result version", base[0].Schema, r.Schema)
		}
		if got := workloadNames(r); !slices.Equal(got, names) {
			side, n := "base", i+1
			if i >= len(base) {
				side, n = "new", i-len(base)+1
			}
			return nil, fmt.Errorf("%s result %d holds workloads %v, base result 1 holds %v: compare results of the same workloads", side, n, got, names)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("the results hold no workloads to compare")
	}
	return names, nil
}

func workloadNames(r *result.Result) []string {
	var names []string
	for _, w := range r.Workloads {
		names = append(names, w.Name)
	}
	return names
}

func workloadsAt(rs []*result.Result, i int) []*result.Workload {
	ws := make([]*result.Workload, len(rs))
	for j, r := range rs {
		ws[j] = r.Workloads[i]
	}
	return ws
}

func values(ws []*result.Workload, m Metric) ([]float64, bool) {
	var vs []float64
	for _, w := range ws {
		v, ok := m.value(w)
		if !ok {
			return nil, false
		}
		vs = append(vs, v)
	}
	return vs, true
}

// newRow is a row with the sides' medians and the change, not yet judged.
func newRow(workload string, m Metric, bv, nv []float64, gate Gate) Row {
	th := &benchmath.DefaultThresholds
	r := Row{Workload: workload, Metric: m.Name, Unit: m.Unit, P: 1, Verdict: VerdictSame,
		Base: stat(benchmath.NewSample(bv, th)), New: stat(benchmath.NewSample(nv, th))}
	r.DeltaPct = deltaPct(r.Base.Median, r.New.Median)
	r.DeltaPts = r.New.Median - r.Base.Median
	if lim, ok := gate[m.Name]; ok {
		r.Limit = &lim
	}
	return r
}

// betweenRunsSuffice: the Mann-Whitney U test over the runs is used when
// its smallest possible p-value at these sizes, 2 / C(nb+nn, nb), is at
// most a fifth of Alpha, so that a clear shift can be significant with
// room (5 runs a side: 0.008; 4: 0.029, which only a perfect separation
// reaches; 3: 0.1, never).
func betweenRunsSuffice(nb, nn int) bool {
	ways := 1.0 // C(nb+nn, nb)
	for k := 1; k <= nb; k++ {
		ways = ways * float64(nn+k) / float64(k)
	}
	return 2/ways <= Alpha/5
}

// judgeBetweenRuns sets the row's p-value from Mann-Whitney U over the
// runs, as benchstat does.
func judgeBetweenRuns(r *Row, bv, nv []float64) {
	th := &benchmath.DefaultThresholds
	cmp := benchmath.AssumeNothing.Compare(benchmath.NewSample(bv, th), benchmath.NewSample(nv, th))
	r.P, r.Evidence = cmp.P, EvidenceBetween
	r.Method = fmt.Sprintf("Mann-Whitney U over %d+%d runs", len(bv), len(nv))
	for _, w := range cmp.Warnings {
		r.Notes = append(r.Notes, w.Error())
	}
}

// decide sets the verdict from the p-value, the change and the gate: a
// change is a regression when it is significant and past the gate.
func decide(r *Row, m Metric) {
	if r.P >= Alpha || r.Base.Median == r.New.Median {
		return
	}
	worse := (r.New.Median > r.Base.Median) != m.HigherIsBetter
	switch {
	case !worse:
		r.Verdict = VerdictBetter
	case r.Limit != nil && pastGate(m, *r, *r.Limit):
		r.Verdict = VerdictRegression
	default:
		r.Verdict = VerdictWorse
	}
}

func pastGate(m Metric, r Row, limit float64) bool {
	if m.Points {
		return math.Abs(r.DeltaPts) > limit
	}
	return math.Abs(r.DeltaPct) > limit
}

func stat(s *benchmath.Sample) Stat {
	sum := benchmath.AssumeNothing.Summary(s, confidence)
	return Stat{Median: sum.Center, Lo: sum.Lo, Hi: sum.Hi, N: len(s.Values), Values: s.Values}
}

// deltaPct is the change from a to b in percent of a; a change from zero
// is reported as +/-Inf's stand-in, 100% per unit, never NaN.
func deltaPct(a, b float64) float64 {
	switch {
	case a == b:
		return 0
	case a == 0:
		return math.Copysign(math.MaxFloat64, b)
	}
	return 100 * (b/a - 1)
}

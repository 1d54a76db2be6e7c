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
// change, and Mann-Whitney U's p-value (benchmath, as benchstat does). A
// difference counts only when p < Alpha; a significant change for the
// worse past the gate is a regression. The runs must be of one schema and
// hold the same workloads, in the same order.
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
		for _, m := range Metrics {
			bv, ok1 := values(base, i, m)
			nv, ok2 := values(new, i, m)
			if !ok1 || !ok2 {
				continue
			}
			c.Rows = append(c.Rows, compareRow(name, m, bv, nv, gate))
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

func values(rs []*result.Result, i int, m Metric) ([]float64, bool) {
	var vs []float64
	for _, r := range rs {
		v, ok := m.value(r.Workloads[i])
		if !ok {
			return nil, false
		}
		vs = append(vs, v)
	}
	return vs, true
}

func compareRow(workload string, m Metric, bv, nv []float64, gate Gate) Row {
	th := &benchmath.DefaultThresholds
	bs, ns := benchmath.NewSample(bv, th), benchmath.NewSample(nv, th)
	cmp := benchmath.AssumeNothing.Compare(bs, ns)
	r := Row{Workload: workload, Metric: m.Name, Unit: m.Unit, Base: stat(bs), New: stat(ns), P: cmp.P, Verdict: VerdictSame}
	for _, w := range cmp.Warnings {
		r.Notes = append(r.Notes, w.Error())
	}
	r.DeltaPct = deltaPct(r.Base.Median, r.New.Median)
	r.DeltaPts = r.New.Median - r.Base.Median
	if lim, ok := gate[m.Name]; ok {
		r.Limit = &lim
	}
	if cmp.P >= cmp.Alpha || r.Base.Median == r.New.Median {
		return r
	}
	worse := (r.New.Median > r.Base.Median) != m.HigherIsBetter
	switch {
	case !worse:
		r.Verdict = VerdictBetter
	case r.Limit != nil && pastGate(m, r, *r.Limit):
		r.Verdict = VerdictRegression
	default:
		r.Verdict = VerdictWorse
	}
	return r
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

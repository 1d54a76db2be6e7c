// Package evidence judges a change between two small sets of runs, too
// few for a test between runs alone (Mann-Whitney needs 4 or more a side
// to reach p < 0.05 at all, 5 to reach it with room), from the evidence
// inside each run as well: its per-second series.
//
// The seconds of a run are correlated (a compaction, a GC pause or a noisy
// neighbour lasts longer than a second), so they are not independent
// samples. The method of non-overlapping batch means treats them as the
// simulation literature does for the output of one long run (Schmeiser,
// Operations Research 30 (1982); Law, Simulation Modeling and Analysis,
// 5th ed. (2015), §9.5.3): the run is cut into a few batches of
// consecutive seconds, the batches' means are nearly independent when a
// batch is longer than the correlation, and their spread gives the
// variance of the run's figure with batches - 1 degrees of freedom.
//
// Runs also differ from one another by more than their seconds suggest (a
// fresh process, another placement of the data, the neighbours of that
// minute). A side of MinRunsForSpread runs or more shows that spread; its
// sample variance over runs (on the log scale, where a latency's spread
// is proportional to its level) replaces the within-run variance when it
// is larger, and a side with fewer runs borrows it, which is the
// prediction interval of a new run from a history (as a t-test's). With
// no such side the test knows only the seconds: it speaks of these runs,
// not of the setups, and the gate's limit must cover the run-to-run
// spread.
//
// The change is tested with Welch's t on the log of the sides' medians,
// with Welch-Satterthwaite degrees of freedom (Welch, Biometrika 34
// (1947)).
package evidence

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// MinSeconds is the shortest run whose seconds are evidence: three
// batches of two seconds.
const MinSeconds = 6

// minBatch is the shortest batch, in seconds.
const minBatch = 2

// MaxBatches is the most batches a run is cut into: Schmeiser's 10 to 30,
// at the low end, so that a batch of a one-minute run is six seconds
// before batches are merged for their correlation.
const MaxBatches = 10

// MinRunsForSpread is the fewest runs of a side whose spread is used.
const MinRunsForSpread = 3

// A Run is one run's figure and the per-second values behind it.
type Run struct {
	// Figure is the run's reported figure (its throughput, or a quantile
	// of its whole histogram).
	Figure float64
	// Seconds are the run's per-second values (ops of each second, or that
	// second's quantile); Weights, when set, weigh them within a batch
	// (the second's ops, so that an idle second counts for little).
	Seconds []float64
	Weights []float64
}

// Options say how to read a change.
type Options struct {
	Confidence float64 // of the interval, e.g. 0.95
	// Additive: the change is new - base (a rate, in percentage points);
	// otherwise it is a ratio, tested on the log scale and shown in
	// percent of base.
	Additive bool
}

// Outcome is what the evidence says of the change from base to new.
type Outcome struct {
	Delta  float64 // the change of the sides' medians: percent of base, or points when Additive
	Lo, Hi float64 // its interval at the confidence asked
	P      float64 // two-sided p-value of no change
	DF     float64 // the test's degrees of freedom
	// Batches is the most batches a run was cut into, BatchSeconds their
	// length; SpreadFrom is how many runs the run-to-run spread came from
	// (0: none, the test knows only the seconds).
	Batches, BatchSeconds int
	SpreadFrom            int
	// BaseLo/BaseHi, NewLo/NewHi: each side's figure's interval.
	BaseLo, BaseHi, NewLo, NewHi float64
}

// Usable reports whether every run has enough seconds to be evidence.
func Usable(runs []Run) bool {
	for _, r := range runs {
		if len(r.Seconds) < MinSeconds {
			return false
		}
	}
	return len(runs) > 0
}

// side is one side's estimate on the test's scale and its variance.
type side struct {
	est, variance, df float64
}

// Compare judges the change of the sides' medians. The caller checks
// Usable first.
func Compare(base, new []Run, o Options) Outcome {
	tr := scale{additive: o.Additive}
	spread, spreadDF, spreadN := runSpread(tr, base, new)
	b, n := estimate(tr, base, spread, spreadDF), estimate(tr, new, spread, spreadDF)
	out := Outcome{Delta: tr.change(medianFigure(base), medianFigure(new)), SpreadFrom: spreadN}
	for _, r := range append(slices.Clone(base), new...) {
		k, length := batchShape(len(r.Seconds))
		out.Batches, out.BatchSeconds = max(out.Batches, k), max(out.BatchSeconds, length)
	}
	d := n.est - b.est
	v := b.variance + n.variance
	tail := (1 - o.Confidence) / 2
	if v == 0 {
		out.P, out.DF = 1, math.Inf(1)
		if d != 0 {
			out.P = 0
		}
		out.Lo, out.Hi = out.Delta, out.Delta
		out.BaseLo, out.BaseHi = tr.back(b.est), tr.back(b.est)
		out.NewLo, out.NewHi = tr.back(n.est), tr.back(n.est)
		return out
	}
	out.DF = welchDF(b, n)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: out.DF}
	out.P = 2 * t.CDF(-math.Abs(d)/math.Sqrt(v))
	q := t.Quantile(1 - tail)
	half := q * math.Sqrt(v)
	out.Lo, out.Hi = tr.changeOf(d-half), tr.changeOf(d+half)
	out.BaseLo, out.BaseHi = sideInterval(tr, b, tail)
	out.NewLo, out.NewHi = sideInterval(tr, n, tail)
	return out
}

// estimate is a side's median on the test's scale and the variance of it:
// the mean within-run variance over the runs, or the run-to-run spread
// when there is one and it is larger.
func estimate(tr scale, runs []Run, spread, spreadDF float64) side {
	s := side{est: tr.to(medianFigure(runs))}
	var within, withinSq float64
	for _, r := range runs {
		v, df := tr.withinVariance(r)
		within += v
		if df > 0 {
			withinSq += v * v / df
		}
	}
	nn := float64(len(runs))
	within /= nn * nn
	withinSq /= nn * nn * nn * nn
	s.variance, s.df = within, math.Inf(1)
	if withinSq > 0 {
		s.df = within * within / withinSq
	}
	// A median of three or more runs varies more than their mean: pi/2
	// times, for normal runs (its asymptotic efficiency, 2/pi).
	between := spread / nn
	if len(runs) >= MinRunsForSpread {
		between *= math.Pi / 2
	}
	if between > within {
		s.variance, s.df = between, spreadDF
	}
	return s
}

// runSpread pools the sample variance of the runs' figures (test scale)
// over the sides that have MinRunsForSpread runs or more.
func runSpread(tr scale, sides ...[]Run) (variance, df float64, count int) {
	var ss float64
	for _, runs := range sides {
		if len(runs) < MinRunsForSpread {
			continue
		}
		var ys []float64
		for _, r := range runs {
			ys = append(ys, tr.to(r.Figure))
		}
		m := mean(ys)
		for _, y := range ys {
			ss += (y - m) * (y - m)
		}
		df += float64(len(ys) - 1)
		count += len(ys)
	}
	if df == 0 {
		return 0, 0, 0
	}
	return ss / df, df, count
}

// welchDF is Welch-Satterthwaite's degrees of freedom of the difference.
func welchDF(a, b side) float64 {
	num := (a.variance + b.variance) * (a.variance + b.variance)
	den := term(a) + term(b)
	if den == 0 {
		return math.Inf(1)
	}
	return num / den
}

func term(s side) float64 {
	if math.IsInf(s.df, 1) || s.df == 0 {
		return 0
	}
	return s.variance * s.variance / s.df
}

func sideInterval(tr scale, s side, tail float64) (float64, float64) {
	if s.variance == 0 {
		return tr.back(s.est), tr.back(s.est)
	}
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: s.df}.Quantile(1 - tail)
	h := q * math.Sqrt(s.variance)
	return tr.back(s.est - h), tr.back(s.est + h)
}

// batchShape is how a run of n seconds is cut: k batches of length
// seconds, the first n - k*length seconds (the start, where a run settles)
// left out.
func batchShape(n int) (k, length int) {
	k = min(MaxBatches, n/minBatch)
	return k, n / k
}

// batches cuts a run into batches and returns their weighted means: at
// first MaxBatches (or batches of minBatch seconds), then, while the
// means of neighbouring batches are still correlated (a positive lag-1
// autocorrelation), half as many batches twice as long,
// down to MinBatches (Fishman and Yarberry's batch doubling, simplified).
func batches(r Run) []float64 {
	k, _ := batchShape(len(r.Seconds))
	for {
		bm := batchMeansOf(r, k)
		if k/2 < MinBatches || lag1(bm) <= 0 {
			return bm
		}
		k /= 2
	}
}

// MinBatches is the fewest batches a run is cut into.
const MinBatches = 3

// batchMeansOf are the weighted means of k batches of the run.
func batchMeansOf(r Run, k int) []float64 {
	length := len(r.Seconds) / k
	skip := len(r.Seconds) - k*length
	out := make([]float64, k)
	for b := range k {
		var sum, weight float64
		for i := skip + b*length; i < skip+(b+1)*length; i++ {
			w := 1.0
			if r.Weights != nil {
				w = r.Weights[i]
			}
			sum += w * r.Seconds[i]
			weight += w
		}
		if weight > 0 {
			out[b] = sum / weight
		}
	}
	return out
}

// lag1 is the lag-1 autocorrelation of v.
func lag1(v []float64) float64 {
	m := mean(v)
	var num, den float64
	for i, x := range v {
		den += (x - m) * (x - m)
		if i > 0 {
			num += (x - m) * (v[i-1] - m)
		}
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// scale is the test's scale: the log of the figures, or the figures
// themselves for an additive change.
type scale struct{ additive bool }

func (s scale) to(v float64) float64 {
	if s.additive {
		return v
	}
	return math.Log(math.Max(v, math.SmallestNonzeroFloat64))
}

func (s scale) back(v float64) float64 {
	if s.additive {
		return v
	}
	return math.Exp(v)
}

// withinVariance is the variance of the run's figure on the test's scale
// from its batch means, and its degrees of freedom: relative to the batch
// means' mean on the log scale (the delta method), absolute otherwise.
func (s scale) withinVariance(r Run) (float64, float64) {
	bm := batches(r)
	m := mean(bm)
	var ss float64
	for _, x := range bm {
		ss += (x - m) * (x - m)
	}
	k := float64(len(bm))
	v := ss / (k - 1) / k
	if !s.additive {
		if m == 0 {
			return 0, k - 1
		}
		v /= m * m
	}
	return v, k - 1
}

// change is the change from a to b: points, or percent of a (0 when both
// are 0, a large stand-in for a change from 0, never NaN).
func (s scale) change(a, b float64) float64 {
	switch {
	case s.additive:
		return b - a
	case a == b:
		return 0
	case a == 0:
		return math.Copysign(math.MaxFloat64, b)
	}
	return 100 * (b/a - 1)
}

// changeOf turns a difference on the test's scale into the change shown.
func (s scale) changeOf(d float64) float64 {
	if s.additive {
		return d
	}
	return 100 * (math.Exp(d) - 1)
}

func medianFigure(runs []Run) float64 {
	figures := make([]float64, len(runs))
	for i, r := range runs {
		figures[i] = r.Figure
	}
	slices.Sort(figures)
	n := len(figures)
	if n%2 == 1 {
		return figures[n/2]
	}
	return (figures[n/2-1] + figures[n/2]) / 2
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

package evidence

import (
	"math"
	"math/rand/v2"
	"testing"
)

var opts = Options{Confidence: 0.95}

// ar1Run is a run of n seconds whose values follow an AR(1) process around
// level (phi: how much of a second carries into the next), the figure
// being their mean: seconds of a real run are correlated like this.
func ar1Run(rng *rand.Rand, n int, level, phi, sd float64) Run {
	r := Run{Seconds: make([]float64, n)}
	x := 0.0
	for i := range r.Seconds {
		x = phi*x + rng.NormFloat64()*sd*math.Sqrt(1-phi*phi)
		r.Seconds[i] = level * (1 + x)
		r.Figure += r.Seconds[i] / float64(n)
	}
	return r
}

// TestFalsePositivesOnCorrelatedSeconds: two runs of one process, seconds
// correlated (phi 0.6): the share of trials called significant must stay
// near alpha. Resampling single seconds (ignoring the correlation) would
// call far more.
func TestFalsePositivesOnCorrelatedSeconds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const trials = 300
	hits := 0
	for range trials {
		b, n := ar1Run(rng, 60, 1000, 0.6, 0.1), ar1Run(rng, 60, 1000, 0.6, 0.1)
		if Compare([]Run{b}, []Run{n}, opts).P < 0.05 {
			hits++
		}
	}
	t.Logf("%d of %d unchanged pairs significant at 0.05", hits, trials)
	if hits > trials*15/100 {
		t.Errorf("%d of %d unchanged pairs significant: the blocks do not hold the correlation", hits, trials)
	}
}

// TestFindsAShift: a 20% shift over the same noise is found nearly always,
// and its interval holds the true change as often as it says.
func TestFindsAShift(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const trials = 100
	found, covered := 0, 0
	for range trials {
		b, n := ar1Run(rng, 60, 1000, 0.6, 0.1), ar1Run(rng, 60, 1200, 0.6, 0.1)
		o := Compare([]Run{b}, []Run{n}, opts)
		if o.P < 0.05 && o.Delta > 0 {
			found++
		}
		if o.Lo <= 20 && 20 <= o.Hi {
			covered++
		}
	}
	t.Logf("found %d of %d, interval held +20%% in %d", found, trials, covered)
	if found < 90 || covered < 85 {
		t.Errorf("a 20%% shift: found in %d of %d, covered in %d", found, trials, covered)
	}
}

// TestHistorySpreadWidensTheInterval: runs whose levels differ from run to
// run by a log-normal 20% while their seconds are calm. One new run from the same
// process against a history of ten is significant only as often as alpha
// says, because the history's spread is resampled; without a history (one
// run a side) most such pairs look significant, which is why the gate's
// limit, not significance alone, decides.
func TestHistorySpreadWidensTheInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	run := func() Run { return ar1Run(rng, 30, 1000*math.Exp(0.2*rng.NormFloat64()), 0.3, 0.02) }
	const trials = 1000
	withHistory, single := 0, 0
	for range trials {
		var history []Run
		for range 10 {
			history = append(history, run())
		}
		n := run()
		o := Compare(history, []Run{n}, opts)
		if o.SpreadFrom != 10 {
			t.Fatalf("spread from %d runs, want 10", o.SpreadFrom)
		}
		if o.P < 0.05 {
			withHistory++
		}
		if Compare(history[:1], []Run{n}, opts).P < 0.05 {
			single++
		}
	}
	t.Logf("significant: %d of %d against a history of ten, %d of %d against one run", withHistory, trials, single, trials)
	if withHistory > trials*10/100 {
		t.Errorf("%d of %d against a history of ten significant: the spread between runs is not used", withHistory, trials)
	}
	if single < trials/2 {
		t.Errorf("only %d of %d single pairs significant: the within-run evidence is too weak to be a test", single, trials)
	}
}

// TestThreeRunsASide: sides of three runs resample their runs, so the
// spread between runs enters both sides.
func TestThreeRunsASide(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	run := func(level float64) Run { return ar1Run(rng, 30, level*(1+0.1*rng.NormFloat64()), 0.3, 0.02) }
	same, shifted := 0, 0
	const trials = 100
	for range trials {
		b := []Run{run(1000), run(1000), run(1000)}
		if o := Compare(b, []Run{run(1000), run(1000), run(1000)}, opts); o.P < 0.05 {
			same++
		}
		if o := Compare(b, []Run{run(2000), run(2000), run(2000)}, opts); o.P < 0.05 && o.Delta > 50 {
			shifted++
		}
	}
	t.Logf("3 a side: unchanged significant %d of %d, doubled found %d of %d", same, trials, shifted, trials)
	if same > 25 || shifted < 95 {
		t.Errorf("3 a side: unchanged significant %d of %d, doubled found %d of %d", same, trials, shifted, trials)
	}
}

func TestAdditiveAndDeterministic(t *testing.T) {
	rate := func(errs ...float64) Run {
		r := Run{Seconds: errs, Weights: make([]float64, len(errs))}
		var sum float64
		for i, e := range errs {
			r.Weights[i] = 100
			sum += e
		}
		r.Figure = sum / float64(len(errs))
		return r
	}
	zero := rate(0, 0, 0, 0, 0, 0)
	o := Compare([]Run{zero}, []Run{zero}, Options{Confidence: 0.95, Additive: true})
	if o.P != 1 || o.Delta != 0 || o.Lo != 0 || o.Hi != 0 {
		t.Errorf("no errors on either side: %+v, want no change and p 1", o)
	}
	bad := rate(5, 6, 4, 5, 7, 5)
	a := Compare([]Run{zero}, []Run{bad}, Options{Confidence: 0.95, Additive: true})
	b := Compare([]Run{zero}, []Run{bad}, Options{Confidence: 0.95, Additive: true})
	if a != b {
		t.Errorf("the same runs gave %+v and %+v", a, b)
	}
	if math.Abs(a.Delta-5.333) > 0.01 || a.P >= 0.05 || a.Lo <= 0 {
		t.Errorf("errors 0%% -> 5.3%%: %+v, want a significant change of 5.3 points", a)
	}
	if Usable([]Run{{Seconds: make([]float64, MinSeconds-1)}}) {
		t.Errorf("a run of %d seconds is usable", MinSeconds-1)
	}
}

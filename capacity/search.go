// Package capacity finds the most load an etcd carries within a latency
// SLO: an open-loop search over rates (or, for the Kubernetes profile,
// over cluster sizes) that ramps until a step fails, bisects between the
// last pass and the first fail, and confirms the best pass once. It is
// pure: the caller measures each step (runner does, on the engine) and the
// search decides what to try next and why it stopped.
package capacity

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// Sample is what one step measured. Latencies are from the intended send
// time (the queue a rate past the capacity builds shows in them); the
// service time is from the actual send, to tell a slow server from a
// generator that could not send.
type Sample struct {
	Target, Achieved     float64 // requests/s asked and done in the window
	P50Ms, P99Ms, P999Ms float64
	ServiceP99Ms         float64
	// ServiceP50Ms and ServiceP999Ms, when given (> 0), let the generator
	// be blamed for a p50 or p99.9 miss only if the service time met it.
	ServiceP50Ms, ServiceP999Ms float64
	Ops, Errors                 int64
	// Generator is why etcdtune itself could not keep the schedule, if it
	// could not (the in-flight bound reached, sends late, its CPU busy);
	// empty when it kept it.
	Generator string
}

// minAchieved is the share of the target a step must achieve to pass:
// below it the server (or the generator) fell behind the schedule.
const minAchieved = 0.99

// Judge says whether a step met the SLO and, if not, why and which stop
// reason its failure stands for. A step passes when every limit holds and
// the achieved rate is within 1% of the target, whatever the generator
// reports (its lateness then cost nothing). A failing step is blamed on the
// generator only when the generator reports trouble and the server's own
// service time met the SLO: a server past its capacity makes the generator
// wait for it too, and that is the server's limit.
func Judge(slo result.SLO, s Sample) result.CapacityStep {
	st := result.CapacityStep{TargetRate: s.Target, AchievedRate: s.Achieved, P50Ms: s.P50Ms, P99Ms: s.P99Ms,
		P999Ms: s.P999Ms, Ops: s.Ops, Errors: s.Errors}
	fail := func(reason, why string) result.CapacityStep {
		st.LimitedBy, st.Why = reason, why
		return st
	}
	if total := s.Ops + s.Errors; total > 0 && float64(s.Errors)/float64(total) > slo.ErrorRate {
		return fail(result.LimitedByErrors, fmt.Sprintf("%.2f%% of requests failed, over %g%%", 100*float64(s.Errors)/float64(total), 100*slo.ErrorRate))
	}
	var why string
	for _, l := range []struct {
		name       string
		got, limit float64
	}{{"p50", s.P50Ms, slo.P50Ms}, {"p99", s.P99Ms, slo.P99Ms}, {"p99.9", s.P999Ms, slo.P999Ms}} {
		if l.limit > 0 && l.got > l.limit {
			why = fmt.Sprintf("%s %.1f ms over %g ms", l.name, l.got, l.limit)
			break
		}
	}
	behind := why == "" && s.Target > 0 && s.Achieved < minAchieved*s.Target
	if behind {
		why = fmt.Sprintf("achieved %.0f of %.0f/s", s.Achieved, s.Target)
	}
	if why == "" {
		// Every limit held: a generator that was late now and then did
		// not cost the step anything.
		st.Pass = true
		return st
	}
	if s.Generator != "" && serviceMet(slo, s) {
		return fail(result.LimitedByGenerator, why+": the generator could not keep the schedule: "+s.Generator)
	}
	if behind {
		why += ": the server fell behind"
	}
	return fail(result.LimitedBySLO, why)
}

// serviceMet says whether the service time (from the actual send) met
// the SLO's latency limits, for the quantiles the sample gives.
func serviceMet(slo result.SLO, s Sample) bool {
	for _, l := range []struct{ got, limit float64 }{{s.ServiceP50Ms, slo.P50Ms}, {s.ServiceP99Ms, slo.P99Ms}, {s.ServiceP999Ms, slo.P999Ms}} {
		if l.limit > 0 && l.got > l.limit {
			return false
		}
	}
	return true
}

// Options bound a search.
type Options struct {
	StartRate float64 // the first step's rate (> 0)
	MaxRate   float64 // the search never goes above it (0: no bound)
	// Precision is where the bisection stops: the gap between the best
	// pass and the first fail, relative to the fail, in (0, 0.5].
	Precision float64
	MaxSteps  int // measured steps in all (every try counts), confirmations included (> 0)
}

// DefaultPrecision is --precision's default: 5%.
const DefaultPrecision = 0.05

// Validate checks the options before any load.
func (o Options) Validate() error {
	switch {
	case !(o.StartRate > 0) || math.IsInf(o.StartRate, 0):
		return fault.Inputf("--start-rate must be positive, got %v", o.StartRate)
	case o.MaxRate < 0 || math.IsNaN(o.MaxRate):
		return fault.Inputf("--max-rate must not be negative, got %v", o.MaxRate)
	case o.MaxRate > 0 && o.MaxRate < o.StartRate:
		return fault.Inputf("--max-rate %v is below --start-rate %v", o.MaxRate, o.StartRate)
	case !(o.Precision > 0 && o.Precision <= 0.5):
		return fault.Inputf("--precision must be in (0, 50%%], got %v%%", o.Precision*100)
	case o.MaxSteps < 2:
		return fault.Inputf("--max-steps must be at least 2 (a step and its confirmation), got %d", o.MaxSteps)
	}
	return nil
}

// Measure runs one step at rate and returns what it measured. It starts
// from a settled server: the previous step's backlog drained.
type Measure func(ctx context.Context, rate float64) (Sample, error)

// Search finds the highest rate that passes Judge. It doubles the rate
// from StartRate until a step fails, bisects between the last pass and the
// first fail to Precision, then runs the best pass's step once more to
// confirm it: a confirmation that fails is a fail (noise on a shared
// machine must not make the figure), and the bisection goes on below it.
// Each step is the majority of up to three tries (see step). ctx ending
// stops it with what it found so far. The result's LimitedBy is the reason
// of the fail that bounds the figure, or max-rate when every step up to
// MaxRate passed, or max-steps when the tries ran out first.
func Search(ctx context.Context, o Options, slo result.SLO, measure Measure) (*result.Capacity, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	s := &search{o: o, slo: slo, measure: measure, started: time.Now()}
	c, err := s.run(ctx)
	c.DurationS = time.Since(s.started).Seconds()
	return c, err
}

type search struct {
	o       Options
	slo     result.SLO
	measure Measure
	started time.Time
	steps   []result.CapacityStep
	judged  []judged // every step's verdict, in order
}

// judged is one step's verdict: its rate, and the measured step (1-based)
// that settled it.
type judged struct {
	rate float64
	pass bool
	at   int
}

// A step is judged on up to three tries at its rate, by majority: a
// shared machine stalls now and then (a GC pause, a neighbour's fsync), so
// one try near the knee passes or fails by luck, and a search that took
// each try at its word would bisect towards wherever its luck ran out
// (five searches on one node gave 4,000 to 9,500 puts/s that way). A try
// whose figures are far from every limit settles its step alone, so the
// ramp and the clear failures past the knee cost one try each.
const (
	maxTries = 3
	// A try is a clear pass when its latencies (from the intended send,
	// so a late generator is in them) are within half of every limit.
	clearPass = 0.5
	// A try is a clear fail when it had errors past the SLO or achieved
	// under 90% of its rate. A latency miss alone never is: one stall of
	// the machine (a p99 of 200 ms over a p50 of 1 ms) looks like a
	// queue's in one try, and only a second try tells them apart.
	clearBehind = 0.9
)

// step measures rate until its verdict is settled: one clear try, two
// tries that agree, or the majority of three. A confirmation is a step of
// its own, with fresh tries: the figure is the rate that passed twice in
// this sense. A failed step's reason is the server's when any failing try
// showed a missed limit or errors, the generator's only when every failing
// try blames it, since the generator falls behind a server past its
// capacity too.
func (s *search) step(ctx context.Context, rate float64, confirm bool) (result.CapacityStep, error) {
	var pass, fail []result.CapacityStep
	for try := 0; try < maxTries; try++ {
		st, clear, err := s.measureOnce(ctx, rate, confirm, try > 0)
		if err != nil {
			return st, err
		}
		if st.Pass {
			pass = append(pass, st)
		} else {
			fail = append(fail, st)
		}
		if (try == 0 && clear) || len(pass) == 2 || len(fail) == 2 || !s.left() || ctx.Err() != nil {
			break
		}
	}
	v := judged{rate: rate, pass: len(pass) > len(fail), at: len(s.steps)}
	s.judged = append(s.judged, v)
	if v.pass {
		return pass[len(pass)-1], nil
	}
	// A tie (the budget ran out after two tries that disagree) is a fail:
	// a coin flip must not raise the figure.
	for _, st := range fail {
		if st.LimitedBy != result.LimitedByGenerator {
			return st, nil
		}
	}
	return fail[len(fail)-1], nil
}

func (s *search) measureOnce(ctx context.Context, rate float64, confirm, retry bool) (result.CapacityStep, bool, error) {
	smp, err := s.measure(ctx, rate)
	if err != nil {
		return result.CapacityStep{}, false, err
	}
	st := Judge(s.slo, smp)
	st.Confirm, st.Retry = confirm, retry
	s.steps = append(s.steps, st)
	return st, clearTry(s.slo, smp, st), nil
}

// clearTry says whether one try settles its step alone. A generator that
// fell behind never does: its trouble may pass, the server's limit not.
func clearTry(slo result.SLO, s Sample, st result.CapacityStep) bool {
	switch {
	case st.LimitedBy == result.LimitedByGenerator:
		return false
	case !st.Pass:
		return st.LimitedBy == result.LimitedByErrors || (s.Target > 0 && s.Achieved < clearBehind*s.Target)
	}
	for _, l := range []struct{ got, limit float64 }{{s.P50Ms, slo.P50Ms}, {s.P99Ms, slo.P99Ms}, {s.P999Ms, slo.P999Ms}} {
		if l.limit > 0 && l.got > clearPass*l.limit {
			return false
		}
	}
	return true
}

func (s *search) left() bool { return len(s.steps) < s.o.MaxSteps }

func (s *search) run(ctx context.Context) (*result.Capacity, error) {
	c := &result.Capacity{SLO: s.slo, Precision: s.o.Precision}
	lo, hi, failed, err := s.ramp(ctx)
	if err == nil && failed.LimitedBy != "" {
		lo, hi, failed, err = s.bisect(ctx, lo, hi, failed)
	}
	c.Steps = s.steps
	if err != nil && ctx.Err() == nil {
		return c, err
	}
	// Confirm the best pass. A confirmation that fails is a fail: the
	// search bisects again between the next lower pass and it, and
	// confirms the new best, until one holds twice or the steps run out.
	// A rate that passed once by luck cannot make the figure, and one
	// noisy confirmation does not throw the figure back to a rate far
	// below (the ramp's passes are a factor 2 apart).
	for lo > 0 && ctx.Err() == nil && s.left() {
		st, err := s.step(ctx, lo, true)
		if err != nil {
			break
		}
		if st.Pass {
			c.Confirmed = true
			break
		}
		hi, failed = lo, st
		lo, hi, failed, _ = s.bisect(ctx, s.bestPassBelow(hi), hi, failed)
	}
	if hi > 0 {
		c.Precision = (hi - lo) / hi
	}
	c.Steps = s.steps
	c.MaxRateOpsS = lo
	switch {
	case failed.LimitedBy != "":
		c.LimitedBy = failed.LimitedBy
	case s.o.MaxRate > 0 && lo >= s.o.MaxRate:
		c.LimitedBy = result.LimitedByMaxRate
	default:
		c.LimitedBy = LimitedByMaxSteps
	}
	c.LowerBound = c.LimitedBy != result.LimitedBySLO && c.LimitedBy != result.LimitedByErrors
	c.Unsteady = unsteady(s.judged)
	return c, nil
}

// unsteady says how the evidence contradicts a server of one pace: the
// widest pair of a step that failed at a rate below (or at) one that
// passed, "" when there is none. A server's latency does not fall as its
// load rises, so such a pair means its pace changed during the search (a
// neighbour on a shared machine, its own compaction, a disk slowing
// down): on one machine the same node's p99 at 12,000 puts/s was 20 ms and
// 52-72 ms a minute later. The search cannot make that figure
// repeatable; it can say so.
func unsteady(js []judged) string {
	// Near the knee a steady server passes and fails by a few per cent
	// either way: only a fail 10% or more below a pass is a change.
	var pass, fail *judged
	for i := range js {
		for j := range js {
			p, f := &js[i], &js[j]
			if !p.pass || f.pass || f.rate > (1-unsteadyGap)*p.rate {
				continue
			}
			if pass == nil || p.rate-f.rate > pass.rate-fail.rate {
				pass, fail = p, f
			}
		}
	}
	if pass == nil {
		return ""
	}
	return fmt.Sprintf("%s/s passed (step %d) and %s/s failed (step %d): the server's pace changed during the search",
		FormatRate(pass.rate), pass.at, FormatRate(fail.rate), fail.at)
}

// unsteadyGap is how far below a passing rate a fail must be to show a
// change of pace rather than the noise at the knee.
const unsteadyGap = 0.1

// FormatRate prints a request rate as people read it, as every report
// does: 15200, 150, 2.5.
func FormatRate(r float64) string {
	if r >= 100 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.3g", r)
}

// LimitedByMaxSteps: the step budget ran out before a step failed or the
// bisection closed in: the figure is a lower bound.
const LimitedByMaxSteps = "max-steps"

// ramp doubles the rate until a step fails (returned with the last pass as
// lo and the failing rate as hi) or MaxRate passes.
func (s *search) ramp(ctx context.Context) (lo, hi float64, failed result.CapacityStep, err error) {
	rate := s.o.StartRate
	for s.left() && ctx.Err() == nil {
		st, err := s.step(ctx, rate, false)
		if err != nil {
			return lo, 0, result.CapacityStep{}, err
		}
		if !st.Pass {
			return lo, rate, st, nil
		}
		lo = rate
		if s.o.MaxRate > 0 && rate >= s.o.MaxRate {
			return lo, 0, result.CapacityStep{}, nil
		}
		rate *= 2
		if s.o.MaxRate > 0 {
			rate = math.Min(rate, s.o.MaxRate)
		}
	}
	return lo, 0, result.CapacityStep{}, ctx.Err()
}

// bisect narrows [lo, hi) until the gap is within Precision of hi. failed
// is the step at hi; it is replaced whenever a lower rate fails.
func (s *search) bisect(ctx context.Context, lo, hi float64, failed result.CapacityStep) (float64, float64, result.CapacityStep, error) {
	for hi-lo > s.o.Precision*hi && s.left() && ctx.Err() == nil {
		mid := (lo + hi) / 2
		st, err := s.step(ctx, mid, false)
		if err != nil {
			return lo, hi, failed, err
		}
		if st.Pass {
			lo = mid
		} else {
			hi, failed = mid, st
		}
	}
	return lo, hi, failed, ctx.Err()
}

// bestPassBelow is the highest rate under hi that passed, 0 if none.
func (s *search) bestPassBelow(hi float64) float64 {
	best := 0.0
	for _, j := range s.judged {
		if j.pass && j.rate < hi && j.rate > best {
			best = j.rate
		}
	}
	return best
}

package runner

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// CapacityPhase is `bench <kind> --find-max`: a capacity search whose
// steps are open-loop runs of the workload, each in a session of its own
// (prefix check, preparation, load, cleanup) as WorkloadPhase runs one,
// under the guard. The run's result gets one workload entry: the
// confirmation step's engine result (or the best pass's), with Capacity
// set to the search's result and its steps.
type CapacityPhase struct {
	// Workload is what each step runs: its New, Force, Prefix and Guard,
	// and of its Config the in-flight bound and the request timeout (the
	// rate and the windows are the step's). Agents are not used.
	Workload WorkloadPhase
	SLO      result.SLO
	Search   capacity.Options
	// Step is each step's measured window, StepWarmup the load before it.
	Step, StepWarmup time.Duration
}

// Steps is the most steps the search runs.
func (p CapacityPhase) Steps() int { return p.Search.MaxSteps }

// errStepAborted stops the search when the guard stopped a step.
var errStepAborted = errors.New("the guard stopped a step")

// Run searches, and puts the result in the run's. Ctrl-C or the guard
// ending a step stops the search with what it found so far, which is
// written (end_reason interrupted or aborted) with a lower bound.
func (p CapacityPhase) Run(ctx context.Context, s *State) error {
	c := &capacityRun{p: p, s: s, byRate: map[float64]*result.Workload{}}
	capRes, err := capacity.Search(ctx, p.Search, p.SLO, c.measure)
	if capRes == nil { // bad options: nothing ran
		return err
	}
	wr := c.entry(capRes)
	if wr == nil {
		if err == nil {
			err = c.err
		}
		return err
	}
	capRes.StepS, capRes.WarmupS = p.Step.Seconds(), p.StepWarmup.Seconds()
	switch {
	case c.aborted != nil:
		stoppedEarly(capRes, result.EndAborted)
		err = nil
	case ctx.Err() != nil:
		stoppedEarly(capRes, result.EndInterrupted)
		wr.EndReason = result.EndInterrupted
	}
	wr.Capacity = capRes
	s.Result.Workloads = append(s.Result.Workloads, wr)
	s.Result.EndReason = wr.EndReason
	return err
}

// stoppedEarly marks a search that Ctrl-C or the guard ended: the figure
// is the best pass so far, a lower bound, unconfirmed, and the reason says
// what ended it rather than a limit that was never reached.
func stoppedEarly(c *result.Capacity, reason string) {
	c.MaxRateOpsS = 0
	for _, st := range c.Steps {
		if st.Pass && st.TargetRate > c.MaxRateOpsS {
			c.MaxRateOpsS = st.TargetRate
		}
	}
	c.LimitedBy, c.LowerBound, c.Confirmed = reason, true, false
}

// capacityRun is one search in progress.
type capacityRun struct {
	p        CapacityPhase
	s        *State
	byRate   map[float64]*result.Workload // each rate's latest step
	first    *result.Workload             // the first step's, for the settle check's baseline
	last     *result.Workload
	aborted  *result.Workload // the step the guard stopped
	err      error            // the error of a step that did not run
	previous bool             // a step ran before: settle first
}

// measure is capacity.Measure: one open-loop step at rate, from a settled
// server.
func (c *capacityRun) measure(ctx context.Context, rate float64) (capacity.Sample, error) {
	wl, err := c.p.Workload.New()
	if err != nil {
		return capacity.Sample{}, err
	}
	if c.previous {
		c.settle(ctx, wl.Keys().Prefix)
	}
	c.previous = true
	if ctx.Err() != nil {
		return capacity.Sample{}, ctx.Err()
	}
	base := c.p.Workload.Config
	cfg := engine.Config{Rate: rate, MaxInflight: base.MaxInflight, Duration: c.p.Step, Warmup: c.p.StepWarmup,
		RequestTimeout: base.RequestTimeout}
	running, err := c.p.Workload.Guard.start(ctx, c.s.Target, &cfg)
	if err != nil {
		c.err = err
		return capacity.Sample{}, err
	}
	wr, err := runSession(ctx, c.s, fmt.Sprintf("%s at %.0f/s", wl.Name(), cfg.Rate), cfg, wl, c.p.Workload.Force, nil)
	running.stop()
	running.annotate(wr)
	if wr == nil {
		c.err = err
		return capacity.Sample{}, err
	}
	c.last = wr
	if c.first == nil {
		c.first = wr
	}
	switch {
	case wr.EndReason == result.EndAborted:
		c.aborted = wr
		return capacity.Sample{}, errStepAborted
	case ctx.Err() != nil: // a partial step judges nothing
		return capacity.Sample{}, ctx.Err()
	}
	c.byRate[rate] = wr
	return sampleOf(wr, rate, c.s.Target.Embedded() == nil), nil
}

// entry is the workload entry of the search: the confirmation's engine
// result, else the best pass's, else the step the guard stopped, else the
// last step's.
func (c *capacityRun) entry(capRes *result.Capacity) *result.Workload {
	switch {
	case c.aborted != nil:
		return c.aborted
	case capRes.MaxRateOpsS > 0 && c.byRate[capRes.MaxRateOpsS] != nil:
		return c.byRate[capRes.MaxRateOpsS]
	}
	return c.last
}

// lateShare is the share of late sends (over 1 ms behind their intended
// time) past which the generator did not keep the schedule.
const lateShare = 0.01

// busyCPU is the share of this machine's CPUs that etcdtune's own use must
// stay under to be trusted as a generator.
const busyCPU = 0.9

// sampleOf maps a step's engine result to what the search judges: the
// rate achieved (the lower of sends and completions per second), the
// latency from the intended send time, the service p99, errors, and why
// the generator did not keep the schedule, if it did not. Its CPU counts
// only when etcd is not in the same process (remote: the embedded etcd's
// CPU is etcdtune's too).
func sampleOf(wr *result.Workload, rate float64, remote bool) capacity.Sample {
	smp := capacity.Sample{Target: rate, Achieved: wr.ThroughputOpsS, P50Ms: wr.LatencyMs.P50,
		P99Ms: wr.LatencyMs.P99, P999Ms: wr.LatencyMs.P999, Ops: wr.Ops, Errors: wr.Errors}
	if wr.ServiceLatencyMs != nil {
		l := wr.ServiceLatencyMs
		smp.ServiceP50Ms, smp.ServiceP99Ms, smp.ServiceP999Ms = l.P50, l.P99, l.P999
	}
	if ol := wr.OpenLoop; ol != nil {
		smp.Achieved = min(smp.Achieved, ol.AchievedRate)
	}
	smp.Generator = generatorReason(wr, remote)
	return smp
}

// generatorReason says why etcdtune did not keep a step's schedule, "" if
// it did: the in-flight bound reached, over 1% of sends late, or (on a
// remote target only) its own CPU near the machine's. Both searches, of
// rates and of nodes, judge the generator by it.
func generatorReason(wr *result.Workload, remote bool) string {
	ol := wr.OpenLoop
	switch {
	case ol == nil:
		return ""
	case ol.InflightLimitHits > 0:
		return fmt.Sprintf("the in-flight bound (--max-inflight %d) was reached by %d sends", ol.MaxInflight, ol.InflightLimitHits)
	case ol.Sent > 0 && float64(ol.LateSends) > lateShare*float64(ol.Sent):
		return fmt.Sprintf("%d of %d sends (%.1f%%) went out over 1 ms late", ol.LateSends, ol.Sent, 100*float64(ol.LateSends)/float64(ol.Sent))
	case remote:
		wall := wr.DurationS + wr.WarmupS
		if cpus := float64(runtime.NumCPU()); wall > 0 && wr.Client.CPUSeconds/wall > busyCPU*cpus {
			return fmt.Sprintf("etcdtune used %.1f of %.0f CPUs", wr.Client.CPUSeconds/wall, cpus)
		}
	}
	return ""
}

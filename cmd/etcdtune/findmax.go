package main

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/runner"
)

// findMaxOptions are the flags of a capacity search (--find-max), on the
// bench kinds whose rate means something. They sit apart from the shared
// bench flags so that another kind (k8s) can take them too.
type findMaxOptions struct {
	on         bool
	slo        string
	precision  string
	step       time.Duration
	stepWarmup time.Duration
	maxSteps   int
	startRate  float64
	parsed     *runner.CapacityPhase // the search, without its workload, once checked
	// kindFlags are a kind's own search flags (bench k8s: --burst,
	// --max-nodes), refused like the others without --find-max.
	kindFlags []string
}

// The search's defaults: a 3 s window holds a few thousand requests at the
// rates that matter, enough for a p99 and short enough for twenty steps
// (ramp, bisection, confirmation) in about a minute; 1 s of warm-up fills
// the connections and the server's caches; 500/s is a light load for any
// etcd, from which doubling reaches 16,000/s in six steps; thirty leave
// room for five of bisection, the further tries of steps near the knee
// (each is the majority of up to three) and the confirmation's.
const (
	defaultStep       = 3 * time.Second
	defaultStepWarmup = time.Second
	defaultMaxSteps   = 30
	defaultStartRate  = 500
)

// addFindMaxFlags adds the capacity search's flags to fs and returns
// where they land.
func addFindMaxFlags(fs *pflag.FlagSet) *findMaxOptions {
	o := &findMaxOptions{}
	fs.BoolVar(&o.on, "find-max", false, "search for the highest open-loop rate that meets --slo (ramp by doubling, bisect to --precision, confirm); --max-rate bounds it")
	fs.StringVar(&o.slo, "slo", "", "--find-max: the limits a step must meet, e.g. p99=25ms,p999=100ms,errors=0.1% (names: "+strings.Join(capacity.SLONames, ", ")+"; unnamed ones keep the kind's default)")
	fs.StringVar(&o.precision, "precision", "5%", "--find-max: stop bisecting when the gap to the lowest failing rate is within this share of it, in (0, 50%]")
	fs.DurationVar(&o.step, "step", defaultStep, "--find-max: measured window of each step")
	fs.DurationVar(&o.stepWarmup, "step-warmup", defaultStepWarmup, "--find-max: load sent before each step's window and kept out of its figures")
	fs.IntVar(&o.maxSteps, "max-steps", defaultMaxSteps, "--find-max: most measured steps in all, every try and the confirmation included")
	fs.Float64Var(&o.startRate, "start-rate", defaultStartRate, "--find-max: the first step's rate, in requests per second")
	return o
}

// closedLoopFlags are the flags a capacity search sets itself, and the
// flag to use instead.
var closedLoopFlags = []struct{ name, instead string }{
	{"rate", "--start-rate and --max-rate"},
	{"total", "--step"},
	{"duration", "--step"},
	{"warmup", "--step-warmup"},
	{"clients", "--max-inflight (the open loop's bound on requests in flight)"},
}

// check checks the search's flags before any load and keeps what they
// give; kind picks the default SLO. Without --find-max, its own flags are
// refused. A nil o (a kind without --find-max) checks nothing.
func (o *findMaxOptions) check(fs *pflag.FlagSet, kind string, b *benchOptions) error {
	if o == nil {
		return nil
	}
	if !o.on {
		for _, n := range append([]string{"slo", "precision", "step", "step-warmup", "max-steps", "start-rate"}, o.kindFlags...) {
			if fs.Changed(n) {
				return fault.Inputf("--%s is for --find-max", n)
			}
		}
		return nil
	}
	for _, f := range closedLoopFlags {
		if fs.Changed(f.name) {
			return fault.Inputf("--%s does not go with --find-max, which sets the rate and the window of each step; use %s", f.name, f.instead)
		}
	}
	if b.dist.agents.Distributed() {
		return fault.Inputf("--find-max runs on one agent; drop --agents")
	}
	if b.conns > b.maxInflight {
		return fault.Inputf("--conns %d is more than --max-inflight %d: some connections would carry no load", b.conns, b.maxInflight)
	}
	slo, err := capacity.ParseSLO(o.slo, capacity.DefaultSLO(kind))
	if err != nil {
		return err
	}
	precision, err := parsePrecision(o.precision)
	if err != nil {
		return err
	}
	switch {
	case o.step <= 0:
		return fault.Inputf("--step must be positive, got %v", o.step)
	case o.stepWarmup < 0:
		return fault.Inputf("--step-warmup must not be negative, got %v", o.stepWarmup)
	}
	start := o.startRate
	if maxRate := b.guard.maxRate; maxRate > 0 && maxRate < start && !fs.Changed("start-rate") {
		start = maxRate // a low --max-rate alone starts the search at it, rather than refusing the default
	}
	opts := capacity.Options{StartRate: start, MaxRate: b.guard.maxRate, Precision: precision, MaxSteps: o.maxSteps}
	if err := opts.Validate(); err != nil {
		return err
	}
	o.parsed = &runner.CapacityPhase{SLO: slo, Search: opts, Step: o.step, StepWarmup: o.stepWarmup}
	return nil
}

// phase is the plan's phase: the kind's own search (nodes, when given),
// or the capacity search over wp when --find-max is on (after check), else
// wp itself.
func (o *findMaxOptions) phase(wp runner.WorkloadPhase, nodes runner.Phase) runner.Phase {
	switch {
	case o == nil || o.parsed == nil:
		return wp
	case nodes != nil:
		return nodes
	}
	cp := *o.parsed
	cp.Workload = wp
	return cp
}

// parsePrecision reads --precision: "5%" or "5", a percentage in (0, 50].
func parsePrecision(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || math.IsNaN(v) || v <= 0 || v > 50 {
		return 0, fault.Inputf("--precision must be a percentage in (0, 50%%], e.g. 5%%, got %q", s)
	}
	return v / 100, nil
}

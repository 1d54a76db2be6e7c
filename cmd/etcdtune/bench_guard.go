package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// guardOptions are the production guard's flags and --max-rate.
type guardOptions struct {
	off              bool
	maxLeaderChanges int
	maxErrorRate     float64
	maxP99           time.Duration
	maxRate          float64
	running          *engine.Guard // the guard of the run under way, if any
}

func (o *guardOptions) addFlags(fs *pflag.FlagSet) {
	d := engine.DefaultGuardLimits
	fs.BoolVar(&o.off, "no-guard", false, "turn off the production guard on a cluster that is not the embedded etcd (not recommended)")
	fs.IntVar(&o.maxLeaderChanges, "guard-max-leader-changes", d.MaxLeaderChanges, "guard: stop the load after more leader changes than this")
	fs.Float64Var(&o.maxErrorRate, "guard-max-error-rate", d.MaxErrorRate, "guard: stop the load when more than this share of requests failed (0.1 = 10%)")
	fs.DurationVar(&o.maxP99, "guard-max-p99", d.MaxP99, "guard: stop the load when the p99 of each second stays over this for 3 s")
	fs.Float64Var(&o.maxRate, "max-rate", 0, "cap the load at this many requests per second, whatever the workload (0: no cap)")
}

func (o *guardOptions) validate() error {
	switch {
	case o.maxLeaderChanges < 0:
		return fmt.Errorf("--guard-max-leader-changes must not be negative, got %d", o.maxLeaderChanges)
	case o.maxErrorRate <= 0 || o.maxErrorRate > 1:
		return fmt.Errorf("--guard-max-error-rate must be in (0, 1], got %v", o.maxErrorRate)
	case o.maxP99 < 0:
		return fmt.Errorf("--guard-max-p99 must not be negative, got %v", o.maxP99)
	case o.maxRate < 0:
		return fmt.Errorf("--max-rate must not be negative, got %v", o.maxRate)
	}
	return nil
}

// capRate applies --max-rate: an open loop above it runs at it; a closed
// loop becomes an open loop at it with at most --clients in flight, so the
// concurrency stays what was asked and the rate cannot pass the cap.
func (o *guardOptions) capRate(cfg *engine.Config, notes io.Writer) {
	if o.maxRate == 0 {
		return
	}
	switch {
	case cfg.Rate == 0:
		cfg.Rate, cfg.MaxInflight = o.maxRate, cfg.Clients
		fmt.Fprintf(notes, "--max-rate %g: open loop at %g requests/s with at most %d in flight\n", o.maxRate, o.maxRate, cfg.Clients)
	case cfg.Rate > o.maxRate:
		fmt.Fprintf(notes, "--max-rate %g: --rate %g lowered to it\n", o.maxRate, cfg.Rate)
		cfg.Rate = o.maxRate
	}
}

// start checks the cluster and attaches a running guard to cfg, unless the
// target is the embedded etcd (nothing to protect) or --no-guard, which is
// said loudly. The returned stop ends the guard's poller.
func (o *guardOptions) start(ctx context.Context, t *etcdconn.Target, cfg *engine.Config, stderr io.Writer) (stop func(), err error) {
	if t.Embedded() != nil {
		return func() {}, nil
	}
	if o.off {
		fmt.Fprintln(stderr, "WARNING: --no-guard: the production guard is off; nothing will stop this load if the cluster degrades")
		return func() {}, nil
	}
	g := engine.NewGuard(t.Clients()[0], t.Endpoints(), engine.GuardLimits{
		MaxLeaderChanges: o.maxLeaderChanges, MaxErrorRate: o.maxErrorRate, MaxP99: o.maxP99})
	if err := g.Preflight(ctx); err != nil {
		return nil, err
	}
	g.Start(ctx)
	cfg.Guard = g.Check
	o.running = g
	return g.Stop, nil
}

// annotate puts what the running guard saw (leader changes per second and
// in all) into the run's result.
func (o *guardOptions) annotate(wr *result.Workload) {
	if o.running != nil {
		o.running.Annotate(wr)
		o.running = nil
	}
}

// guardAbort turns a run the guard stopped into exit 1 with its reason.
func guardAbort(wr *result.Workload) error {
	if wr == nil || wr.EndReason != result.EndAborted {
		return nil
	}
	return fault.Checkf("the guard stopped the load: %s", wr.AbortReason)
}

package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/runner"
)

// guardOptions are the production guard's flags and --max-rate.
type guardOptions struct {
	off              bool
	maxLeaderChanges int
	maxErrorRate     float64
	maxP99           time.Duration
	maxRate          float64
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

// runner is the guard the runner runs for these flags.
func (o *guardOptions) runner(notes io.Writer) *runner.Guard {
	return &runner.Guard{Off: o.off, MaxRate: o.maxRate, Notes: notes, Limits: engine.GuardLimits{
		MaxLeaderChanges: o.maxLeaderChanges, MaxErrorRate: o.maxErrorRate, MaxP99: o.maxP99}}
}

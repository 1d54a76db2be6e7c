// Package runner runs etcdtune's plans of phases. The sizing run: the probes (host, fsync,
// disk, round trips, cluster), a standard suite of workloads sized by a
// preset, and the advisor's verdicts, gathered into one result. It knows
// nothing of the command line: it reports progress to an Observer and
// returns the result.
package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/etcdtune/etcdtune/buildinfo"
	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/result"
)

// Options say what a run measures and how.
type Options struct {
	Preset  Preset
	Plan    Plan
	Target  etcdconn.Options // no Endpoints: an embedded etcd on Target.DataDir
	Command string           // the command line's name for the result file
	Prefix  string           // every key the suite writes is under it
	// DiskDir is where the fsync and disk probes write: by default the
	// embedded etcd's data dir; with endpoints, nothing is probed unless it
	// is given (a local folder says nothing about a remote member's disk).
	DiskDir     string
	MetricsURLs []string // each member's /metrics, as probe rtt takes them
	// WriteP99LimitMs is the p99 of writes the latency verdict passes
	// under (0: advisor.DefaultWriteP99PassMs).
	WriteP99LimitMs float64
	Observer        Observer
}

// Observer hears of the run's progress, for a display; its methods must
// return quickly.
type Observer interface {
	// Note is a line the user should read: the embedded etcd started, a
	// probe skipped or failed.
	Note(msg string)
	// Phase says that phase n of total starts. For a workload, load is its
	// engine config, and the function returned (nil for none) is called
	// every second of it.
	Phase(n, total int, name string, load *engine.Config) func(elapsed time.Duration, p result.SeriesPoint)
	// PhaseDone ends the phase that Phase started.
	PhaseDone()
}

// Run measures the target and returns the result with its advice. Ctrl-C
// (ctx cancelled) stops the phase in progress and skips the rest: the
// result holds what was measured, with end_reason interrupted. An error
// that stops the run (a prefix in use, the target lost) comes back with
// the result so far, which then says failed; a target that cannot be
// opened at all returns no result, as nothing was measured.
func Run(ctx context.Context, o Options) (*result.Result, error) {
	res := &result.Result{Schema: result.Schema, ToolVersion: buildinfo.ToolVersion(),
		EtcdClient: buildinfo.EtcdVersion(), Command: o.Command, StartedAt: now(),
		EndReason: result.EndCompleted, Host: result.ThisHost()}
	r := &runner{o: o, res: res, phases: suite(o.Preset, o.Plan, o.Prefix, o.Target.CommandTimeout)}
	cleanup, err := r.openTarget(ctx)
	switch {
	case err == nil:
		defer cleanup()
		err = r.measure(ctx)
	case ctx.Err() == nil:
		return nil, err
	}
	res.EndedAt = now()
	switch {
	case ctx.Err() != nil:
		res.EndReason, err = result.EndInterrupted, nil
	case err != nil:
		res.EndReason, res.Error = result.EndFailed, err.Error()
	}
	res.Advice = Advise(res, o.WriteP99LimitMs)
	return res, err
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// runner is one run in progress.
type runner struct {
	o      Options
	res    *result.Result
	phases []loadPhase
	t      *etcdconn.Target
	n      int // the phase in progress, from 1
}

// total is the number of phases: five probes, then the workloads.
func (r *runner) total() int { return 5 + len(r.phases) }

// measure runs the probes, then the suite.
func (r *runner) measure(ctx context.Context) error {
	r.res.Target = r.t.Info(ctx)
	r.probe(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return r.load(ctx)
}

// step runs one phase under the observer.
func (r *runner) step(name string, load *engine.Config, f func()) {
	r.n++
	second := r.o.Observer.Phase(r.n, r.total(), name, load)
	if load != nil {
		load.OnSecond = second
	}
	defer r.o.Observer.PhaseDone()
	f()
}

// skipped tells the user that a phase did not measure, and why; nothing
// when the run was interrupted (the user knows).
func (r *runner) skipped(ctx context.Context, what string, err error) {
	if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		r.o.Observer.Note(fmt.Sprintf("%s: %v (the verdicts that need it say not measured)", what, err))
	}
}

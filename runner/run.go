// Package runner runs etcdtune's plans of phases against one target: the
// header of the result, the target (the cluster or an embedded etcd), the
// phases, the end reason and Ctrl-C, the repeats and the outputs. `bench
// <kind>` is a plan of one workload phase; `run`, the sizing run, is the
// probes (host, fsync, disk, round trips, cluster), a standard suite of
// workloads sized by a preset, and the advisor's verdicts, gathered into
// one result. It knows nothing of the command line: it reports progress to
// an Observer and hands each result to an Output.
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

// Options say what a sizing run measures and how.
type Options struct {
	Preset  Preset
	Timing  Timing
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

// SizingPlan is the plan of the sizing run: the five probes, then the
// suite, then the advice. An error that stops the run (a prefix in use,
// the target lost) leaves the result so far, which then says failed; the
// caller adds the Output and the repeats.
func SizingPlan(o Options) Plan {
	note := func(dataDir string, removed bool) string {
		how := "kept"
		if removed {
			how = "removed afterwards"
		}
		return fmt.Sprintf("no --endpoints: starting an embedded etcd %s on this machine (data dir: %s, %s; the disk under test)",
			buildinfo.EtcdVersion(), dataDir, how)
	}
	return Plan{Command: o.Command, Observer: o.Observer,
		Target: Target{Options: o.Target, Conns: o.Preset.Conns, LocalDataDir: true, EmbeddedNote: note},
		Phases: append([]Phase{probePhase{&o}, suitePhase{&o, suite(o.Preset, o.Timing, o.Prefix, o.Target.CommandTimeout)}},
			capacityPhases(&o)...),
		Finish: func(res *result.Result, err error) {
			if err != nil {
				res.Error = err.Error()
			}
			res.Advice = Advise(res, o.WriteP99LimitMs, o.Preset.K8sNodes)
		}}
}

// sizing is one phase of a sizing run in progress.
type sizing struct {
	o   *Options
	s   *State
	res *result.Result
	t   *etcdconn.Target
}

func newSizing(o *Options, s *State) *sizing {
	return &sizing{o: o, s: s, res: s.Result, t: s.Target}
}

// skipped tells the user that a phase did not measure, and why; nothing
// when the run was interrupted (the user knows).
func (r *sizing) skipped(ctx context.Context, what string, err error) {
	if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		r.s.Note(fmt.Sprintf("%s: %v (the verdicts that need it say not measured)", what, err))
	}
}

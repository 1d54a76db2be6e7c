package runner

import (
	"context"
	"time"

	"github.com/etcdtune/etcdtune/buildinfo"
	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// Plan is what one command runs against one target: the phases, in order,
// Repeat times in a row, each run's result handed to Output once it ends.
// `bench <kind>` is a plan of one workload phase; `run` is the probes, the
// suite and the advice.
type Plan struct {
	Command string // the command line's name for the result file
	Target  Target
	Phases  []Phase
	// Repeat is how many runs in a row (0 or 1: one); the target is opened
	// once for all of them.
	Repeat int
	// Finish, if set, completes each run's result once its phases ended
	// (the sizing run's advice); err is what stopped the run, if anything.
	Finish func(res *result.Result, err error)
	// BeforeRun, if set, is called as run i of n starts.
	BeforeRun func(i, n int)
	Output    Output
	// Collect, if set, passes each run's result between the agents of a
	// distributed run through etcd once Output wrote it.
	Collect  *Collect
	Observer Observer
}

// A Phase is one step of a plan's run: it measures into the run's result.
// An error stops the run (the phases after it are skipped).
type Phase interface {
	// Steps is how many steps the phase shows the Observer.
	Steps() int
	Run(ctx context.Context, s *State) error
}

// Output writes the result of run i of n (from 1) once it ended. runErr is
// what stopped the run, nil when it completed or was interrupted; Write
// decides what to write then, and returns the run's error.
type Output interface {
	Write(res *result.Result, i, n int, runErr error) error
}

// State is one run of a plan in progress.
type State struct {
	Target *etcdconn.Target
	Result *result.Result
	// DataDir is the embedded etcd's data dir (empty with endpoints).
	DataDir string
	Run, Of int // this run, from 1, of the plan's Repeat
	// released is set when the agents' barrier let this run's load start:
	// only then is agent 0 bound to wait for this agent's result (or to
	// hear that its run failed).
	released bool
	observer Observer
	n, total int // the step in progress, from 1, of total
}

// Execute opens the plan's target and runs its phases Repeat times, each
// run's result going to the Output. Ctrl-C (ctx cancelled) stops the phase
// in progress and skips the rest: the result holds what was measured,
// with end_reason interrupted, and no run follows. A target that cannot be
// opened returns its error and no result, as nothing was measured; a run
// the guard aborted returns a check failure after its output.
func Execute(ctx context.Context, p Plan) error {
	runs := max(p.Repeat, 1)
	t, dataDir, cleanup, err := p.Target.open(ctx, p.Observer)
	if err != nil {
		if ctx.Err() == nil {
			return err
		}
		// Interrupted while starting: the run says so, as it would later.
		res := p.header()
		res.EndedAt, res.EndReason = now(), result.EndInterrupted
		if p.Finish != nil {
			p.Finish(res, nil)
		}
		return p.Output.Write(res, 1, runs, nil)
	}
	defer cleanup()
	total := 0
	for _, ph := range p.Phases {
		total += ph.Steps()
	}
	for i := 1; i <= runs; i++ {
		if p.BeforeRun != nil {
			p.BeforeRun(i, runs)
		}
		s := &State{Target: t, Result: p.header(), DataDir: dataDir, Run: i, Of: runs, observer: p.Observer, total: total}
		s.Result.Target = t.Info(ctx)
		if err := p.Collect.check(ctx, t.Clients()[0], i); err != nil {
			return err
		}
		err := s.runPhases(ctx, p.Phases)
		s.Result.EndedAt = now()
		switch {
		case ctx.Err() != nil:
			s.Result.EndReason, err = result.EndInterrupted, nil
		case err != nil:
			s.Result.EndReason = result.EndFailed
		}
		if p.Finish != nil {
			p.Finish(s.Result, err)
		}
		if err := p.Output.Write(s.Result, i, runs, err); err != nil {
			if s.released {
				p.Collect.fail(ctx, t.Clients()[0], i, err, s.Note)
			}
			return err
		}
		if ctx.Err() == nil {
			if err := p.Collect.exchange(ctx, t.Clients()[0], s.Result, i, runs, s.Note); err != nil {
				return err
			}
		}
		if err := abortError(s.Result); err != nil || ctx.Err() != nil {
			return err
		}
	}
	return nil
}

// header starts the result file of a run.
func (p Plan) header() *result.Result { return NewResult(p.Command) }

// NewResult starts the result file of command, e.g. "etcdtune bench put":
// the tool, the host, the start; end_reason completed until told otherwise.
func NewResult(command string) *result.Result {
	return &result.Result{Schema: result.Schema, ToolVersion: buildinfo.ToolVersion(),
		EtcdClient: buildinfo.EtcdVersion(), Command: command, StartedAt: now(),
		EndReason: result.EndCompleted, Host: result.ThisHost()}
}

func (s *State) runPhases(ctx context.Context, phases []Phase) error {
	for _, ph := range phases {
		if err := ph.Run(ctx, s); err != nil || ctx.Err() != nil {
			return err
		}
	}
	return nil
}

// Step runs one step of a phase under the observer; load is a workload's
// engine config (nil for a probe), whose OnSecond the observer sets.
func (s *State) Step(name string, load *engine.Config, f func()) {
	s.n++
	second := s.observer.Phase(s.n, s.total, name, load)
	if load != nil {
		load.OnSecond = second
	}
	defer s.observer.PhaseDone()
	f()
}

// Note tells the user something through the observer.
func (s *State) Note(msg string) { s.observer.Note(msg) }

// abortError turns a run the guard stopped into a failed check with its
// reason.
func abortError(res *result.Result) error {
	if res.EndReason != result.EndAborted {
		return nil
	}
	for _, wr := range res.Workloads {
		if wr.EndReason == result.EndAborted {
			return fault.Checkf("the guard stopped the load: %s", wr.AbortReason)
		}
	}
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

package runner

import (
	"context"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// WorkloadPhase is one workload run in a session of its own: `bench
// <kind>`'s only phase. Guard and Agents are optional.
type WorkloadPhase struct {
	Config engine.Config
	// New builds the workload, afresh for each run of the plan.
	New   func() (engine.Workload, error)
	Force bool // run beside other keys under the prefix (never in its own ranges)
	// Prefix is where the agents' barrier lives (the keys' prefix).
	Prefix string
	Guard  *Guard  // the production guard and --max-rate; nil for none
	Agents *Agents // a run split between agents; nil for one
}

// Steps is one: the workload.
func (p WorkloadPhase) Steps() int { return 1 }

// Run caps the rate, starts the guard, waits at the agents' barrier and
// runs the workload. A workload that ran is in the result whatever ended
// it; an error comes back only when it did not run.
func (p WorkloadPhase) Run(ctx context.Context, s *State) error {
	wl, err := p.New()
	if err != nil {
		return err
	}
	cfg := p.Config
	running, err := p.Guard.start(ctx, s.Target, &cfg)
	if err != nil {
		return err
	}
	defer running.stop()
	if p.Agents != nil && p.Agents.Distributed() {
		// An agent that could not run must say so before the barrier, not
		// after the others waited for it (the session checks again).
		if err := engine.CheckWorkload(ctx, s.Target.Clients()[0], wl, p.Force); err != nil {
			return err
		}
	}
	barrier, released, err := p.Agents.enter(ctx, s.Target.Clients()[0], p.Prefix, s.Run)
	if err != nil {
		return err
	}
	s.released = barrier != nil
	wr, err := runWorkload(ctx, s, wl.Name(), cfg, wl, p.Force, func() { barrier.Close() })
	p.Agents.annotate(wr, released)
	running.annotate(wr)
	if wr == nil {
		return err
	}
	s.Result.EndReason = wr.EndReason
	return nil
}

// runWorkload runs wl in a session as one step of the run, and adds its
// result, if it ran, to the run's. after, if set, runs as soon as the load
// ended (before the step is shown done).
func runWorkload(ctx context.Context, s *State, name string, cfg engine.Config, wl engine.Workload, force bool, after func()) (wr *result.Workload, err error) {
	wr, err = runSession(ctx, s, name, cfg, wl, force, after)
	if wr != nil {
		s.Result.Workloads = append(s.Result.Workloads, wr)
	}
	return wr, err
}

// runSession runs wl in a session (prefix check, preparation, load,
// cleanup) as one step of the run, without adding its result to the run's:
// a capacity search runs many and keeps one.
func runSession(ctx context.Context, s *State, name string, cfg engine.Config, wl engine.Workload, force bool, after func()) (wr *result.Workload, err error) {
	s.Step(name, &cfg, func() {
		wr, err = engine.Session{Config: cfg, Clients: s.Target.Clients(), Force: force}.Run(ctx, wl)
		if after != nil {
			after()
		}
	})
	return wr, err
}

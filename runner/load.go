package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

// load runs the suite, one workload after another, while the server
// metrics are read over the suite's planned time: the leader changes, the
// WAL fsync and the backend commit under load, for the stability and disk
// verdicts. A workload that cannot run at all (an unreachable target, a
// prefix in use) stops the run; one that fails to prepare is noted and
// skipped.
type suitePhase struct {
	o      *Options
	phases []loadPhase
}

// Steps is one for each workload of the suite.
func (ph suitePhase) Steps() int { return len(ph.phases) }

func (ph suitePhase) Run(ctx context.Context, s *State) error {
	r := newSizing(ph.o, s)
	window := r.watchMetrics(ctx, ph.phases)
	defer window()
	for _, lp := range ph.phases {
		wl, err := lp.build()
		if err != nil {
			return fmt.Errorf("%s workload: %w", lp.name, err) // the preset's own figures: a bug, not the user's input
		}
		_, err = runWorkload(ctx, s, lp.name, lp.cfg, wl, false, nil)
		switch {
		case ctx.Err() != nil:
			return nil
		case fatal(err):
			return err
		case err != nil:
			r.skipped(ctx, lp.name+" workload", err)
		}
	}
	return nil
}

// fatal says whether a workload's error stops the run: the target is
// unusable (unreachable, the prefix in use), so the next workloads would
// fail the same way. A workload that failed to prepare, or that etcd
// refused, is noted and skipped.
func fatal(err error) bool {
	return fault.Is(err, fault.Unusable) && !fault.IsAuth(err) && !errors.Is(err, engine.ErrPrepare)
}

// watchMetrics reads the members' metrics over the suite's planned time
// (warm-ups and measured windows; the preloads make the suite run a little
// longer, so the window ends during the last workload). Its result replaces
// the cluster probe's idle window when it completes; the returned function
// waits for it. An interrupted run keeps the idle window.
func (r *sizing) watchMetrics(ctx context.Context, phases []loadPhase) (wait func()) {
	if r.res.Probes.Cluster == nil {
		return func() {}
	}
	urls, err := probes.MetricsURLs(r.t, r.o.MetricsURLs)
	if err != nil {
		return func() {}
	}
	window := loadSeconds(phases)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan *result.MetricsWindow, 1)
	go func() {
		w, err := probes.WatchMetrics(ctx, r.t.HTTPClient(), urls, window)
		if err != nil {
			w = nil
		}
		done <- w
	}()
	return func() {
		// The window is planned to end before the suite does; if the
		// suite stopped early (an error), wait a little, not the window.
		select {
		case w := <-done:
			if w != nil {
				r.res.Probes.Cluster.Window = w
			}
		case <-time.After(r.o.Timing.Warmup + time.Second):
			cancel()
			<-done
		}
		cancel()
	}
}

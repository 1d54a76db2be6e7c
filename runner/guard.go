package runner

import (
	"context"
	"fmt"
	"io"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/result"
)

// Guard is bench's production guard and its --max-rate cap. A nil Guard
// guards nothing.
type Guard struct {
	Off     bool // --no-guard: said loudly
	Limits  engine.GuardLimits
	MaxRate float64   // 0: no cap
	Notes   io.Writer // where the cap and --no-guard are said (stderr)
}

// runningGuard is the guard of the workload under way, if any.
type runningGuard struct{ g *engine.Guard }

// start caps cfg's rate, then checks the cluster and attaches a running
// guard to cfg, unless the target is the embedded etcd (nothing to
// protect) or the guard is off, which is said loudly.
func (g *Guard) start(ctx context.Context, t *etcdconn.Target, cfg *engine.Config) (*runningGuard, error) {
	if g == nil {
		return &runningGuard{}, nil
	}
	g.capRate(cfg)
	if t.Embedded() != nil {
		return &runningGuard{}, nil
	}
	if g.Off {
		fmt.Fprintln(g.Notes, "WARNING: --no-guard: the production guard is off; nothing will stop this load if the cluster degrades")
		return &runningGuard{}, nil
	}
	eg := engine.NewGuard(t.Clients()[0], t.Endpoints(), g.Limits)
	if err := eg.Preflight(ctx); err != nil {
		return nil, err
	}
	eg.Start(ctx)
	cfg.Guard = eg.Check
	return &runningGuard{eg}, nil
}

// capRate applies --max-rate: an open loop above it runs at it; a closed
// loop becomes an open loop at it with at most --clients in flight, so the
// concurrency stays what was asked and the rate cannot pass the cap.
func (g *Guard) capRate(cfg *engine.Config) {
	if g.MaxRate == 0 {
		return
	}
	switch {
	case cfg.Rate == 0:
		cfg.Rate, cfg.MaxInflight = g.MaxRate, cfg.Clients
		fmt.Fprintf(g.Notes, "--max-rate %g: open loop at %g requests/s with at most %d in flight\n", g.MaxRate, g.MaxRate, cfg.Clients)
	case cfg.Rate > g.MaxRate:
		fmt.Fprintf(g.Notes, "--max-rate %g: --rate %g lowered to it\n", g.MaxRate, cfg.Rate)
		cfg.Rate = g.MaxRate
	}
}

// stop ends the guard's poller.
func (r *runningGuard) stop() {
	if r.g != nil {
		r.g.Stop()
	}
}

// annotate puts what the guard saw (leader changes per second and in all)
// into the workload's result.
func (r *runningGuard) annotate(wr *result.Workload) {
	if r.g != nil && wr != nil {
		r.g.Annotate(wr)
	}
}

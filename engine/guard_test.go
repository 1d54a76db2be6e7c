package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// guardedRun runs a put load of duration on c with a guard of limits and
// returns the result; during it, degrade (if set) runs alongside.
func guardedRun(t *testing.T, c *localetcd.ProcessCluster, limits engine.GuardLimits, duration time.Duration, degrade func(ctx context.Context)) (*engine.Result, time.Duration) {
	t.Helper()
	cs := loadtest.Clients(t, 2, c.Endpoints())
	g := engine.NewGuard(cs[0], c.Endpoints(), limits)
	if err := g.Preflight(t.Context()); err != nil {
		t.Fatalf("preflight on a healthy cluster: %v", err)
	}
	g.Start(t.Context())
	defer g.Stop()
	cfg := engine.Config{Clients: 8, Duration: duration, RequestTimeout: 2 * time.Second, Guard: g.Check}
	wl := loadtest.NewPut(t, workloads.PutOptions{Keys: loadtest.Keys(1000), ValSize: 64})
	ctx, cancel := context.WithCancel(t.Context())
	degraded := make(chan struct{})
	// The degrading goroutine ends (its member restarted) before the
	// cluster is closed at the test's end.
	defer func() { cancel(); <-degraded }()
	go func() {
		defer close(degraded)
		if degrade != nil {
			degrade(ctx)
		}
	}()
	start := time.Now()
	res, err := engine.Session{Config: cfg, Clients: cs}.Run(t.Context(), wl)
	if err != nil {
		t.Fatal(err)
	}
	return res, time.Since(start)
}

// A cluster whose leader is stopped again and again is stopped by the guard
// once the elections pass the limit, well before the planned end, and the
// result says why; a healthy cluster under the same guard is not stopped.
func TestGuardStopsLoadOnRepeatedElections(t *testing.T) {
	c := etcdtest.ProcessCluster(t, 3)
	limits := engine.GuardLimits{MaxLeaderChanges: 1, MaxErrorRate: 0.9, MaxP99: time.Minute}

	res, _ := guardedRun(t, c, limits, 3*time.Second, nil)
	if res.EndReason != engine.EndCompleted || res.AbortReason != "" {
		t.Fatalf("clean run: end %q, reason %q", res.EndReason, res.AbortReason)
	}

	res, took := guardedRun(t, c, limits, 60*time.Second, func(ctx context.Context) { stopLeaders(t, ctx, c) })
	t.Logf("aborted after %v: %s", took.Round(100*time.Millisecond), res.AbortReason)
	if res.EndReason != engine.EndAborted || !strings.Contains(res.AbortReason, "leader changes") {
		t.Fatalf("end %q, reason %q, warnings %v", res.EndReason, res.AbortReason, res.Warnings)
	}
	if took > 40*time.Second {
		t.Errorf("the guard took %v to stop a 60 s run", took)
	}
}

// stopLeaders stops the leader, waits for a new one, starts the old one
// again, and repeats until ctx ends.
func stopLeaders(t *testing.T, ctx context.Context, c *localetcd.ProcessCluster) {
	time.Sleep(time.Second)
	for ctx.Err() == nil {
		m, err := c.Leader(ctx)
		if err != nil {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		if err := m.Stop(); err != nil {
			t.Errorf("stop leader: %v", err)
			return
		}
		waitNewLeader(ctx, c, m)
		if err := m.Restart(context.WithoutCancel(ctx)); err != nil {
			t.Errorf("restart: %v", err)
			return
		}
	}
}

func waitNewLeader(ctx context.Context, c *localetcd.ProcessCluster, old *localetcd.ProcessMember) {
	for ctx.Err() == nil {
		if m, err := c.Leader(ctx); err == nil && m != old {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The per-second checks: the error rate over the run and a tail held over
// the limit.
func TestGuardCheckLimits(t *testing.T) {
	g := engine.NewGuard(nil, nil, engine.GuardLimits{MaxLeaderChanges: 1, MaxErrorRate: 0.1, MaxP99: 100 * time.Millisecond})
	if r := g.Check(engine.SeriesPoint{Ops: 1000, P99Ms: 5}); r != "" {
		t.Fatalf("healthy second stopped: %s", r)
	}
	if r := g.Check(engine.SeriesPoint{Ops: 100, Errors: 400, P99Ms: 5}); !strings.Contains(r, "--guard-max-error-rate") {
		t.Fatalf("25%% errors: %q", r)
	}
	g = engine.NewGuard(nil, nil, engine.GuardLimits{MaxP99: 100 * time.Millisecond})
	for i := 1; i <= 3; i++ {
		r := g.Check(engine.SeriesPoint{Ops: 10, P99Ms: 500})
		if (r != "") != (i == 3) {
			t.Fatalf("slow second %d: %q", i, r)
		}
	}
}

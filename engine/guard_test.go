package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

// A cluster whose leader is stopped again and again is stopped by the guard
// once the elections pass the limit, well before the planned end, and the
// result says why; a healthy cluster under the same guard is not stopped.
func TestGuardStopsLoadOnRepeatedElections(t *testing.T) {
	c := etcdtest.ProcessCluster(t, 3)
	limits := engine.GuardLimits{MaxLeaderChanges: 1, MaxErrorRate: 0.9, MaxP99: time.Minute}

	res, _ := guardedRun(t, c, limits, 3*time.Second, nil)
	if res.EndReason != result.EndCompleted || res.AbortReason != "" {
		t.Fatalf("clean run: end %q, reason %q", res.EndReason, res.AbortReason)
	}

	res, took := guardedRun(t, c, limits, 60*time.Second, func(ctx context.Context) { stopLeaders(t, ctx, c) })
	t.Logf("aborted after %v: %s", took.Round(100*time.Millisecond), res.AbortReason)
	if res.EndReason != result.EndAborted || !strings.Contains(res.AbortReason, "leader changes") {
		t.Fatalf("end %q, reason %q, warnings %v", res.EndReason, res.AbortReason, res.Warnings)
	}
	if took > 40*time.Second {
		t.Errorf("the guard took %v to stop a 60 s run", took)
	}
}

// The per-second checks: the error rate over the run and a tail held over
// the limit.
func TestGuardCheckLimits(t *testing.T) {
	g := engine.NewGuard(nil, nil, engine.GuardLimits{MaxLeaderChanges: 1, MaxErrorRate: 0.1, MaxP99: 100 * time.Millisecond})
	if r := g.Check(result.SeriesPoint{Ops: 1000, P99Ms: 5}); r != "" {
		t.Fatalf("healthy second stopped: %s", r)
	}
	if r := g.Check(result.SeriesPoint{Ops: 100, Errors: 400, P99Ms: 5}); !strings.Contains(r, "--guard-max-error-rate") {
		t.Fatalf("25%% errors: %q", r)
	}
	g = engine.NewGuard(nil, nil, engine.GuardLimits{MaxP99: 100 * time.Millisecond})
	for i := 1; i <= 3; i++ {
		r := g.Check(result.SeriesPoint{Ops: 10, P99Ms: 500})
		if (r != "") != (i == 3) {
			t.Fatalf("slow second %d: %q", i, r)
		}
	}
}

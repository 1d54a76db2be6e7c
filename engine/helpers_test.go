package engine_test

// Helpers of this package's tests; those shared with the other packages'
// tests are in internal/loadtest.

import (
	"context"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads"
)

// guardedRun runs a put load of duration on c with a guard of limits and
// returns the result; during it, degrade (if set) runs alongside.
func guardedRun(t *testing.T, c *localetcd.ProcessCluster, limits engine.GuardLimits, duration time.Duration, degrade func(ctx context.Context)) (*result.Workload, time.Duration) {
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

// shareAbove is the share of a histogram's values above ms milliseconds.
func shareAbove(t *testing.T, encoded string, ms float64) float64 {
	t.Helper()
	h, err := hdr.Decode([]byte(encoded))
	if err != nil {
		t.Fatal(err)
	}
	var above int64
	for _, b := range h.Distribution() {
		if float64(b.From)/1000 >= ms {
			above += b.Count
		}
	}
	return float64(above) / float64(h.TotalCount())
}

func minT(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxT(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

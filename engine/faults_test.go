package engine_test

import (
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads"
)

// An etcd paused for about a second in the middle of an open-loop run must
// show in the reported tail: the maximum is at least the pause, and the
// share of slow requests is about the share of sends scheduled inside the
// pause. The service time alone (from the actual send) hides it, because
// with --max-inflight reached the sends behind the stall go out late.
func TestOpenLoopShowsPausedServer(t *testing.T) {
	c := etcdtest.ProcessCluster(t, 1)
	cs := loadtest.Clients(t, 2, c.Endpoints())
	wl := loadtest.NewPut(t, workloads.PutOptions{Keys: loadtest.Keys(1000), ValSize: 64})
	const duration = 5 * time.Second
	cfg := engine.Config{Rate: 500, MaxInflight: 50, Duration: duration, RequestTimeout: 10 * time.Second}

	type outcome struct {
		res *result.Workload
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := engine.Run(t.Context(), cfg, wl, cs)
		done <- outcome{res, err}
	}()
	time.Sleep(2 * time.Second)
	m := c.Members()[0]
	pausedAt := time.Now()
	if err := m.Pause(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := m.Resume(); err != nil {
		t.Fatal(err)
	}
	pause := time.Since(pausedAt)
	out := <-done
	if out.err != nil {
		t.Fatal(out.err)
	}
	res := out.res
	t.Logf("pause %v; latency %+v; service %+v; open loop %+v", pause, res.LatencyMs, *res.ServiceLatencyMs, *res.OpenLoop)

	if res.LatencyMs.Max < 0.9*float64(pause.Milliseconds()) {
		t.Errorf("max latency %.0f ms does not show a pause of %v", res.LatencyMs.Max, pause)
	}
	// Sends scheduled in [pause start, pause end - 100 ms] wait at least 100 ms.
	const slow = 100.0
	want := (pause.Seconds() - slow/1000) / duration.Seconds()
	got := shareAbove(t, res.Histogram, slow)
	if got < 0.6*want || got > 1.6*want {
		t.Errorf("%.1f%% of requests took over %.0f ms, want about %.1f%% (the sends scheduled inside the pause)", 100*got, slow, 100*want)
	}
	if svc := shareAbove(t, res.ServiceHistogram, slow); svc > want/3 {
		t.Errorf("service time shows %.1f%% slow requests; with the in-flight bound reached it should hide most of the %.1f%%", 100*svc, 100*want)
	}
	if res.OpenLoop.InflightLimitHits == 0 || len(res.Warnings) == 0 {
		t.Errorf("the in-flight bound was reached but not reported: %+v %v", res.OpenLoop, res.Warnings)
	}
}

// Killing the leader of a 3-member cluster during a run gives counted
// errors and a result, not a crash; the load goes on through the client's
// failover.
func TestMemberKilledDuringRun(t *testing.T) {
	c := etcdtest.ProcessCluster(t, 3)
	cs := loadtest.Clients(t, 6, c.Endpoints())
	wl := loadtest.NewPut(t, workloads.PutOptions{Keys: loadtest.Keys(1000), ValSize: 64})
	cfg := engine.Config{Clients: 48, Duration: 5 * time.Second, RequestTimeout: 2 * time.Second}

	done := make(chan *result.Workload, 1)
	go func() {
		res, err := engine.Run(t.Context(), cfg, wl, cs)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	time.Sleep(1500 * time.Millisecond)
	leader, err := c.Leader(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := leader.Kill(); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res == nil {
		t.Fatal("no result")
	}
	t.Logf("ops %d errors %d kinds %v", res.Ops, res.Errors, res.ErrorKinds)
	var kinds int64
	for _, n := range res.ErrorKinds {
		kinds += n
	}
	if res.Errors == 0 || kinds != res.Errors {
		t.Errorf("errors %d, by kind %v: killing the leader must show as counted errors", res.Errors, res.ErrorKinds)
	}
	last := res.Series[len(res.Series)-1]
	if len(res.Series) < 4 || last.Ops == 0 {
		t.Errorf("the load did not go on after the kill: series %+v", res.Series)
	}
}

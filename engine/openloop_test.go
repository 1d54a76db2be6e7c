package engine_test

import (
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads"
)

// The open loop keeps its rate: every scheduled send goes out, on time.
func TestOpenLoopKeepsRate(t *testing.T) {
	_, cs := loadtest.Embedded(t, 2)
	wl := loadtest.NewPut(t, workloads.PutOptions{Keys: loadtest.Keys(100), ValSize: 64})
	res := loadtest.Run(t, engine.Config{Rate: 500, MaxInflight: 200, Duration: 2 * time.Second}, wl, cs)
	ol := res.OpenLoop
	if ol == nil || res.Mode != result.ModeOpen {
		t.Fatalf("not an open-loop result: %+v", res)
	}
	if ol.Scheduled != 1000 || ol.Sent != 1000 || ol.Unsent != 0 || res.Ops != 1000 {
		t.Errorf("scheduled %d, sent %d, unsent %d, ops %d; want 1000 of each", ol.Scheduled, ol.Sent, ol.Unsent, res.Ops)
	}
	if ol.AchievedRate < 490 || ol.AchievedRate > 510 {
		t.Errorf("achieved %.1f/s against 500/s", ol.AchievedRate)
	}
	if res.ServiceLatencyMs == nil || res.ServiceHistogram == "" {
		t.Error("open loop must report the service latency beside the latency")
	}
}

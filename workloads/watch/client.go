package watch

import (
	"fmt"
	"runtime"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// Who was the limit. Every delivery latency is taken in this process, so a
// client that cannot keep up adds its own queueing to the figure; these
// are the thresholds past which the result says the latency is the
// client's rather than etcd's.
const (
	// saturatedBusyShare: the receive loops spent this share of their time
	// handling responses, not waiting for the next one.
	saturatedBusyShare = 0.9
	// saturatedCores: the process used this share of the cores it may run
	// on (GOMAXPROCS).
	saturatedCores = 0.9
)

// streamTotals sums the normal watchers' receive loops.
type streamTotals struct {
	busy, wait time.Duration
	resumes    int64
}

func (s *watchSet) streamTotals() streamTotals {
	var t streamTotals
	for _, stream := range s.streams {
		st := stream.Stats()
		t.busy += st.Busy
		t.wait += st.Wait
		t.resumes += st.Resumes
	}
	return t
}

// clientStats is what the client cost from the start of the load to now,
// the end of the drain.
func (s *watchSet) clientStats(liveEvents int64) *result.WatchClient {
	wall := time.Since(s.loadStart)
	cpu := engine.CPUTime() - s.cpu0
	t := s.streamTotals()
	busy, wait := t.busy-s.client0.busy, t.wait-s.client0.wait
	c := &result.WatchClient{CPUSeconds: cpu.Seconds(), Cores: runtime.GOMAXPROCS(0), MaxRSSBytes: engine.MaxRSS(),
		StreamResumes: t.resumes}
	if wall > 0 {
		c.CPUCores = cpu.Seconds() / wall.Seconds()
	}
	if liveEvents > 0 {
		c.CPUMicrosEvent = float64(cpu.Microseconds()) / float64(liveEvents)
	}
	if busy+wait > 0 {
		c.ReceiveBusyShare = float64(busy) / float64(busy+wait)
	}
	c.Saturated = c.ReceiveBusyShare >= saturatedBusyShare || c.CPUCores >= saturatedCores*float64(c.Cores)
	return c
}

// saturationWarning says that the delivery latency is the client's.
func saturationWarning(c *result.WatchClient) string {
	return fmt.Sprintf("the watch client was saturated (receive loops busy %.0f%% of the time, %.2f of %d cores): the delivery latency is mostly the client's, not etcd's",
		100*c.ReceiveBusyShare, c.CPUCores, c.Cores)
}

package watch_test

import (
	"fmt"
	"testing"

	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads/watch"
)

// BenchmarkEtcdWatch delivers puts to 100, 1,000 and 10,000 watchers of the
// whole prefix on an embedded etcd, and reports the event throughput and
// the delivery latency from each put's intended send time. The put rate
// falls as the watchers grow, so that each run offers the same 20,000
// events a second (under what a shared 2-core machine delivers) for 10 s.
// It ignores b.N: run it with -benchtime 1x.
func BenchmarkEtcdWatch(b *testing.B) {
	cases := []struct {
		watchers, streams int
		puts              int64
		rate              float64
	}{
		{100, 1, 2000, 200},
		{1000, 10, 200, 20},
		{10000, 100, 20, 2},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("watchers=%d", c.watchers), func(b *testing.B) {
			cs := loadtest.Embedded(b, 8)
			o := watch.Options{Keys: loadtest.Keys(1000), Watchers: c.watchers, Streams: c.streams, Scope: watch.ScopePrefix}
			for b.Loop() {
				res := runWatch(b, cs, o, c.puts, c.rate)
				w := res.Watch
				if w.EventsMissing+w.EventsDuplicated+w.EventsOutOfOrder != 0 {
					b.Errorf("integrity: %+v", w)
				}
				b.ReportMetric(w.EventsPerS, "events/s")
				b.ReportMetric(w.DeliveryMs.P50, "delivery-p50-ms")
				b.ReportMetric(w.DeliveryMs.P99, "delivery-p99-ms")
				b.ReportMetric(w.CreateMs.P99, "create-p99-ms")
				b.ReportMetric(res.LatencyMs.P99, "put-p99-ms")
			}
		})
	}
}

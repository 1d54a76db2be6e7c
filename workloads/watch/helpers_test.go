package watch_test

// Helpers of this package's tests; those shared with the other packages'
// tests are in internal/loadtest.

import (
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads/watch"
)

func newWatch(t testing.TB, o watch.Options) *watch.Workload {
	t.Helper()
	if o.ValSize == 0 {
		o.ValSize = 64
	}
	return loadtest.New(t, watch.New, o)
}

// runWatch runs a watch workload in a session with puts at rate.
func runWatch(t testing.TB, cs []*clientv3.Client, o watch.Options, total int64, rate float64) *result.Workload {
	t.Helper()
	cfg := engine.Config{Rate: rate, MaxInflight: 1000, Total: total, RequestTimeout: 10 * time.Second}
	res := loadtest.Session(t, cfg, newWatch(t, o), cs)
	if res.Watch == nil {
		t.Fatalf("no watch figures in the result: %+v", res)
	}
	if res.Errors != 0 || res.Ops != total {
		t.Fatalf("puts: %d ok, errors %v; want %d ok", res.Ops, res.ErrorKinds, total)
	}
	return res
}

// assertIntact checks that the watchers received exactly what they should.
func assertIntact(t *testing.T, w *result.WatchStats, wantExpected int64) {
	t.Helper()
	if w.EventsExpected != wantExpected || w.EventsReceived != wantExpected {
		t.Errorf("events expected %d, received %d; want %d of each", w.EventsExpected, w.EventsReceived, wantExpected)
	}
	if w.EventsMissing != 0 || w.EventsDuplicated != 0 || w.EventsOutOfOrder != 0 || w.EventsUnexpected != 0 || w.Cancelled != 0 {
		t.Errorf("missing %d, duplicated %d, out of order %d, unexpected %d, cancelled %d; want none",
			w.EventsMissing, w.EventsDuplicated, w.EventsOutOfOrder, w.EventsUnexpected, w.Cancelled)
	}
}

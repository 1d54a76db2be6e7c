package watch_test

import (
	"context"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/workloads/watch"
)

// A watcher set through a member restart: the watch streams on the member
// that is killed break, open again on the other members, and re-create their
// watches from the revision after each one's last event; every watcher
// still receives each event of the load once, in order.
func TestWatchThroughMemberRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("needs etcd processes")
	}
	c := etcdtest.ProcessCluster(t, 3)
	// Every connection knows every member, and the streams spread over the
	// members round robin: some of them are on the one killed.
	cs := loadtest.Clients(t, 3, c.Endpoints())
	const watchers, puts = 60, 3000
	o := watch.Options{Keys: loadtest.Keys(100), Watchers: watchers, Streams: 12, Scope: watch.ScopePrefix}
	ctx, cancel := context.WithCancel(t.Context())
	restarted := make(chan struct{})
	go func() {
		defer close(restarted)
		restartFollower(t, ctx, c)
	}()
	cfg := engine.Config{Rate: 500, MaxInflight: 1000, Total: puts, RequestTimeout: 5 * time.Second}
	res := loadtest.Session(t, cfg, newWatch(t, o), cs)
	cancel()
	<-restarted
	w := res.Watch
	if w == nil || w.Client == nil {
		t.Fatalf("no watch figures: %+v", res)
	}
	// A put that failed while the member went away is not an event: the
	// expected count is each key's version, as etcd counted the puts.
	if w.EventsExpected < watchers*(puts-res.Errors) || w.EventsReceived != w.EventsExpected {
		t.Errorf("events expected %d, received %d; want %d watchers x %d puts made", w.EventsExpected, w.EventsReceived, watchers, puts-res.Errors)
	}
	if w.EventsMissing+w.EventsDuplicated+w.EventsOutOfOrder+w.EventsUnexpected != 0 || w.Cancelled != 0 {
		t.Errorf("missing %d, duplicated %d, out of order %d, unexpected %d, cancelled %d; want none",
			w.EventsMissing, w.EventsDuplicated, w.EventsOutOfOrder, w.EventsUnexpected, w.Cancelled)
	}
	if w.Client.StreamResumes == 0 {
		t.Errorf("no stream was opened again: the restart did not reach the watchers (%+v)", w.Client)
	}
	t.Logf("%d puts (%d failed), %d events, %d streams resumed", res.Ops, res.Errors, w.EventsReceived, w.Client.StreamResumes)
}

// restartFollower kills a follower a second into the load and starts it
// again a second later.
func restartFollower(t *testing.T, ctx context.Context, c *localetcd.ProcessCluster) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(time.Second):
	}
	leader, err := c.Leader(ctx)
	if err != nil {
		t.Errorf("leader: %v", err)
		return
	}
	var m *localetcd.ProcessMember
	for _, x := range c.Members() {
		if x != leader {
			m = x
			break
		}
	}
	// Killed: a graceful stop would wait for the watch streams to end.
	if err := m.Kill(); err != nil {
		t.Errorf("kill %s: %v", m.Name(), err)
		return
	}
	time.Sleep(time.Second)
	if err := m.Restart(context.WithoutCancel(ctx)); err != nil {
		t.Errorf("restart %s: %v", m.Name(), err)
	}
}

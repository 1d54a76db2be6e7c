package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

// During a run on a 3-member cluster the leader is killed, a follower
// paused and the dead member restarted: the load goes on through the
// client's failover, the run completes, errors are counted by kind, the
// leader change is in the series and in the counters, and nothing outside
// the prefix changes.
func TestBenchSurvivesFaults(t *testing.T) {
	c := etcdtest.ProcessCluster(t, 3)
	cli := etcdtest.Client(t, c.Endpoints()...)
	ctx := t.Context()
	outside, err := cli.Put(ctx, "/outside/key", "mine")
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "faults.json")
	done := make(chan runResult, 1)
	go func() {
		done <- etcdtune(t, nil, "bench", "put", "--endpoints", strings.Join(c.Endpoints(), ","), "--clients", "16", "--conns", "4",
			"--duration", "9s", "--command-timeout", "2s", "--guard-max-leader-changes", "5", "--out", out)
	}()
	time.Sleep(2 * time.Second)
	leader, err := c.Leader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := leader.Kill(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	for _, m := range c.Members() {
		if m != leader && m.Running() {
			if err := m.Pause(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second)
			if err := m.Resume(); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if err := leader.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if r := <-done; r.code != 0 {
		t.Fatalf("bench under faults: exit %d: %s", r.code, r.stderr)
	}

	res, err := result.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	w := res.Workloads[0]
	var byKind, marked int64
	for _, n := range w.ErrorKinds {
		byKind += n
	}
	for _, p := range w.Series {
		marked += p.LeaderChanges
	}
	t.Logf("ops %d errors %d %v leader changes %d (marked %d)", w.Ops, w.Errors, w.ErrorKinds, w.Counters["leader_changes"], marked)
	if w.EndReason != "completed" || w.Ops == 0 {
		t.Errorf("end %q with %d ops", w.EndReason, w.Ops)
	}
	if w.Errors == 0 || byKind != w.Errors {
		t.Errorf("errors %d, by kind %v: the kill must show as counted errors", w.Errors, w.ErrorKinds)
	}
	if w.Counters["leader_changes"] < 1 || marked < 1 {
		t.Errorf("leader changes %d, marked in the series %d: the election is missing", w.Counters["leader_changes"], marked)
	}
	got, err := cli.Get(ctx, "/outside/key")
	if err != nil || len(got.Kvs) != 1 || string(got.Kvs[0].Value) != "mine" || got.Kvs[0].ModRevision != outside.Header.Revision {
		t.Errorf("the key outside the prefix changed: %v %+v", err, got)
	}
	if n, err := cli.Get(ctx, "/etcdtune/", clientv3.WithPrefix(), clientv3.WithCountOnly()); err != nil || n.Count != 0 {
		t.Errorf("prefix not empty after the run: %v %v", err, n)
	}
}

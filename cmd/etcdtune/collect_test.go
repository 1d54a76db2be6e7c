package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

// TestCollectThroughEtcd is a distributed run as an Indexed Job makes it,
// without a shared folder: three agent processes with one command line
// (the index from $JOB_COMPLETION_INDEX, --collect -), each with a folder
// of its own for --out. Agent 0's stdout is the merged result, one line of
// JSON; its ops are the sum of the agents' and the puts etcd committed
// under their keys; the results passed through etcd were all deleted, and
// no key and no lease is left.
func TestCollectThroughEtcd(t *testing.T) {
	start := time.Now()
	e := etcdtest.Embedded(t)
	cli := etcdtest.Client(t, e.Endpoints()...)
	const agents = 3
	needBinary(t)
	rev0 := revision(t, cli)
	runs := make([]runResult, agents)
	files := make([]string, agents)
	var wg sync.WaitGroup
	for i := range agents {
		files[i] = filepath.Join(t.TempDir(), "result.json") // a folder of its own
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 200 * time.Millisecond)
			runs[i] = etcdtuneProcess(t, []string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i)}, "bench", "put",
				"--endpoints", e.Endpoints()[0], "--agents", fmt.Sprint(agents), "--rate", "600", "--conns", "2",
				"--duration", "2s", "--warmup", "0s", "--out", files[i], "--collect", "-", "--collect-timeout", "60s")
		}()
	}
	wg.Wait()
	for i, r := range runs {
		if r.code != 0 {
			t.Fatalf("agent %d: exit %d: %s", i, r.code, r.stderr)
		}
		if i > 0 && r.stdout != "" {
			t.Errorf("agent %d wrote to stdout, which --collect - keeps for agent 0's merge: %q", i, r.stdout)
		}
	}
	rev1 := revision(t, cli)

	out := runs[0].stdout
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, `{"schema":"`+result.Schema+`"`) {
		t.Fatalf("agent 0's stdout is not one line of result JSON: %.300q", out)
	}
	m, err := result.Read(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(runs[0].stderr, "merged the results of 3 agents") {
		t.Errorf("agent 0's stderr does not say it merged: %s", runs[0].stderr)
	}
	mw := m.Workloads[0]
	sumOps, sumErrs, _ := sumAgents(t, files)
	ev := etcdEvents(t, cli, rev0, rev1)
	if mw.Ops != sumOps || sumErrs != 0 || sumOps == 0 {
		t.Errorf("merged ops %d, the agents' sum %d (errors %d)", mw.Ops, sumOps, sumErrs)
	}
	if puts := ev["put /etcdtune/agent-"]; puts != mw.Ops {
		t.Errorf("etcd committed %d puts under the agents' keys, merged ops %d", puts, mw.Ops)
	}
	// Agents 1 and 2 each put their chunks and a manifest; agent 0 deleted
	// each key it read.
	results := "/etcdtune/barrier/1/result/"
	if p, d := ev["put "+results], ev["delete "+results]; p < 2*(agents-1) || d != p {
		t.Errorf("%d puts and %d deletes of result keys, want at least 2 per agent but 0, each deleted", p, d)
	}
	if left := countPrefix(t, cli, "/etcdtune/"); left != 0 {
		t.Errorf("%d keys left under the prefix", left)
	}
	leases, err := cli.Leases(t.Context())
	if err != nil || len(leases.Leases) != 0 {
		t.Errorf("leases left: %v %v", leases, err)
	}
	t.Logf("merged %d ops (agents' sum %d, %d puts committed), %d result keys through etcd; etcd events %v; took %v",
		mw.Ops, sumOps, ev["put /etcdtune/agent-"], ev["put "+results], ev, time.Since(start).Round(time.Millisecond))
}

// etcdEvents counts the events of etcd's history over (from, to] by kind
// and place: "put /etcdtune/agent-", "delete /etcdtune/barrier/1/result/",
// ... Every revision of the window must be under /etcdtune/.
func etcdEvents(t *testing.T, c *clientv3.Client, from, to int64) map[string]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	n := map[string]int64{}
	revs := map[int64]bool{}
	places := []string{"/etcdtune/agent-", "/etcdtune/barrier/1/result/", "/etcdtune/barrier/1/"}
	for wr := range c.Watch(ctx, "/etcdtune/", clientv3.WithPrefix(), clientv3.WithRev(from+1)) {
		if err := wr.Err(); err != nil {
			t.Fatal(err)
		}
		for _, ev := range wr.Events {
			revs[ev.Kv.ModRevision] = true
			kind := strings.ToLower(ev.Type.String())
			for _, p := range places {
				if strings.HasPrefix(string(ev.Kv.Key), p) {
					n[kind+" "+p]++
					break
				}
			}
		}
		if len(revs) > 0 && maxKey(revs) >= to {
			break
		}
	}
	if int64(len(revs)) != to-from {
		t.Errorf("%d revisions of etcdtune's keys in (%d, %d]: the window holds other writes", len(revs), from, to)
	}
	return n
}

// Agent 0 says which agents sent nothing by --collect-timeout (exit 1),
// after its own run and with its own result written; nothing is left.
func TestCollectNamesTheMissingAgent(t *testing.T) {
	e := etcdtest.Embedded(t)
	cli := etcdtest.Client(t, e.Endpoints()...)
	dir := t.TempDir()
	var wg sync.WaitGroup
	runs := make([]runResult, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"bench", "put", "--endpoints", e.Endpoints()[0], "--agents", "2", "--agent-index", fmt.Sprint(i),
				"--total", "50", "--clients", "2", "--conns", "1", "--barrier-timeout", "30s", "--out", filepath.Join(dir, fmt.Sprintf("agent-%d.json", i))}
			if i == 0 { // agent 1 was not given --collect: it publishes nothing
				args = append(args, "--collect", filepath.Join(dir, "merged.json"), "--collect-timeout", "2s")
			}
			runs[i] = etcdtune(t, nil, args...)
		}()
	}
	wg.Wait()
	if runs[1].code != 0 {
		t.Fatalf("agent 1: exit %d: %s(agent 0: exit %d: %s)", runs[1].code, runs[1].stderr, runs[0].code, runs[0].stderr)
	}
	assertOneLineError(t, runs[0], exitCheckFailed, "no result from agent 1 of 2 within --collect-timeout 2s")
	if _, err := result.ReadFile(filepath.Join(dir, "agent-0.json")); err != nil {
		t.Errorf("agent 0's own result: %v", err)
	}
	if left := countPrefix(t, cli, "/etcdtune/"); left != 0 {
		t.Errorf("%d keys left", left)
	}
}

// A run is refused before any load when a killed run's results are where
// its results would go, naming etcdtune cleanup, which finds and removes
// them.
func TestCollectRefusesLeftResults(t *testing.T) {
	e := etcdtest.Embedded(t)
	ep := e.Endpoints()[0]
	cli := etcdtest.Client(t, ep)
	rr := engine.RunResults{Prefix: "/etcdtune/", Run: 1}
	if err := rr.Publish(t.Context(), cli, 1, &result.Result{Schema: result.Schema}, 600, 0); err != nil {
		t.Fatal(err)
	}
	r := etcdtune(t, nil, "bench", "put", "--endpoints", ep, "--agents", "2", "--collect", "-", "--total", "10")
	assertOneLineError(t, r, exitBadInput, "etcdtune cleanup --prefix \"/etcdtune/\"")
	r = etcdtune(t, nil, "cleanup", "--endpoints", ep, "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, engine.ShapeResult) {
		t.Fatalf("cleanup: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if n, l := countPrefix(t, cli, "/etcdtune/"), marked(t, cli, engine.BarrierPrefix("/etcdtune/", 1)); n != 0 || l != 0 {
		t.Errorf("after cleanup: %d keys, %d leases", n, l)
	}
}

// Ctrl-C while agent 0 waits for a missing agent ends it as interrupted
// (exit 130), and the result it had read already is deleted, lease and
// all: nothing waits in etcd for the lease's TTL.
func TestCollectInterruptedRemovesWhatItRead(t *testing.T) {
	e := etcdtest.Embedded(t)
	ep := e.Endpoints()[0]
	cli := etcdtest.Client(t, ep)
	common := []string{"bench", "put", "--endpoints", ep, "--agents", "3", "--total", "50", "--clients", "2", "--conns", "1"}
	zero := binaryCommand(t, nil, append(common, "--agent-index", "0", "--collect", "-", "--collect-timeout", "5m")...)
	var stderr bytes.Buffer
	zero.Stderr = &stderr
	if err := zero.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i, extra := range [][]string{{"--collect", "-"}, nil} { // agent 2 publishes nothing
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := etcdtune(t, nil, append(append(common, "--agent-index", fmt.Sprint(i+1)), extra...)...); r.code != 0 {
				t.Errorf("agent %d: exit %d: %s", i+1, r.code, r.stderr)
			}
		}()
	}
	wg.Wait()
	// Agent 0's load ended when its barrier key went; it then finds agent
	// 1's result within a poll (500 ms).
	for deadline := time.Now().Add(30 * time.Second); countPrefix(t, cli, "/etcdtune/barrier/1/0") != 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("agent 0 did not leave the barrier")
		}
	}
	time.Sleep(2 * time.Second)
	if n := countPrefix(t, cli, "/etcdtune/barrier/1/result/1/"); n < 2 {
		t.Fatalf("agent 1's result: %d keys, want its chunks and manifest", n)
	}
	interruptAfter(t, zero, 0, 30*time.Second, &stderr)
	if n := countPrefix(t, cli, "/etcdtune/"); n != 0 {
		t.Errorf("%d keys left after agent 0's Ctrl-C", n)
	}
	if leases, err := cli.Leases(t.Context()); err != nil || len(leases.Leases) != 0 {
		t.Errorf("leases left after agent 0's Ctrl-C: %v %v", leases, err)
	}
}

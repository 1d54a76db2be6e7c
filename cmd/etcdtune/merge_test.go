package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

// TestMergeThreeAgents runs three agent processes of one distributed put
// benchmark against one etcd and merges their results: the merged ops are
// the agents' sum and the puts etcd committed, the merged p99 is the p99 of
// the union of their histograms, and they started within 100 ms.
func TestMergeThreeAgents(t *testing.T) {
	start := time.Now()
	e := etcdtest.Embedded(t)
	cli := etcdtest.Client(t, e.Endpoints()...)
	ctx := t.Context()
	rev0 := revision(t, cli)

	dir := t.TempDir()
	const agents = 3
	files := runAgents(t, e.Endpoints()[0], dir, agents)
	if t.Failed() {
		return
	}
	rev1 := revision(t, cli)

	merged := filepath.Join(dir, "merged.json")
	if r := etcdtune(t, nil, append([]string{"merge", "--out", merged, "-o", "json"}, files...)...); r.code != 0 {
		t.Fatalf("merge: exit %d: %s", r.code, r.stderr)
	}
	m, err := result.ReadFile(merged)
	if err != nil {
		t.Fatal(err)
	}
	mw := m.Workloads[0]
	sumOps, sumErrs, union := sumAgents(t, files)
	if mw.Ops != sumOps || sumErrs != 0 {
		t.Errorf("merged ops %d, the agents' sum %d (errors %d)", mw.Ops, sumOps, sumErrs)
	}
	if mw.TargetRate != 600 {
		t.Errorf("merged target rate %v, want the 600/s asked for", mw.TargetRate)
	}
	puts := committedPuts(ctx, t, cli, rev0, rev1, "/etcdtune/agent-")
	if puts != mw.Ops {
		t.Errorf("etcd committed %d puts under the agents' keys between revisions %d and %d, merged ops %d", puts, rev0, rev1, mw.Ops)
	}
	if want := float64(union.ValueAtQuantile(99)) / 1000; mw.LatencyMs.P99 != want {
		t.Errorf("merged p99 %v ms, p99 of the union of histograms %v ms", mw.LatencyMs.P99, want)
	}
	// Every other revision is the barrier's (an entry and a lease revoke per
	// agent) or a cleanup (one delete per agent).
	if rev1-rev0 != mw.Ops+3*agents {
		t.Errorf("revision delta %d, want merged ops %d + 3 per agent", rev1-rev0, mw.Ops)
	}
	var seriesOps int64
	for _, p := range mw.Series {
		seriesOps += p.Ops
	}
	if seriesOps != mw.Ops {
		t.Errorf("merged series sum to %d ops, merged ops %d", seriesOps, mw.Ops)
	}
	spread, ok := mw.Params[reports.ParamBarrierSpreadMs].(float64)
	if !ok || spread > 100 {
		t.Errorf("agents released from the barrier %v ms apart, want within 100 ms", mw.Params[reports.ParamBarrierSpreadMs])
	}
	if left := countPrefix(t, cli, "/etcdtune/"); left != 0 {
		t.Errorf("%d keys left under the prefix (barrier or data)", left)
	}
	t.Logf("merged: %d ops (sum %d), %d puts committed, revision delta %d, p99 %.3f ms, barrier spread %.1f ms; took %v",
		mw.Ops, sumOps, puts, rev1-rev0, mw.LatencyMs.P99, spread, time.Since(start).Round(time.Millisecond))
}

// runAgents runs the agents of one bench put as processes (each has its
// own environment), started 300 ms apart so that the barrier must line
// them up, and returns their result files.
func runAgents(t *testing.T, endpoint, dir string, agents int) []string {
	t.Helper()
	files := make([]string, agents)
	needBinary(t) // before the agents, which must start apart
	var wg sync.WaitGroup
	for i := range agents {
		files[i] = filepath.Join(dir, fmt.Sprintf("agent-%d.json", i))
		wg.Add(1)
		time.Sleep(300 * time.Millisecond)
		go func() {
			defer wg.Done()
			env := []string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i)}
			if i == 2 { // one agent by flag, the others as an Indexed Job's pods
				env = nil
			}
			r := etcdtuneProcess(t, env, "bench", "put", "--endpoints", endpoint, "--agents", fmt.Sprint(agents),
				"--agent-index", fmt.Sprint(i), "--rate", "600", "--conns", "2", "--duration", "2s", "--out", files[i], "-o", "json")
			if r.code != 0 {
				t.Errorf("agent %d: exit %d: %s", i, r.code, r.stderr)
			}
		}()
	}
	wg.Wait()
	return files
}

// sumAgents reads the agents' results, checks each names its own index,
// and returns their ops and errors added and the union of their histograms.
func sumAgents(t *testing.T, files []string) (ops, errs int64, union *hdr.Histogram) {
	t.Helper()
	for i, f := range files {
		r, err := result.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w := r.Workloads[0]
		if got := w.Params[reports.ParamAgentIndex]; got != float64(i) {
			t.Errorf("agent %d's result says agent_index %v", i, got)
		}
		t.Logf("agent %d: %d ops, target %.0f/s, barrier released at %v", i, w.Ops, w.TargetRate, w.Params[reports.ParamBarrierReleased])
		ops += w.Ops
		errs += w.Errors
		h, err := hdr.Decode([]byte(w.Histogram))
		if err != nil {
			t.Fatal(err)
		}
		if union == nil {
			union = h
		} else {
			union.Merge(h)
		}
	}
	return ops, errs, union
}

func revision(t *testing.T, c *clientv3.Client) int64 {
	t.Helper()
	r, err := c.Get(t.Context(), "x")
	if err != nil {
		t.Fatal(err)
	}
	return r.Header.Revision
}

func countPrefix(t *testing.T, c *clientv3.Client, prefix string) int64 {
	t.Helper()
	r, err := c.Get(t.Context(), prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return r.Count
}

// committedPuts reads etcd's history over (from, to] under /etcdtune/ and
// counts the revisions that put a key under prefix (each agent put is one
// revision). Every revision of the window must be etcdtune's: the agents'
// puts, the barrier's entries and lease revokes, the cleanups.
func committedPuts(ctx context.Context, t *testing.T, c *clientv3.Client, from, to int64, prefix string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var puts int64
	revs := map[int64]bool{}
	for wr := range c.Watch(ctx, "/etcdtune/", clientv3.WithPrefix(), clientv3.WithRev(from+1)) {
		if err := wr.Err(); err != nil {
			t.Fatal(err)
		}
		for _, ev := range wr.Events {
			revs[ev.Kv.ModRevision] = true
			if ev.Type == clientv3.EventTypePut && strings.HasPrefix(string(ev.Kv.Key), prefix) {
				puts++
			}
		}
		if len(revs) > 0 && maxKey(revs) >= to {
			break
		}
	}
	if int64(len(revs)) != to-from {
		t.Errorf("%d revisions of etcdtune's keys in (%d, %d]: the window holds other writes", len(revs), from, to)
	}
	return puts
}

func maxKey(m map[int64]bool) int64 {
	var hi int64
	for k := range m {
		hi = max(hi, k)
	}
	return hi
}

func TestAgentIndexOutOfRange(t *testing.T) {
	cases := []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"bench", "put", "--agents", "3", "--agent-index", "3"}, "--agent-index 3 is out of range"},
		{nil, []string{"bench", "put", "--agents", "3", "--agent-index", "-1"}, "--agent-index -1: must not be negative"},
		{[]string{"JOB_COMPLETION_INDEX=4"}, []string{"bench", "put", "--agents", "2"}, "--agent-index 4 is out of range"},
		{[]string{"JOB_COMPLETION_INDEX=x"}, []string{"bench", "put", "--agents", "2"}, "JOB_COMPLETION_INDEX"},
		{nil, []string{"bench", "put", "--repeat", "0"}, "--repeat"},
		{nil, []string{"merge", "only-one.json"}, "requires at least 2"},
	}
	for _, c := range cases {
		assertOneLineError(t, etcdtune(t, c.env, c.args...), 2, c.want)
	}
}

// With --collect and a shared folder for --out ({agent} in it), each agent
// still writes its own file there, and agent 0 merges the results passed
// through etcd; the merged ops are the sum of the agents' files.
func TestAgentZeroCollects(t *testing.T) {
	e := etcdtest.Embedded(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "agent-{agent}.json")
	merged := filepath.Join(dir, "merged.json")
	const agents = 3
	var wg sync.WaitGroup
	for i := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"bench", "put", "--endpoints", e.Endpoints()[0], "--agents", fmt.Sprint(agents),
				"--agent-index", fmt.Sprint(i), "--rate", "300", "--conns", "1", "--duration", "1s", "--out", out,
				"--collect", merged, "--collect-timeout", "60s"} // every agent the same, as in an Indexed Job
			if r := etcdtune(t, nil, args...); r.code != 0 {
				t.Errorf("agent %d: exit %d: %s", i, r.code, r.stderr)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	m, err := result.ReadFile(merged)
	if err != nil {
		t.Fatalf("agent 0 wrote no merged result: %v", err)
	}
	var sum int64
	for i := range agents {
		r, err := result.ReadFile(filepath.Join(dir, fmt.Sprintf("agent-%d.json", i)))
		if err != nil {
			t.Fatal(err)
		}
		sum += r.Workloads[0].Ops
	}
	if got := m.Workloads[0].Ops; got != sum || sum == 0 {
		t.Errorf("merged ops %d, the agents' sum %d", got, sum)
	}
	// --collect outside a distributed run, or to stdout of several runs,
	// is bad input.
	r := etcdtune(t, nil, "bench", "put", "--collect", merged)
	assertOneLineError(t, r, exitBadInput, "--agents 2 or more")
	r = etcdtune(t, nil, "bench", "put", "--agents", "2", "--collect", "-", "--repeat", "2")
	assertOneLineError(t, r, exitBadInput, "--collect - writes one merged result")
	r = etcdtune(t, nil, "bench", "put", "--agents", "2", "--collect", "-", "--collect-timeout", "10ms")
	assertOneLineError(t, r, exitBadInput, "--collect-timeout must be at least 1s")
}

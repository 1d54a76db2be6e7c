package probes

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

func parseFixture(t *testing.T, name string) Metrics {
	t.Helper()
	f, err := os.Open("testdata/etcd-3.6.16-metrics-" + name + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := ParseMetrics(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// TestParseFixtures reads etcd 3.6.16's own /metrics pages: the leader's
// WAL fsync p99 lies in the 1-2 ms bucket (rank 9280.26 of 9374, 8531
// below it, 771 in it), each member sees two peers, and the counters and
// gauges the cluster probe reports are there.
func TestParseFixtures(t *testing.T) {
	leader, follower := parseFixture(t, "leader"), parseFixture(t, "follower")

	fsync, ok := leader.Histogram(metricWALFsync)
	if !ok || fsync.Count != 9374 {
		t.Fatalf("wal fsync count %d (%v), want 9374", fsync.Count, ok)
	}
	q, _ := fsync.Quantile(0.99)
	want := 1 + (0.99*9374-8531)/771
	if !near(q.Ms, want) || q.LowerMs != 1 || q.UpperMs != 2 {
		t.Errorf("wal fsync p99 %+v, want %.4f ms in (1, 2]", q, want)
	}

	for name, m := range map[string]Metrics{"leader": leader, "follower": follower} {
		peers := peerRTTs(m, "u")
		if len(peers) != 2 {
			t.Fatalf("%s: %d peers, want 2", name, len(peers))
		}
		for _, p := range peers {
			if p.Observations != 2 || p.P99.UpperMs > 0.4 || p.From == "" || p.From == p.To {
				t.Errorf("%s: peer %+v: want 2 sub-0.4 ms observations from itself to another", name, p)
			}
		}
	}
	if got := leader.Label(metricServerID, "server_id"); got != "4fc002f19ca8c789" {
		t.Errorf("leader id %q", got)
	}
	for name, want := range map[string]float64{metricIsLeader: 1, metricHasLeader: 1, metricLeaderChanges: 1,
		metricCommitted: 30008, metricApplied: 30008, metricProposalFailed: 0} {
		if v, ok := leader.Value(name); !ok || v != want {
			t.Errorf("%s = %v (%v), want %v", name, v, ok, want)
		}
	}
	if v, _ := follower.Value(metricIsLeader); v != 0 {
		t.Errorf("follower is_leader %v", v)
	}
}

// TestWindowFromFixtures treats the follower page as "before" for itself
// and the leader page as a changed "after" of the same member: the deltas
// are the differences of the counters and buckets.
func TestWindowFromFixtures(t *testing.T) {
	leader, follower := parseFixture(t, "leader"), parseFixture(t, "follower")
	var mm result.MemberMetrics
	fill(&mm, follower, leader)
	if mm.WALFsync.Observations != 9374-8580 {
		t.Errorf("wal fsync observations %d, want %d", mm.WALFsync.Observations, 9374-8580)
	}
	if mm.WALFsync.P99 == nil || mm.WALFsync.P99.UpperMs > 8 {
		t.Errorf("wal fsync p99 %+v", mm.WALFsync.P99)
	}
	if !mm.IsLeader || !mm.HasLeader || mm.LeaderChanges != 0 || mm.CommittedMinusApplied != 0 {
		t.Errorf("window %+v", mm)
	}
	// The same page twice: nothing happened.
	var same result.MemberMetrics
	fill(&same, leader, leader)
	if same.WALFsync.Observations != 0 || same.WALFsync.P99 != nil || same.PeerRTTP99Ms != 0 {
		t.Errorf("empty window %+v", same)
	}
}

func TestQuantileEdges(t *testing.T) {
	inf := math.Inf(1)
	h := Histogram{Count: 10, Buckets: []Bucket{{0.001, 0}, {0.002, 5}, {0.004, 9}, {inf, 10}}}
	cases := []struct {
		q            float64
		ms, lo, upMs float64
	}{
		{0.5, 2, 1, 2},   // exactly the top of the second bucket
		{0.1, 1.2, 1, 2}, // rank 1 of 5 in (1, 2]
		{0.9, 4, 2, 4},
		{0.99, 4, 4, -1}, // in +Inf: only the last bound is known
	}
	for _, c := range cases {
		got, ok := h.Quantile(c.q)
		if !ok || !near(got.Ms, c.ms) || got.LowerMs != c.lo || got.UpperMs != c.upMs {
			t.Errorf("q%v = %+v, want %v ms in (%v, %v]", c.q, got, c.ms, c.lo, c.upMs)
		}
	}
	if _, ok := (Histogram{}).Quantile(0.99); ok {
		t.Error("empty histogram has a quantile")
	}
	// A restarted member: counts went down, the window is the new page.
	if d := h.Sub(Histogram{Count: 20, Buckets: h.Buckets}); d.Count != 10 {
		t.Errorf("restart: %+v", d)
	}
}

func TestParseMetricsRejectsOtherPages(t *testing.T) {
	for _, page := range []string{"<html>not metrics</html>\n", "go_goroutines 12\n"} {
		if _, err := ParseMetrics(strings.NewReader(page)); err == nil {
			t.Errorf("%q accepted as etcd metrics", page)
		}
	}
}

// ValuesBy sums a counter's series per value of one label: the fixture's
// Range calls, over all their codes, are what awk sums from its lines
// (3,592), and the per-method sums add up to the counter's total.
func TestValuesByLabel(t *testing.T) {
	m := parseFixture(t, "leader")
	by := m.ValuesBy("grpc_server_handled_total", "grpc_method")
	if by["Range"] != 3592 {
		t.Errorf("Range calls %v, want 3592", by["Range"])
	}
	var sum float64
	for _, v := range by {
		sum += v
	}
	if total, _ := m.Value("grpc_server_handled_total"); !near(sum, total) || total == 0 {
		t.Errorf("per-method sum %v, total %v", sum, total)
	}
	if m.ValuesBy("no_such_metric", "x") != nil {
		t.Error("a missing metric gave values")
	}
}

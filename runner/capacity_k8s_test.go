package runner

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

// keptResult is an Output that keeps the run's result.
type keptResult struct{ res *result.Result }

func (k *keptResult) Write(res *result.Result, _, _ int, err error) error { k.res = res; return err }

// quiet is an Observer that says nothing.
type quiet struct{}

func (quiet) Note(string) {}
func (quiet) Phase(int, int, string, *engine.Config) func(time.Duration, result.SeriesPoint) {
	return nil
}
func (quiet) PhaseDone() {}

// leftBehind is checked as the last phase, before the embedded etcd stops:
// the keys under the prefix and the leases left.
type leftBehind struct{ keys, leases *int64 }

func (leftBehind) Steps() int { return 0 }
func (l leftBehind) Run(ctx context.Context, s *State) error {
	c := s.Target.Clients()[0]
	resp, err := c.Get(ctx, "/etcdtune/", clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		return err
	}
	leases, err := c.Leases(ctx)
	if err != nil {
		return err
	}
	*l.keys, *l.leases = resp.Count, int64(len(leases.Leases))
	return nil
}

// k8sSearch is a short Kubernetes capacity search on a fresh embedded etcd.
func k8sSearch(t *testing.T, quota int64, edit func(*K8sCapacityPhase)) (*result.Workload, int64, int64) {
	t.Helper()
	p := K8sCapacityPhase{
		Options: k8s.Options{Prefix: "/etcdtune/", Nodes: 5, PodsPerNode: 5, ListLimit: k8s.ListLimit,
			ListEvery: 10 * time.Second, MaxObjectSize: 64 << 10, Watch: true, Seed: 1},
		Config: engine.Config{Duration: time.Second, Warmup: 200 * time.Millisecond, MaxInflight: 64, RequestTimeout: 5 * time.Second},
		Burst:  DefaultK8sBurst, MaxNodes: 40, Growth: DefaultK8sGrowth, Precision: 0.1, MaxSteps: 8,
		SLO: capacity.DefaultSLO("k8s"), ListSLO: K8sListSLO, QuotaShare: DefaultQuotaShare,
	}
	edit(&p)
	var out keptResult
	var keys, leases int64
	err := Execute(t.Context(), Plan{Command: "etcdtune bench k8s", Target: Target{Options: etcdconn.Options{QuotaBackendBytes: quota}, Conns: 2},
		Phases: []Phase{p, leftBehind{&keys, &leases}}, Output: &out, Observer: quiet{}})
	if err != nil || out.res == nil || len(out.res.Workloads) != 1 || out.res.Workloads[0].Capacity == nil {
		t.Fatalf("search: %v, result %+v", err, out.res)
	}
	return out.res.Workloads[0], keys, leases
}

// Every size up to --max-nodes passes at a low pace: the search grows the
// cluster by doubling to it, confirms it, reports max-rate (a lower bound)
// with the db size there, runs each step at that cluster's own rate times
// the burst, and leaves no key and no lease behind.
func TestK8sCapacityReachesMaxNodes(t *testing.T) {
	// A step of 1 s holds ~30 requests: its p99 is its slowest, which one
	// fsync stall of a busy test machine can take past 100 ms (seen in CI).
	// The search is the point here, not etcd's latency: a limit only a
	// stalled etcd misses.
	loose := result.SLO{P99Ms: 2000, P999Ms: 5000, ErrorRate: 0.001, Source: "this test's: the search, not the latency"}
	wr, keys, leases := k8sSearch(t, 0, func(p *K8sCapacityPhase) { p.SLO, p.ListSLO = loose, loose })
	c := wr.Capacity
	var nodes []int
	for _, st := range c.Steps {
		nodes = append(nodes, st.Nodes)
		o := k8s.Options{Nodes: st.Nodes, PodsPerNode: 5, ListLimit: k8s.ListLimit, ListEvery: 10 * time.Second}
		if want := o.Rate() * DefaultK8sBurst; st.TargetRate != want || !st.Pass || st.Kind == "" {
			t.Errorf("step at %d nodes: target %v/s, want %v; pass %v (%s) kind %q", st.Nodes, st.TargetRate, want, st.Pass, st.Why, st.Kind)
		}
	}
	if got := strings.TrimSpace(fmtInts(nodes)); got != "5 10 20 40 40" {
		t.Errorf("steps at %s nodes, want 5 10 20 40 and the confirmation at 40", got)
	}
	if c.MaxNodes != 40 || c.LimitedBy != result.LimitedByMaxRate || !c.LowerBound || !c.Confirmed || c.BrokeKind != "" ||
		c.PodsPerNode != 5 || c.Burst != DefaultK8sBurst || c.DBSizeBytes <= 0 {
		t.Errorf("capacity %+v", c)
	}
	if wr.K8s == nil || wr.K8s.Scale.Nodes != 40 || c.MaxRateOpsS != wr.TargetRate {
		t.Errorf("the result's workload is not the 40-node step: %+v, target %v, max rate %v", wr.K8s, wr.TargetRate, c.MaxRateOpsS)
	}
	if keys != 0 || leases != 0 {
		t.Errorf("the search left %d keys and %d leases", keys, leases)
	}
}

// A list page limit no etcd meets breaks the first step that lists (the
// smallest clusters list less than once a step): the search names that
// list kind, and a size below it.
func TestK8sCapacityNamesTheKindThatBroke(t *testing.T) {
	wr, _, _ := k8sSearch(t, 0, func(p *K8sCapacityPhase) {
		p.ListSLO = result.SLO{P99Ms: 0.001, ErrorRate: 0.001, Source: "no etcd meets it"}
		p.MaxSteps = 3
	})
	c := wr.Capacity
	last := c.Steps[len(c.Steps)-1]
	if c.MaxNodes >= 40 || c.LimitedBy != result.LimitedBySLO || !k8s.IsList(c.BrokeKind) || c.LowerBound ||
		last.Pass || last.Kind != c.BrokeKind || !strings.HasPrefix(last.Why, c.BrokeKind+": p99") {
		t.Errorf("capacity %+v", c)
	}
}

// With a small backend quota the search stops before a step would take
// the db past 80% of it.
func TestK8sCapacityStopsBeforeTheQuota(t *testing.T) {
	const quota = 24 << 20
	wr, _, _ := k8sSearch(t, quota, func(p *K8sCapacityPhase) {
		p.Options.PodsPerNode, p.Options.MaxObjectSize, p.MaxNodes = 30, k8s.MaxObjectSize, 400
		// Latency limits a busy machine always meets: the quota is the bound.
		p.SLO, p.ListSLO = result.SLO{P99Ms: 5000, ErrorRate: 0.01}, result.SLO{P99Ms: 5000, ErrorRate: 0.01}
	})
	c := wr.Capacity
	if c.LimitedBy != result.LimitedByQuota || c.MaxNodes < 5 || c.MaxNodes >= 400 || c.DBSizeBytes > quota*8/10 || !c.LowerBound {
		t.Errorf("capacity %+v", c)
	}
}

func fmtInts(a []int) string {
	var b strings.Builder
	for _, n := range a {
		b.WriteString(" " + strconv.Itoa(n))
	}
	return b.String()
}

// Bounds out of range are bad input naming the flag, before any load; a
// --max-nodes the pods per node cannot reach is lowered to Kubernetes'
// pod limit.
func TestK8sCapacityValidate(t *testing.T) {
	ok := K8sCapacityPhase{Options: k8s.Options{PodsPerNode: 110, ListLimit: k8s.ListLimit, ListEvery: time.Minute, MaxObjectSize: k8s.MaxObjectSize, Prefix: "/etcdtune/"},
		Burst: 3, MaxNodes: 5000, Growth: 2, Precision: 0.05, MaxSteps: 10, QuotaShare: 0.8}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := ok.maxNodes(); n != 150000/110 {
		t.Errorf("max nodes at 110 pods per node: %d, want Kubernetes' 150,000 pods' %d", n, 150000/110)
	}
	for flag, edit := range map[string]func(*K8sCapacityPhase){
		"--burst": func(p *K8sCapacityPhase) { p.Burst = 0 }, "--max-nodes": func(p *K8sCapacityPhase) { p.MaxNodes = 5001 },
		"growth": func(p *K8sCapacityPhase) { p.Growth = 1 }, "--precision": func(p *K8sCapacityPhase) { p.Precision = 0.6 },
		"--max-steps": func(p *K8sCapacityPhase) { p.MaxSteps = 1 }, "quota": func(p *K8sCapacityPhase) { p.QuotaShare = 0 },
	} {
		p := ok
		edit(&p)
		if err := p.Validate(); !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), flag) {
			t.Errorf("%s: %v, want bad input naming it", flag, err)
		}
	}
}

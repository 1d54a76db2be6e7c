package runner

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

// Defaults of the Kubernetes capacity search (bench k8s --find-max).
const (
	// DefaultK8sBurst is the step's rate over the cluster's natural pace:
	// 3x. A rollout of the cluster's Deployments or a zone's nodes drained
	// replaces pods several times faster than the steady 30-minute churn,
	// with their status updates and events; sized at the steady pace, a
	// cluster would hold only while nothing changes.
	DefaultK8sBurst = 3.0
	// DefaultK8sStartNodes is the first step's cluster, a small one.
	DefaultK8sStartNodes = 10
	// DefaultK8sGrowth is the ramp's factor: the cluster doubles per step.
	DefaultK8sGrowth = 2.0
	// DefaultQuotaShare: the search stops before a step would take the db
	// past 80% of the backend quota, leaving the rest for the load's own
	// writes (no compaction runs between steps) and for NOSPACE's margin.
	DefaultQuotaShare = 0.8
	// defaultQuotaBytes is etcd's default --quota-backend-bytes, for a
	// member whose status does not say its quota (before etcd 3.6).
	defaultQuotaBytes = 2 << 30
)

// K8sListSLO is the default limit of a list page in the Kubernetes search:
// Kubernetes' list SLO is p99 <= 5 s for a namespace-scoped list (30 s
// cluster-wide), and etcd gets a tenth of it, as the 100 ms of the other
// kinds are a tenth of the 1 s call SLO: 500 ms p99 per page, 2.5 s p99.9.
var K8sListSLO = result.SLO{P99Ms: 500, P999Ms: 2500, ErrorRate: 0.001,
	Source: "list pages: 500 ms p99, a tenth of Kubernetes' 5 s list SLO (sig-scalability slos.md), 2.5 s p99.9, 0.1% errors"}

// K8sCapacityPhase is bench k8s --find-max: the largest modelled
// Kubernetes cluster (nodes at a fixed pods per node) the target serves
// within the SLO at the cluster's own request rate times Burst. The
// cluster grows from Options.Nodes by Growth while every operation kind
// passes its SLO; from the first failing size it goes back to the last
// pass by deleting the extra objects (Shrink) and bisects between them,
// growing again from there; then it confirms the best pass once. Deleting
// is dearer than stepping up from the last pass in small steps only in
// writes, and it lets the refinement halve the gap at each step instead
// of crawling up to the failure again. Each step's cluster is preloaded
// before its load (only the difference from the last step), outside the
// measured window.
type K8sCapacityPhase struct {
	Options k8s.Options // the profile; Nodes is the first step's cluster
	// Config is each step's load: Duration (the measured window), Warmup,
	// MaxInflight, RequestTimeout; the phase sets Rate per step.
	Config engine.Config
	Burst  float64 // DefaultK8sBurst
	// MaxNodes is --max-nodes: k8s.MaxNodes, Kubernetes' documented limit;
	// fewer when the pods per node would pass Kubernetes' 150,000 pods.
	MaxNodes  int
	Growth    float64    // the ramp's factor, > 1
	Precision float64    // the refinement stops when the gap is within this share of the fail
	MaxSteps  int        // measured steps in all, the confirmation included
	SLO       result.SLO // per kind for creates, updates and deletes: capacity.DefaultSLO("k8s")
	ListSLO   result.SLO // per list page: K8sListSLO
	// QuotaShare is the share of the backend quota the db must stay under
	// (DefaultQuotaShare).
	QuotaShare float64
	Force      bool // run beside other keys under the prefix (never in its own ranges)
}

// Validate checks the search's bounds before any load, naming the flags.
func (p K8sCapacityPhase) Validate() error {
	switch {
	case !(p.Burst > 0) || math.IsInf(p.Burst, 0):
		return fault.Inputf("--burst must be positive, got %v", p.Burst)
	case p.MaxNodes < 1 || p.MaxNodes > k8s.MaxNodes:
		return fault.Inputf("--max-nodes must be between 1 and %d (Kubernetes' documented limit), got %d", k8s.MaxNodes, p.MaxNodes)
	case !(p.Growth > 1) || math.IsInf(p.Growth, 0):
		return fault.Inputf("the growth factor must be over 1, got %v", p.Growth)
	case !(p.Precision > 0 && p.Precision <= 0.5):
		return fault.Inputf("--precision must be in (0, 50%%], got %v%%", p.Precision*100)
	case p.MaxSteps < 2:
		return fault.Inputf("--max-steps must be at least 2 (a step and its confirmation), got %d", p.MaxSteps)
	case !(p.QuotaShare > 0 && p.QuotaShare <= 1):
		return fault.Inputf("the quota share must be in (0, 1], got %v", p.QuotaShare)
	}
	return nil
}

// maxNodes is MaxNodes, or fewer when the profile refuses a cluster that
// large at these pods per node (Kubernetes' 150,000 pods, objects past
// etcd's default quota).
func (p K8sCapacityPhase) maxNodes() int {
	n := min(p.MaxNodes, k8s.MaxPods/max(p.Options.PodsPerNode, 1))
	for n > 1 && p.withNodes(n).Validate() != nil {
		n--
	}
	return max(n, 1)
}

// Steps is the most steps the search measures.
func (p K8sCapacityPhase) Steps() int { return p.MaxSteps }

// Run searches, and adds the workload of the best passing step (the
// cluster at max nodes) to the result with the search in its Capacity;
// the last step's when none passed. Whatever ends it, the profile's keys
// are deleted and its event leases revoked.
func (p K8sCapacityPhase) Run(ctx context.Context, s *State) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p.MaxNodes = p.maxNodes()
	wl, err := k8s.New(p.withNodes(min(p.Options.Nodes, p.MaxNodes)))
	if err != nil {
		return err
	}
	cs := s.Target.Clients()
	if err := engine.CheckWorkload(ctx, cs[0], wl, p.Force); err != nil {
		return err
	}
	defer func() {
		if cerr := engine.CleanupWorkload(context.WithoutCancel(ctx), cs[0], wl); cerr != nil {
			s.Note(cerr.Error())
		}
	}()
	if err := wl.Prepare(ctx, cs); err != nil {
		return fmt.Errorf("%w: %w", engine.ErrPrepare, err)
	}
	ns := &nodeSearch{p: p, s: s, wl: wl, cs: cs, nodes: wl.Scale().Nodes, fresh: true, started: time.Now(),
		passed: map[int]passedStep{}}
	c, err := ns.run(ctx)
	wr := ns.passed[c.MaxNodes].wr
	if wr == nil {
		wr = ns.last
	}
	if wr == nil {
		return err
	}
	wr.Capacity = c
	s.Result.Workloads = append(s.Result.Workloads, wr)
	s.Result.EndReason = wr.EndReason
	if err != nil && ctx.Err() == nil {
		wr.Warnings = append(wr.Warnings, "the search stopped: "+err.Error())
	}
	return nil
}

// nodeSearch is one Kubernetes capacity search under way.
type nodeSearch struct {
	p       K8sCapacityPhase
	s       *State
	wl      *k8s.Workload
	cs      []*clientv3.Client
	nodes   int  // the cluster etcd holds now
	fresh   bool // prepared and not yet loaded: the first step needs no resize
	started time.Time
	steps   []result.CapacityStep
	passes  []int // sizes that passed
	// passed is the last passing step's load and db size at each size.
	passed map[int]passedStep
	last   *result.Workload
	quota  int64
	// dbPerByte is how many bytes of db a byte of preloaded values has
	// cost, the step's load included: at least 2 (bbolt keeps a large
	// value in whole 4 KiB pages, and without compaction every revision
	// the load writes stays), the most a step has shown beyond that.
	dbPerByte float64
}

type passedStep struct {
	wr *result.Workload
	db int64
}

// step measures the cluster of n nodes. A growth that would take the db
// past the quota's share is not run: the step that comes back fails with
// limited_by quota, and is not among the measured steps.
func (ns *nodeSearch) step(ctx context.Context, n int, confirm bool) (st result.CapacityStep, err error) {
	if ns.s.Target.Embedded() != nil {
		compactAll(ctx, ns.cs[0]) // as the write search does: see settle
	}
	db, err := ns.dbSize(ctx)
	if err != nil {
		return st, err
	}
	grow := ns.p.withNodes(n).PreloadBytes() - ns.p.withNodes(ns.nodes).PreloadBytes()
	// Only a growth is held to the quota: going back to a size that ran
	// adds nothing but its load (the search must be able to confirm).
	ns.dbPerByte = max(ns.dbPerByte, 2)
	want := db + int64(ns.dbPerByte*float64(grow))
	if limit := int64(ns.p.QuotaShare * float64(ns.quota)); n > ns.nodes && want > limit {
		return result.CapacityStep{Nodes: n, LimitedBy: result.LimitedByQuota, Confirm: confirm,
			Why: fmt.Sprintf("%d nodes would take the db from %d to about %d MiB, past %.0f%% of the %d MiB quota", n, db>>20, want>>20, 100*ns.p.QuotaShare, ns.quota>>20)}, nil
	}
	if err := ns.resize(ctx, n); err != nil {
		return st, err
	}
	cfg := ns.p.Config
	cfg.Rate = ns.p.withNodes(n).Rate() * ns.p.Burst
	var wr *result.Workload
	ns.s.Step(fmt.Sprintf("k8s %d nodes at %.0f/s", n, cfg.Rate), &cfg, func() {
		wr, err = engine.Run(ctx, cfg, ns.wl, ns.cs)
	})
	if err != nil {
		return st, err
	}
	ns.last = wr
	st = judgeK8s(ns.p.SLO, ns.p.ListSLO, cfg.Rate, wr, ns.s.Target.Embedded() == nil)
	st.Nodes, st.Confirm = n, confirm
	ns.steps = append(ns.steps, st)
	if st.Pass {
		ns.passes = append(ns.passes, n)
		after, _ := ns.dbSize(ctx)
		ns.passed[n] = passedStep{wr, after}
		if grow > 0 {
			ns.dbPerByte = max(ns.dbPerByte, float64(after-db)/float64(grow))
		}
	}
	return st, nil
}

// resize brings the cluster etcd holds to n nodes.
func (ns *nodeSearch) resize(ctx context.Context, n int) error {
	var err error
	switch {
	case ns.fresh && n == ns.nodes:
	case n < ns.nodes:
		err = ns.wl.Shrink(ctx, ns.cs, n)
	default:
		err = ns.wl.Grow(ctx, ns.cs, n)
	}
	ns.fresh = false
	if err != nil {
		return fmt.Errorf("resize the cluster to %d nodes: %w", n, err)
	}
	ns.nodes = n
	return nil
}

func (p K8sCapacityPhase) withNodes(n int) k8s.Options {
	o := p.Options
	o.Nodes = n
	return o
}

// dbSize is the largest member db; the first call reads the quota too:
// the members' own (etcd 3.6 says it), else the embedded etcd's setting,
// else etcd's default.
func (ns *nodeSearch) dbSize(ctx context.Context) (int64, error) {
	var size, quota int64
	for _, ep := range ns.s.Target.Endpoints() {
		m, st, err := etcdconn.Status(ctx, ns.cs[0], ep)
		if err != nil {
			return 0, fmt.Errorf("status of %s: %w", ep, err)
		}
		size, quota = max(size, m.DBSizeBytes), max(quota, st.DbSizeQuota)
	}
	if ns.quota == 0 {
		ns.quota = quota
		if ns.quota == 0 {
			ns.quota = ns.s.Target.Options().QuotaBackendBytes
		}
		if ns.quota == 0 {
			ns.quota = defaultQuotaBytes
		}
	}
	return size, nil
}

func (ns *nodeSearch) left() bool { return len(ns.steps) < ns.p.MaxSteps }

// run ramps, refines and confirms, as capacity.Search does over rates, in
// whole nodes.
func (ns *nodeSearch) run(ctx context.Context) (*result.Capacity, error) {
	p := ns.p
	lo, hi, failed, err := ns.ramp(ctx)
	for err == nil && hi > 0 && hi-lo > 1 && float64(hi-lo) > p.Precision*float64(hi) && ns.left() && ctx.Err() == nil {
		mid := (lo + hi) / 2
		var st result.CapacityStep
		if st, err = ns.step(ctx, mid, false); err == nil {
			if st.Pass {
				lo = mid
			} else {
				hi, failed = mid, st
			}
		}
	}
	c := &result.Capacity{SLO: p.SLO, PodsPerNode: p.Options.PodsPerNode, Burst: p.Burst,
		StepS: p.Config.Duration.Seconds(), WarmupS: p.Config.Warmup.Seconds()}
	c.SLO.Source += "; " + p.ListSLO.Source
	confirmed := false
	for err == nil && lo > 0 && ctx.Err() == nil && ns.left() {
		var st result.CapacityStep
		if st, err = ns.step(ctx, lo, true); err != nil {
			break
		}
		if confirmed = st.Pass; confirmed {
			break
		}
		hi, failed = lo, st
		lo = bestBelow(ns.passes, hi)
	}
	c.Confirmed, c.MaxNodes, c.Steps = confirmed, lo, ns.steps
	c.MaxRateOpsS = p.withNodes(max(lo, 1)).Rate() * p.Burst
	if lo == 0 {
		c.MaxRateOpsS = 0
	}
	if hi > 0 {
		c.Precision = float64(hi-lo) / float64(hi)
	}
	switch {
	case failed.LimitedBy != "":
		c.LimitedBy = failed.LimitedBy
		if failed.LimitedBy == result.LimitedBySLO || failed.LimitedBy == result.LimitedByErrors {
			c.BrokeKind = failed.Kind
		}
	case lo >= p.MaxNodes:
		c.LimitedBy = result.LimitedByMaxRate
	default:
		c.LimitedBy = capacity.LimitedByMaxSteps
	}
	c.LowerBound = c.LimitedBy != result.LimitedBySLO && c.LimitedBy != result.LimitedByErrors
	c.DBSizeBytes = ns.passed[lo].db
	c.DurationS = time.Since(ns.started).Seconds()
	if ctx.Err() != nil {
		err = nil
	}
	return c, err
}

// ramp grows the cluster by Growth until a step fails (returned as hi with
// its step) or MaxNodes passed.
func (ns *nodeSearch) ramp(ctx context.Context) (lo, hi int, failed result.CapacityStep, err error) {
	n := min(ns.nodes, ns.p.MaxNodes)
	for ns.left() && ctx.Err() == nil {
		st, err := ns.step(ctx, n, false)
		if err != nil || !st.Pass {
			return lo, n, st, err
		}
		lo = n
		if n >= ns.p.MaxNodes {
			break
		}
		n = min(ns.p.MaxNodes, max(n+1, int(math.Ceil(float64(n)*ns.p.Growth))))
	}
	return lo, 0, result.CapacityStep{}, nil
}

// bestBelow is the largest size under hi that passed, 0 if none.
func bestBelow(passes []int, hi int) int {
	best := 0
	for _, n := range passes {
		if n < hi {
			best = max(best, n)
		}
	}
	return best
}

// judgeK8s judges one step: every operation kind on its own figures
// against its SLO (list pages against listSLO), then the whole load's
// rate. The step shows the figures of the kind that failed (the one
// furthest over its limit when several did) or, when all passed, of the
// one nearest its limit.
func judgeK8s(slo, listSLO result.SLO, rate float64, wr *result.Workload, remote bool) result.CapacityStep {
	gen := generatorReason(wr, remote)
	achieved := wr.ThroughputOpsS
	if wr.OpenLoop != nil {
		achieved = wr.OpenLoop.AchievedRate
	}
	var worst result.CapacityStep
	worstFail, worstPass := -1.0, -1.0
	names := make([]string, 0, len(wr.Kinds))
	for name := range wr.Kinds {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		ks := wr.Kinds[name]
		if ks.Ops+ks.Errors == 0 {
			continue
		}
		limit := slo
		if k8s.IsList(name) {
			limit = listSLO
		}
		smp := capacity.Sample{P50Ms: ks.LatencyMs.P50, P99Ms: ks.LatencyMs.P99, P999Ms: ks.LatencyMs.P999,
			ServiceP99Ms: ks.LatencyMs.P99, Ops: ks.Ops, Errors: ks.Errors}
		if ks.ServiceLatencyMs != nil {
			smp.ServiceP99Ms = ks.ServiceLatencyMs.P99
		}
		st := capacity.Judge(limit, smp)
		if st.LimitedBy == result.LimitedBySLO && gen != "" {
			// Late sends matter only where they broke a limit; then the
			// kind's service time says whose fault it was.
			smp.Generator = gen
			st = capacity.Judge(limit, smp)
		}
		st.Kind = name
		over := overLimit(limit, smp)
		switch {
		case !st.Pass && over > worstFail:
			worst, worstFail = st, over
			worst.Why = name + ": " + st.Why
		case st.Pass && worstFail < 0 && over > worstPass:
			worst, worstPass = st, over
		}
	}
	if worstFail < 0 {
		// Every kind met its limits: the load as a whole must have kept
		// its rate (the generator is blamed only if it said why not).
		total := capacity.Sample{Target: rate, Achieved: achieved, Ops: wr.Ops, Errors: wr.Errors}
		if achieved < 0.99*rate {
			total.Generator = gen
		}
		if st := capacity.Judge(result.SLO{ErrorRate: slo.ErrorRate}, total); !st.Pass {
			worst.Pass, worst.Why, worst.LimitedBy = false, st.Why, st.LimitedBy
		}
	}
	worst.TargetRate, worst.AchievedRate, worst.Ops, worst.Errors = rate, achieved, wr.Ops, wr.Errors
	return worst
}

// overLimit is how far a kind's figures are from its limits: the largest
// ratio of a quantile to its limit.
func overLimit(slo result.SLO, s capacity.Sample) float64 {
	r := 0.0
	for _, l := range [][2]float64{{s.P50Ms, slo.P50Ms}, {s.P99Ms, slo.P99Ms}, {s.P999Ms, slo.P999Ms}} {
		if l[1] > 0 {
			r = max(r, l[0]/l[1])
		}
	}
	return r
}

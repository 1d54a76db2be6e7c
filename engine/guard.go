package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// GuardLimits are the production guard's limits (the --guard-* flags).
type GuardLimits struct {
	// MaxLeaderChanges is how many leader elections the run tolerates;
	// one more stops it.
	MaxLeaderChanges int
	// MaxErrorRate is the share of failed requests, over the run so far,
	// past which it stops (0.1 = 10%).
	MaxErrorRate float64
	// MaxP99 is the per-second p99 latency past which, held for
	// p99Seconds in a row, the run stops; 0 means no limit.
	MaxP99 time.Duration
}

// DefaultGuardLimits tolerate what a healthy cluster shows under load (one
// failover, as when a member is upgraded) and stop what hurts it.
var DefaultGuardLimits = GuardLimits{MaxLeaderChanges: 1, MaxErrorRate: 0.1, MaxP99: time.Second}

const (
	// guardPollInterval is how often the guard asks each member its status.
	guardPollInterval = time.Second
	// p99Seconds is how long the tail must stay over the limit: a single
	// slow second (a compaction, a GC pause) is not a degraded cluster.
	p99Seconds = 3
	// minGuardOps keeps the error rate from tripping on the first few
	// requests of a run.
	minGuardOps = 100
)

// guardRefused is the guard refusing to start the load on a cluster that
// is already unwell: the target is unusable.
func guardRefused(reason string) error {
	return fault.Targetf("the guard refuses to load this cluster: %s (fix the cluster first, or pass --no-guard)", reason)
}

// Guard watches a cluster under load and says when to stop: more leader
// changes than allowed, a NOSPACE alarm, too many errors, a tail too slow.
// Its poller asks each member's status once a second on its own goroutine;
// Check, called by the engine's clock, only reads what the poller saw.
type Guard struct {
	limits    GuardLimits
	client    *clientv3.Client
	endpoints []string

	changes   atomic.Int64 // raft term increases since Start
	nospace   atomic.Bool
	ops, errs int64   // run totals, owned by Check
	slowSecs  int     // consecutive seconds over MaxP99, owned by Check
	seen      int64   // leader changes already put in marks, owned by Check
	marks     []int64 // leader changes per closed second, owned by Check
	stop      context.CancelFunc
	wg        sync.WaitGroup
}

// NewGuard makes a guard over the members at endpoints, asked through c.
func NewGuard(c *clientv3.Client, endpoints []string, limits GuardLimits) *Guard {
	return &Guard{limits: limits, client: c, endpoints: endpoints}
}

// Preflight refuses a cluster with an active alarm or without a leader.
func (g *Guard) Preflight(ctx context.Context) error {
	sts := g.statuses(ctx)
	if len(sts) == 0 {
		return guardRefused("no member answers its status")
	}
	for ep, st := range sts {
		if !st.hasLeader {
			return guardRefused(ep + " has no leader")
		}
		if a := alarmOf(st); a != "" {
			return guardRefused(fmt.Sprintf("%s reports an active alarm (%s)", ep, a))
		}
	}
	return nil
}

// Start begins watching leader changes and alarms until Stop.
func (g *Guard) Start(ctx context.Context) {
	ctx, g.stop = context.WithCancel(ctx)
	base := maxTerm(g.statuses(ctx))
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		t := time.NewTicker(guardPollInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			sts := g.statuses(ctx)
			// Each election raises the term, so the highest term any member
			// reports counts the elections, also those a dead member missed.
			if term := maxTerm(sts); term > base && base > 0 {
				g.changes.Store(int64(term - base))
			}
			for _, st := range sts {
				if strings.Contains(alarmOf(st), "NOSPACE") {
					g.nospace.Store(true)
				}
			}
		}
	}()
}

// Stop ends the poller.
func (g *Guard) Stop() {
	if g.stop != nil {
		g.stop()
		g.wg.Wait()
	}
}

// Annotate writes what the guard saw into the run's result: the leader
// changes of each second in the series, and in all. Call it after the run.
func (g *Guard) Annotate(r *result.Workload) {
	if r == nil {
		return
	}
	for i := range min(len(g.marks), len(r.Series)) {
		r.Series[i].LeaderChanges = g.marks[i]
	}
	if r.Counters == nil {
		r.Counters = map[string]int64{}
	}
	r.Counters["leader_changes"] = g.changes.Load()
}

// LeaderChanges is the number of elections seen since Start.
func (g *Guard) LeaderChanges() int { return int(g.changes.Load()) }

// Check is Config.Guard: the reason to stop after second p, or "". The
// clock calls it once per closed second, in order, which is what lets
// Annotate put each second's leader changes on the series.
func (g *Guard) Check(p result.SeriesPoint) string {
	n := g.changes.Load()
	g.marks = append(g.marks, n-g.seen)
	g.seen = n
	g.ops += p.Ops
	g.errs += p.Errors
	if n := g.changes.Load(); n > int64(g.limits.MaxLeaderChanges) {
		return fmt.Sprintf("%d leader changes during the run, more than --guard-max-leader-changes %d", n, g.limits.MaxLeaderChanges)
	}
	if g.nospace.Load() {
		return "the NOSPACE alarm is raised: the cluster is out of its backend quota"
	}
	if total := g.ops + g.errs; total >= minGuardOps && g.limits.MaxErrorRate > 0 {
		if rate := float64(g.errs) / float64(total); rate > g.limits.MaxErrorRate {
			return fmt.Sprintf("%.1f%% of requests failed, more than --guard-max-error-rate %.1f%%", 100*rate, 100*g.limits.MaxErrorRate)
		}
	}
	return g.checkP99(p)
}

func (g *Guard) checkP99(p result.SeriesPoint) string {
	limitMs := float64(g.limits.MaxP99) / float64(time.Millisecond)
	if limitMs <= 0 || p.P99Ms <= limitMs {
		g.slowSecs = 0
		return ""
	}
	if g.slowSecs++; g.slowSecs < p99Seconds {
		return ""
	}
	return fmt.Sprintf("p99 latency %.0f ms for %d s in a row, more than --guard-max-p99 %v", p.P99Ms, g.slowSecs, g.limits.MaxP99)
}

// statuses asks each member for its status; members that do not answer
// within the poll interval are left out (a stopped member is what the
// leader count and the error rate show).
func (g *Guard) statuses(ctx context.Context) map[string]memberStatus {
	out := make(map[string]memberStatus, len(g.endpoints))
	for _, ep := range g.endpoints {
		cctx, cancel := context.WithTimeout(ctx, guardPollInterval)
		m, st, err := etcdconn.Status(cctx, g.client, ep)
		cancel()
		if err == nil {
			out[ep] = memberStatus{m, st.Leader != 0}
		}
	}
	return out
}

// memberStatus is what the guard reads of a member's status.
type memberStatus struct {
	result.Member
	hasLeader bool // the member knows a leader
}

func maxTerm(sts map[string]memberStatus) uint64 {
	var m uint64
	for _, st := range sts {
		m = max(m, st.RaftTerm)
	}
	return m
}

// alarmOf is the alarm a member's status reports: etcd lists active
// alarms in Errors as "memberID:... alarm:NOSPACE".
func alarmOf(st memberStatus) string {
	for _, e := range st.Errors {
		if strings.Contains(e, "alarm:") {
			return e
		}
	}
	return ""
}

package runner

import (
	"fmt"
	"time"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

// capacityInflight bounds the requests in flight of the sizing run's write
// search, as bench's --max-inflight default does: high enough that the
// server, not this bound, is the limit on one machine.
const capacityInflight = 10000

// capacityPhases are the sizing run's capacity searches, after the suite:
// the write capacity (puts as the suite sends them, within the latency
// verdict's p99), then the Kubernetes cluster the profile holds at the
// preset's pods per node. They feed the CAPACITY verdict.
func capacityPhases(o *Options) []Phase {
	t, p := o.Timing, o.Preset
	keys := engine.KeySpec{Prefix: o.Prefix, Size: keySize, Space: t.KeySpace, Dist: engine.DistUniform, Seed: 1}
	slo := capacity.DefaultSLO("put")
	if o.WriteP99LimitMs > 0 && o.WriteP99LimitMs != slo.P99Ms {
		slo.P99Ms = o.WriteP99LimitMs
		slo.Source = fmt.Sprintf("p99 from --write-p99 %g ms; the rest: %s", o.WriteP99LimitMs, slo.Source)
	}
	writes := CapacityPhase{
		Workload: WorkloadPhase{Prefix: o.Prefix,
			Config: engine.Config{MaxInflight: capacityInflight, RequestTimeout: o.Target.CommandTimeout},
			New: func() (engine.Workload, error) {
				return workloads.NewPut(workloads.PutOptions{Keys: keys, ValSize: valSize})
			}},
		SLO:    slo,
		Search: capacity.Options{StartRate: max(p.WritesPerSec, t.CapacityStart), Precision: t.CapacityPrecision, MaxSteps: t.CapacitySteps},
		Step:   t.CapacityStep, StepWarmup: t.CapacityWarmup,
	}
	phases := []Phase{writes}
	if t.K8sCapacitySteps > 0 {
		nodes := min(p.K8sNodes, t.MaxK8sNodes)
		phases = append(phases, K8sCapacityPhase{
			Options: k8s.Options{Prefix: o.Prefix, Nodes: nodes, PodsPerNode: k8sPodsPerNode, ListLimit: k8s.ListLimit,
				ListEvery: time.Minute, MaxObjectSize: k8s.MaxObjectSize, Watch: true, Seed: 1},
			Config: engine.Config{Duration: t.CapacityStep, Warmup: t.CapacityWarmup, MaxInflight: capacityInflight,
				RequestTimeout: o.Target.CommandTimeout},
			Burst: DefaultK8sBurst, MaxNodes: nodes * t.K8sCapacityFactor, Growth: DefaultK8sGrowth,
			Precision: t.CapacityPrecision, MaxSteps: t.K8sCapacitySteps, SLO: capacity.DefaultSLO("k8s"),
			ListSLO: K8sListSLO, QuotaShare: DefaultQuotaShare,
		})
	}
	return phases
}

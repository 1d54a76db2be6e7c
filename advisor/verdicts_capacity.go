package advisor

import (
	"fmt"

	"github.com/etcdtune/etcdtune/result"
)

// Limits of the capacity verdict: the write capacity found by the search
// against the write rate the cluster is sized for (the preset's).
//
// An open-loop queue's wait grows without bound as the offered rate nears
// the service rate; well below it, latency is the service time. A cluster
// run at half its capacity keeps the tail near the service time and has
// room for the bursts a Kubernetes control plane makes (a rollout, a
// controller's resync, the rescheduling after a node fails) at twice its
// steady write rate. Below twice, the cluster carries the planned load
// with little room: WARN; below the planned rate itself: FAIL.
const (
	capacityPassHeadroom = 2.0
	capacityWarnHeadroom = 1.0
	srcCapacity          = "open-loop queueing: latency from the intended send grows without bound as the load nears the capacity; Kubernetes bursts (rollouts, resyncs, node failures) reach about twice the steady write rate"
)

// CapacityVerdict judges the write capacity against the planned write
// rate and, when the Kubernetes search ran, the nodes the cluster holds
// against the nodes it is sized for. A capacity that is a lower bound (the
// generator's limit, or the search's bound) cannot fail: it can only say
// that the cluster holds at least so much.
func CapacityVerdict(f Findings) result.Verdict {
	rule := fmt.Sprintf("capacity: write capacity (the highest rate within the SLO) at least %gx the planned write rate PASS, at least %gx WARN, else FAIL; a lower bound (generator or search limit) never FAILs; with the Kubernetes search, fewer nodes than planned FAILs",
		capacityPassHeadroom, capacityWarnHeadroom)
	if f.WriteCapacityOpsS == nil || f.WriteTargetOpsS == nil || f.WriteTargetOpsS.Value <= 0 {
		return verdictNotMeasured("capacity", rule, srcCapacity, "a capacity search (etcdtune run, or bench put --find-max) and the planned write rate")
	}
	capOps, target := f.WriteCapacityOpsS.Value, f.WriteTargetOpsS.Value
	headroom := capOps / target
	value := result.Fail
	switch {
	case headroom >= capacityPassHeadroom:
		value = result.Pass
	case headroom >= capacityWarnHeadroom, f.WriteCapacityLowerBound:
		value = result.Warn
	}
	at := ""
	if f.WriteCapacityLowerBound {
		at = "at least "
	}
	reason := fmt.Sprintf("%s%.0f writes/s within the SLO (%s), %.1fx the planned %.0f/s", at, capOps, f.WriteCapacityOpsS.Source, headroom, target)
	ev := map[string]float64{"capacity_ops_s": capOps, "target_ops_s": target, "headroom": headroom}
	if f.WriteCapacityLowerBound && value != result.Pass {
		reason += "; the figure is a lower bound, not the cluster's capacity: load it from more agents or another host"
	}
	if f.WriteCapacityUnsteady != "" {
		reason += "; the figure is one moment's: " + f.WriteCapacityUnsteady
	}
	if n := f.K8sMaxNodes; n != nil {
		ev["k8s_max_nodes"] = n.Value
		atLeast := ""
		if f.K8sNodesLowerBound {
			atLeast = "at least "
		}
		reason += fmt.Sprintf("; holds %s%.0f Kubernetes nodes at %d pods per node (%s)", atLeast, n.Value, f.K8sPodsPerNode, n.Source)
		if planned := max(f.PlannedK8sNodes, f.Nodes); planned > 0 && n.Value < float64(planned) && !f.K8sNodesLowerBound {
			value = result.Fail
			reason += fmt.Sprintf(", fewer than the %d planned", planned)
		}
	}
	return verdict("capacity", value, rule, srcCapacity, reason, ev)
}

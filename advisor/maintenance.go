package advisor

import (
	"fmt"
	"strings"

	"github.com/etcdtune/etcdtune/result"
)

// Maintenance thresholds: defragment when over ~45% of the db is free
// pages and the free space is worth it (etcd maintenance guide; OpenShift's
// defrag controller uses 45% and 100 MiB).
const (
	defragFragmentation = 0.45
	defragMinFreeBytes  = 100 << 20
	busyWriteRate       = 100 // writes/s above which an hour of history is large
)

// CompactionRule recommends the auto-compaction mode and retention. Under
// Kubernetes, kube-apiserver compacts every 5 minutes itself
// (--etcd-compaction-interval), so etcd's own is left off.
func CompactionRule(f Findings) []result.Advice {
	const rule = "compaction: off under Kubernetes (kube-apiserver compacts every 5 min); otherwise periodic, 5m when writes exceed 100/s, else 1h"
	if f.ForKubernetes {
		reason := "kube-apiserver compacts every 5 minutes by itself (--etcd-compaction-interval=5m); a second compaction in etcd adds nothing"
		return []result.Advice{
			f.setting("--auto-compaction-mode", "periodic", rule, srcAPIServer, reason, nil),
			f.setting("--auto-compaction-retention", "0", rule, srcAPIServer, reason, nil),
		}
	}
	if f.WriteRateOpsS == nil {
		return []result.Advice{notMeasured("--auto-compaction-retention", result.ScopeEtcd, rule, srcMaintenance, "write rate (a put or mixed workload)")}
	}
	retention, why := "1h", "an hour of history stays small"
	if f.WriteRateOpsS.Value > busyWriteRate {
		retention, why = "5m", "an hour of history would hold a large number of old revisions"
	}
	reason := fmt.Sprintf("at %.0f writes/s (%s) %s; without compaction the db grows until the quota alarm", f.WriteRateOpsS.Value, f.WriteRateOpsS.Source, why)
	ev := map[string]float64{"write_rate_ops_s": f.WriteRateOpsS.Value}
	return []result.Advice{
		f.setting("--auto-compaction-mode", "periodic", rule, srcMaintenance, reason, ev),
		f.setting("--auto-compaction-retention", retention, rule, srcMaintenance, reason, ev),
	}
}

// DefragRule says whether and how to defragment, from the db size and its
// in-use part.
func DefragRule(f Findings) result.Advice {
	const rule = "defrag: when over 45% of the db is free pages and that is over 100 MiB; one member at a time, leader last"
	if f.DBSizeBytes == nil || f.DBInUseBytes == nil {
		return notMeasured("defragment", result.ScopeOperations, rule, srcMaintenance, "db size and in-use size (probe cluster)")
	}
	size, inUse := f.DBSizeBytes.Value, f.DBInUseBytes.Value
	free := size - inUse
	frag := 0.0
	if size > 0 {
		frag = free / size
	}
	ev := map[string]float64{"db_size_bytes": size, "db_in_use_bytes": inUse, "fragmentation": frag}
	a := result.Advice{Setting: "defragment", Scope: result.ScopeOperations, Rule: rule, Source: srcMaintenance, Evidence: ev}
	if frag > defragFragmentation && free > defragMinFreeBytes {
		a.Action, a.Value = result.ActionWarn, "now"
		a.Reason = fmt.Sprintf("%.0f%% of the %.0f MiB db is free pages (%.0f MiB in use, %s): defragment one member at a time, followers first and the leader last (etcdctl defrag --endpoints=<one member>), as defrag blocks that member",
			100*frag, size/(1<<20), inUse/(1<<20), f.DBSizeBytes.Source)
		return a
	}
	a.Action, a.Value = result.ActionKeep, "not needed"
	a.Reason = fmt.Sprintf("%.0f%% of the %.0f MiB db is free pages: below 45%% or under 100 MiB, defragmenting would gain little", 100*frag, size/(1<<20))
	return a
}

// Events thresholds: move events to their own etcd when they are a large
// share of the data or the writes, or the cluster is large (the
// Kubernetes large-cluster guide).
const (
	eventsShareLimit = 0.25
	eventsLargeNodes = 500
)

// EventsOverrideRule recommends kube-apiserver's --etcd-servers-overrides
// for events when they weigh on the main cluster.
func EventsOverrideRule(f Findings) result.Advice {
	const rule = "events: their own etcd when they are over 25% of keys, bytes or writes, or at 500 nodes and more"
	const flag = "--etcd-servers-overrides"
	if f.EventsShare == nil && f.Nodes == 0 {
		return notMeasured(flag, result.ScopeAPIServer, rule, srcAPIServer, "the share of events (probe keyspace) or the Kubernetes scale (--nodes)")
	}
	a := result.Advice{Setting: flag, Scope: result.ScopeAPIServer, Rule: rule, Source: srcAPIServer, Evidence: map[string]float64{}}
	var why []string
	if f.EventsShare != nil {
		a.Evidence["events_share"] = f.EventsShare.Value
		if f.EventsShare.Value > eventsShareLimit {
			why = append(why, fmt.Sprintf("events are %.0f%% of the data (%s)", 100*f.EventsShare.Value, f.EventsShare.Source))
		}
	}
	if f.Nodes >= eventsLargeNodes {
		a.Evidence["nodes"] = float64(f.Nodes)
		why = append(why, fmt.Sprintf("%d nodes", f.Nodes))
	}
	if len(why) == 0 {
		a.Action, a.Value = result.ActionKeep, "(none)"
		a.Reason = "events are a small share of the data at this scale: one etcd cluster serves them"
		if f.EventsShare != nil {
			a.Reason = fmt.Sprintf("events are %.0f%% of the data (%s), under 25%%: one etcd cluster serves them", 100*f.EventsShare.Value, f.EventsShare.Source)
		}
		return a
	}
	servers := f.EventEndpoints
	if len(servers) == 0 {
		servers = []string{"https://etcd-events-0:2379", "https://etcd-events-1:2379", "https://etcd-events-2:2379"}
	}
	a.Action = result.ActionSet
	a.Value = "/events#" + strings.Join(servers, ";")
	a.Reason = strings.Join(why, " and ") + ": give events (1 h TTL, written by every component) their own etcd so their churn does not slow the objects controllers depend on"
	return a
}

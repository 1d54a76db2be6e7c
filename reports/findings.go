package reports

import (
	"fmt"

	"github.com/etcdtune/etcdtune/advisor"
	"github.com/etcdtune/etcdtune/result"
)

// Scale is what the cluster is for, beyond what was measured.
type Scale struct {
	Nodes             int
	PodsPerNode       int
	ForKubernetes     bool
	FailuresTolerated int
	EventEndpoints    []string
}

// Findings gathers, from a result, the figures the advisor's rules read.
// A probe that did not run leaves its figures nil, and the rules that need
// them say "not measured".
func Findings(r *result.Result, s Scale) advisor.Findings {
	f := advisor.Findings{
		ServerVersion: r.Target.ServerVersion, Members: len(r.Target.Members),
		Nodes: s.Nodes, PodsPerNode: s.PodsPerNode, ForKubernetes: s.ForKubernetes || s.Nodes > 0,
		FailuresTolerated: s.FailuresTolerated, EventEndpoints: s.EventEndpoints,
	}
	p := r.Probes
	if p.RTT != nil {
		for _, peer := range p.RTT.Peers {
			if peer.Observations == 0 {
				continue
			}
			src := peer.Source // a figure timed by etcdtune names how
			if src == "" {
				src = "etcd_network_peer_round_trip_time_seconds, buckets doubling"
			}
			f.PeerRTT = append(f.PeerRTT, advisor.PeerRTT{From: peer.From, To: peer.To, MeanMs: peer.MeanMs, P99Ms: peer.P99.Ms, Source: src})
		}
	}
	if p.Fsync != nil && p.Fsync.Samples > 0 {
		src := fmt.Sprintf("probe fsync on %s", p.Fsync.Path)
		f.FsyncP99Ms, f.FsyncMaxMs = advisor.M(p.Fsync.P99, src+", p99"), advisor.M(p.Fsync.Max, src+", max")
	}
	clusterFindings(&f, r)
	if p.Host != nil {
		f.MemoryBytes = advisor.M(float64(p.Host.MemoryBytes), "probe host")
		f.CPUs = advisor.M(float64(p.Host.CPUs), "probe host")
	}
	if p.Keyspace != nil && p.Keyspace.Keys > 0 {
		share := max(p.Keyspace.EventKeysPct, p.Keyspace.EventBytesPct) / 100
		f.EventsShare = advisor.M(share, fmt.Sprintf("probe keyspace under %s", p.Keyspace.Prefix))
	}
	if p.Backup != nil && p.Backup.DurationS > 0 {
		src := fmt.Sprintf("probe backup from %s", p.Backup.Endpoint)
		f.SnapshotSeconds = advisor.M(p.Backup.DurationS, src)
		if b, d := p.Backup.Load.Before.P99Ms, p.Backup.Load.During.P99Ms; b > 0 && d > 0 {
			f.SnapshotImpactMs = advisor.M(max(0, d-b), src)
		}
	}
	writeFindings(&f, r.Workloads)
	loadFindings(&f, r)
	return f
}

// loadFindings takes what the run verdicts read: the writes at a target
// rate (the open-loop put of etcdtune run, or bench put --rate), the
// requests and errors of every workload, and the leader changes the server
// metrics saw.
func loadFindings(f *advisor.Findings, r *result.Result) {
	var reqs, errs int64
	for _, w := range r.Workloads {
		reqs += w.Ops + w.Errors
		errs += w.Errors
		// A capacity search's entry is the best step's, at the capacity:
		// not the load the cluster is sized for.
		if w.Name == "put" && w.Mode == result.ModeOpen && w.TargetRate > 0 && w.Ops > 0 && w.Capacity == nil {
			src := fmt.Sprintf("put at %.0f/s, open loop, %.0f s", w.TargetRate, w.DurationS)
			f.WriteTargetOpsS = advisor.M(w.TargetRate, "the run's target rate")
			f.WriteAchievedOpsS = advisor.M(w.ThroughputOpsS, src)
			f.WriteP99Ms = advisor.M(w.LatencyMs.P99, src)
			f.WriteMaxMs = advisor.M(w.LatencyMs.Max, src)
			// The target is the load the cluster must take; the closed-loop
			// workloads' higher rates are its capacity, which would size the
			// hardware and the snapshot count for a load nobody asked for.
			f.WriteRateOpsS = advisor.M(w.TargetRate, "the target rate of "+src)
		}
	}
	capacityFindings(f, r.Workloads)
	if reqs > 0 {
		f.LoadRequests, f.LoadErrors = advisor.M(float64(reqs), "all workloads"), advisor.M(float64(errs), "all workloads")
	}
	if c := r.Probes.Cluster; c != nil && c.Window != nil {
		changes, seen := 0.0, false
		for _, m := range c.Window.Members {
			if m.Error == "" {
				changes, seen = max(changes, m.LeaderChanges), true
			}
		}
		if seen {
			f.LeaderChanges = advisor.M(changes, fmt.Sprintf("etcd_server_leader_changes_seen_total over %.0f s", c.Window.WindowS))
		}
	}
}

// capacityFindings takes what capacity searches found: the put workload's
// write capacity, and the Kubernetes profile's nodes.
func capacityFindings(f *advisor.Findings, wls []*result.Workload) {
	for _, w := range wls {
		c := w.Capacity
		if c == nil {
			continue
		}
		src := fmt.Sprintf("%s --find-max, limited by %s", w.Name, c.LimitedBy)
		if c.Confirmed {
			src += ", confirmed"
		}
		switch {
		case w.Name == "k8s" && c.MaxNodes > 0:
			if c.BrokeKind != "" {
				src += ", " + c.BrokeKind + " broke first"
			}
			f.K8sMaxNodes = advisor.M(float64(c.MaxNodes), src)
			f.K8sPodsPerNode, f.K8sNodesLowerBound = c.PodsPerNode, c.LowerBound
		case w.Name == "put" && c.MaxRateOpsS > 0:
			f.WriteCapacityOpsS = advisor.M(c.MaxRateOpsS, src)
			f.WriteCapacityLowerBound, f.WriteCapacityUnsteady = c.LowerBound, c.Unsteady
		}
	}
}

// clusterFindings takes the db sizes and the server's own disk figures:
// the leader's, as its WAL fsync and commit gate every write.
func clusterFindings(f *advisor.Findings, r *result.Result) {
	for _, m := range r.Target.Members {
		if m.IsLeader && m.DBSizeBytes > 0 {
			src := fmt.Sprintf("status of %s", m.Endpoint)
			f.DBSizeBytes = advisor.M(float64(m.DBSizeBytes), src)
			f.DBInUseBytes = advisor.M(float64(m.DBInUseBytes), src)
		}
	}
	c := r.Probes.Cluster
	if c == nil || c.Window == nil {
		return
	}
	for _, m := range c.Window.Members {
		if !m.IsLeader || m.Error != "" {
			continue
		}
		if q := m.BackendCommit.P99; q != nil {
			f.BackendCommitP99Ms = advisor.M(q.Ms, fmt.Sprintf("etcd_disk_backend_commit_duration_seconds p99 over %.0f s (bucket %.0f-%.0f ms)", c.Window.WindowS, q.LowerMs, q.UpperMs))
		}
		if q := m.WALFsync.P99; q != nil && f.FsyncP99Ms == nil {
			f.FsyncP99Ms = advisor.M(q.Ms, fmt.Sprintf("etcd_disk_wal_fsync_duration_seconds p99 over %.0f s (bucket %.0f-%.0f ms)", c.Window.WindowS, q.LowerMs, q.UpperMs))
		}
	}
}

// writeKinds are the operation kinds that write.
var writeKinds = map[string]bool{"put": true, "txn": true, "cas": true}

// writeFindings takes the highest write throughput measured, and the size
// of a write, from the workloads.
func writeFindings(f *advisor.Findings, wls []*result.Workload) {
	for _, w := range wls {
		if w.Capacity != nil {
			continue // a capacity search's rate is what etcd can take, not what it must
		}
		rate := 0.0
		switch {
		case len(w.Kinds) > 0:
			for name, k := range w.Kinds {
				if writeKinds[name] && w.DurationS > 0 {
					rate += float64(k.Ops) / w.DurationS
				}
			}
		case w.Name == "put" || w.Name == "txn":
			rate = w.ThroughputOpsS
		}
		if rate > 0 && (f.WriteRateOpsS == nil || rate > f.WriteRateOpsS.Value) {
			f.WriteRateOpsS = advisor.M(rate, fmt.Sprintf("bench %s, %s loop", w.Name, w.Mode))
			if size := entryBytes(w.Params); size > 0 {
				f.EntryBytes = advisor.M(size, fmt.Sprintf("bench %s key and value size", w.Name))
			}
		}
	}
}

func entryBytes(params map[string]any) float64 {
	num := func(k string) float64 {
		switch v := params[k].(type) {
		case float64:
			return v
		case int:
			return float64(v)
		case uint64:
			return float64(v)
		case string:
			return float64(len(v))
		}
		return 0
	}
	return num("prefix") + num("key_size") + num("val_size")
}

package advisor

import (
	"fmt"

	"github.com/etcdtune/etcdtune/result"
)

// Limits of the sizing run's verdicts.
//
// Throughput: etcdctl check perf fails a run whose throughput is 90% of
// its target or less; the load engine itself warns when an open-loop run
// falls more than 1% short of its rate. So 99% of the target passes, 90%
// warns, less fails.
//
// Latency (p99 of writes, timed from the intended send time): a write costs
// a WAL fsync on the leader and on a quorum of followers (p99 under 10 ms
// on a suitable disk), one peer round trip (sub-ms to a few ms inside a
// datacenter) and the apply. On hardware that meets etcd's guide that stays
// under 25 ms at p99, the bound the guide also sets for the backend commit.
// 100 ms is where etcd itself complains: its "apply request took too long"
// warning (--warning-apply-duration) and the default heartbeat interval; a
// p99 past it means a request in a hundred takes as long as etcd calls a
// problem.
//
// The slowest request: check perf fails a run whose slowest request took
// over 500 ms. One request says little, so it only turns a PASS into WARN.
//
// Stability: a healthy cluster neither elects a new leader nor fails
// requests under a load it can take; one election may be a transient, more
// are a sign of the disk or network trouble etcd's FAQ names.
const (
	throughputPassShare   = 0.99
	throughputWarnShare   = 0.90
	DefaultWriteP99PassMs = 25
	writeP99WarnFactor    = 4 // 25 ms -> 100 ms
	slowestWarnMs         = 500
	errorShareFail        = 0.01
	leaderChangesFail     = 2
	srcCheckPerf          = "etcdctl check perf (etcdctl/ctlv3/command/check.go): 90% of the target rate, slowest request 500 ms"
)

// RunVerdicts are the verdicts only a sizing run can give: the capacity
// (first: it is the headline), throughput against the preset's target,
// write latency, and stability.
func RunVerdicts(f Findings) []result.Verdict {
	return []result.Verdict{CapacityVerdict(f), ThroughputVerdict(f), LatencyVerdict(f), StabilityVerdict(f)}
}

// ThroughputVerdict judges the write rate achieved against the target.
func ThroughputVerdict(f Findings) result.Verdict {
	const rule = "throughput: writes achieved at least 99% of the target rate PASS, at least 90% WARN (etcdctl check perf fails at 90%), else FAIL"
	if f.WriteTargetOpsS == nil || f.WriteAchievedOpsS == nil || f.WriteTargetOpsS.Value <= 0 {
		return verdictNotMeasured("throughput", rule, srcCheckPerf, "writes at a target rate (etcdtune run, or bench put --rate)")
	}
	target, got := f.WriteTargetOpsS.Value, f.WriteAchievedOpsS.Value
	share := got / target
	value := result.Fail
	switch {
	case share >= throughputPassShare:
		value = result.Pass
	case share >= throughputWarnShare:
		value = result.Warn
	}
	reason := fmt.Sprintf("%.0f writes/s achieved against a target of %.0f/s (%.0f%%, %s)", got, target, share*100, f.WriteAchievedOpsS.Source)
	if value != result.Pass {
		reason += ": this cluster cannot take the preset's load; choose a smaller preset, or faster disks and CPUs"
	}
	return verdict("throughput", value, rule, srcCheckPerf, reason,
		map[string]float64{"target_ops_s": target, "achieved_ops_s": got, "share": share})
}

// LatencyVerdict judges the p99 of writes at the target rate.
func LatencyVerdict(f Findings) result.Verdict {
	pass := f.WriteP99LimitMs
	if pass <= 0 {
		pass = DefaultWriteP99PassMs
	}
	warn := pass * writeP99WarnFactor
	rule := fmt.Sprintf("latency: p99 of writes at the target rate under %g ms PASS, under %g ms WARN, else FAIL; a slowest request over %d ms turns PASS into WARN", pass, warn, slowestWarnMs)
	if f.WriteP99Ms == nil {
		return verdictNotMeasured("latency", rule, srcHardware, "writes at a target rate (etcdtune run, or bench put --rate)")
	}
	p99 := f.WriteP99Ms.Value
	value := result.Fail
	switch {
	case p99 < pass:
		value = result.Pass
	case p99 < warn:
		value = result.Warn
	}
	reason := fmt.Sprintf("write p99 %.1f ms (%s) against %g ms", p99, f.WriteP99Ms.Source, pass)
	ev := map[string]float64{"write_p99_ms": p99, "pass_ms": pass, "warn_ms": warn}
	if f.WriteMaxMs != nil {
		ev["write_max_ms"] = f.WriteMaxMs.Value
		reason += fmt.Sprintf("; slowest %.0f ms", f.WriteMaxMs.Value)
		if f.WriteMaxMs.Value > slowestWarnMs && value == result.Pass {
			value = result.Warn
			reason += fmt.Sprintf(", over the %d ms etcdctl check perf allows", slowestWarnMs)
		}
	}
	return verdict("latency", value, rule, srcHardware, reason, ev)
}

// StabilityVerdict judges failed requests and leader changes under load.
func StabilityVerdict(f Findings) result.Verdict {
	const rule = "stability: no failed request and no leader change PASS; under 1% failed and at most one leader change WARN; else FAIL"
	if f.LoadRequests == nil || f.LoadRequests.Value <= 0 {
		return verdictNotMeasured("stability", rule, srcFAQ, "requests under load (a workload)")
	}
	errs := 0.0
	if f.LoadErrors != nil {
		errs = f.LoadErrors.Value
	}
	share := errs / f.LoadRequests.Value
	ev := map[string]float64{"requests": f.LoadRequests.Value, "errors": errs, "error_share": share}
	reason := fmt.Sprintf("%.0f of %.0f requests failed (%.3f%%)", errs, f.LoadRequests.Value, share*100)
	changes := 0.0
	if f.LeaderChanges != nil {
		changes = f.LeaderChanges.Value
		ev["leader_changes"] = changes
		reason += fmt.Sprintf("; %.0f leader changes (%s)", changes, f.LeaderChanges.Source)
	} else {
		reason += "; leader changes not measured (no server metrics)"
	}
	value := result.Pass
	switch {
	case share >= errorShareFail || changes >= leaderChangesFail:
		value = result.Fail
	case errs > 0 || changes > 0:
		value = result.Warn
	}
	return verdict("stability", value, rule, srcFAQ, reason, ev)
}

package advisor

import (
	"fmt"
	"math"

	"github.com/etcdtune/etcdtune/result"
)

// Verdict limits from etcd's hardware guide and vendors: WAL fsync p99
// under 10 ms (some vendors allow 20), backend commit p99 under 25 ms,
// peer RTT p99 under 50 ms (Red Hat) with etcd's alert at 150 ms.
const (
	fsyncPassMs         = 10
	fsyncWarnMs         = 20
	backendCommitPassMs = 25
	rttPassMs           = 50
	rttWarnMs           = 150
	cpuBusyWarn         = 80
)

func verdict(area, level, rule, source, reason string, ev map[string]float64) result.Verdict {
	return result.Verdict{Area: area, Level: level, Rule: rule, Source: source, Reason: reason, Evidence: ev}
}

// verdictNotMeasured is the verdict of an area whose figure is missing,
// with the reason notMeasured gives.
func verdictNotMeasured(area, rule, source, what string) result.Verdict {
	return result.VerdictOf(notMeasured(area, result.ScopeVerdict, rule, source, what))
}

// DiskVerdict judges the disk by its fsync tail.
func DiskVerdict(f Findings) result.Verdict {
	const rule = "disk: fsync p99 under 10 ms PASS, under 20 ms WARN (some vendors allow 20), else FAIL; backend commit p99 under 25 ms"
	if f.FsyncP99Ms == nil {
		return verdictNotMeasured("disk", rule, srcHardware, "fsync latency (probe fsync)")
	}
	p99 := f.FsyncP99Ms.Value
	ev := map[string]float64{"fsync_p99_ms": p99}
	value := result.Pass
	switch {
	case p99 >= fsyncWarnMs:
		value = result.Fail
	case p99 >= fsyncPassMs:
		value = result.Warn
	}
	reason := fmt.Sprintf("fsync p99 %.2f ms (%s) against 10 ms", p99, f.FsyncP99Ms.Source)
	if f.BackendCommitP99Ms != nil {
		ev["backend_commit_p99_ms"] = f.BackendCommitP99Ms.Value
		reason += fmt.Sprintf("; backend commit p99 %.1f ms against 25 ms", f.BackendCommitP99Ms.Value)
		if f.BackendCommitP99Ms.Value >= backendCommitPassMs && value == result.Pass {
			value = result.Warn
		}
	}
	if value != result.Pass && f.DiskShared {
		reason += "; the disk is shared: put the WAL on its own disk (--wal-dir) or raise etcd's I/O priority (ionice -c2 -n0)"
	}
	return verdict("disk", value, rule, srcHardware, reason, ev)
}

// NetworkVerdict judges the network by the slowest peer round trip.
func NetworkVerdict(f Findings) result.Verdict {
	const rule = "network: peer RTT p99 under 50 ms PASS, under 150 ms WARN (a stretched cluster; etcd's alert fires at 150 ms), else FAIL"
	if len(f.PeerRTT) == 0 {
		if f.Members == 1 {
			return verdict("network", result.Pass, rule, srcHardware, "a single member has no peer traffic", nil)
		}
		return verdictNotMeasured("network", rule, srcHardware, "peer round-trip time (probe rtt)")
	}
	_, tail := worstPeer(f.PeerRTT)
	value := result.Pass
	switch {
	case tail.P99Ms >= rttWarnMs:
		value = result.Fail
	case tail.P99Ms >= rttPassMs:
		value = result.Warn
	}
	reason := fmt.Sprintf("slowest peer RTT p99 %.1f ms (%s to %s, %s) against 50 ms", tail.P99Ms, tail.From, tail.To, tail.Source)
	if value != result.Pass {
		reason += ": a stretched cluster; raise the timing as advised and expect slower commits"
	}
	return verdict("network", value, rule, srcHardware, reason, map[string]float64{"peer_rtt_p99_ms": tail.P99Ms})
}

// hardwareClass is a row of etcd's hardware guide: the load it serves and
// the CPUs and memory it asks for.
type hardwareClass struct {
	name      string
	writesPS  float64
	cpus      float64
	memoryGiB float64
}

var hardwareClasses = []hardwareClass{
	{"small", 200, 2, 8}, {"medium", 1000, 4, 16}, {"large", 10000, 8, 32}, {"xlarge", math.Inf(1), 16, 64},
}

// CPUMemoryVerdict judges CPUs and memory against the load measured, by
// etcd's hardware guide.
func CPUMemoryVerdict(f Findings) result.Verdict {
	const rule = "cpu-memory: etcd's hardware guide by write rate (<200/s: 2 CPUs 8 GiB; <1000/s: 4, 16; <10000/s: 8, 32; more: 16, 64); CPU busy over 80% WARN"
	if f.WriteRateOpsS == nil || (f.CPUs == nil && f.MemoryBytes == nil) {
		return verdictNotMeasured("cpu-memory", rule, srcHardware, "write rate and host facts (probe host)")
	}
	class := hardwareClasses[len(hardwareClasses)-1]
	for _, c := range hardwareClasses {
		if f.WriteRateOpsS.Value < c.writesPS {
			class = c
			break
		}
	}
	value := result.Pass
	reason := fmt.Sprintf("%.0f writes/s is a %s load, for which the guide asks %.0f CPUs and %.0f GiB", f.WriteRateOpsS.Value, class.name, class.cpus, class.memoryGiB)
	ev := map[string]float64{"write_rate_ops_s": f.WriteRateOpsS.Value}
	if f.CPUs != nil {
		ev["cpus"] = f.CPUs.Value
		reason += fmt.Sprintf("; this host has %.0f CPUs", f.CPUs.Value)
		if f.CPUs.Value < class.cpus {
			value = result.Warn
		}
	}
	if f.MemoryBytes != nil {
		ev["memory_bytes"] = f.MemoryBytes.Value
		reason += fmt.Sprintf(" and %.1f GiB", f.MemoryBytes.Value/gib)
		if f.MemoryBytes.Value < class.memoryGiB*gib*0.9 {
			value = result.Warn
		}
	}
	if f.CPUBusyPercent != nil && f.CPUBusyPercent.Value > cpuBusyWarn {
		ev["cpu_busy_percent"] = f.CPUBusyPercent.Value
		value = result.Warn
		reason += fmt.Sprintf("; CPU was %.0f%% busy under the load", f.CPUBusyPercent.Value)
	}
	return verdict("cpu-memory", value, rule, srcHardware, reason, ev)
}

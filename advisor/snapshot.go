package advisor

import (
	"fmt"
	"math"
	"strconv"

	"github.com/etcdtune/etcdtune/result"
)

// Snapshot rule limits: etcd 3.6's default of 10000 entries; past 100000
// the raft log held in memory starts to hurt through GC (etcd tuning and
// FAQ); the log may take at most this share of memory.
const (
	defaultSnapshotCount   = 10000
	maxSnapshotCount       = 100000
	defaultCatchupEntries  = 5000
	snapshotMemoryShare    = 0.05
	minSnapshotIntervalSec = 30 // raise the count when snapshots come more often than this
	catchupSeconds         = 5  // a follower this far behind catches up from the log, not a snapshot
)

// SnapshotCountRule recommends --snapshot-count and
// --snapshot-catchup-entries from the write rate, the entry size and the
// memory.
func SnapshotCountRule(f Findings) []result.Advice {
	const rule = "snapshot: keep 10000 unless snapshots would come more than every 30 s (raise to rate x 30 s, at most 100000) or the in-memory log (count + catch-up) x entry size would pass 5% of memory (lower)"
	if f.WriteRateOpsS == nil {
		return []result.Advice{
			notMeasured("--snapshot-count", result.ScopeEtcd, rule, srcTuning, "write rate (a put or mixed workload)"),
			notMeasured("--snapshot-catchup-entries", result.ScopeEtcd, rule, srcTuning, "write rate (a put or mixed workload)"),
		}
	}
	rate := f.WriteRateOpsS.Value
	count := float64(defaultSnapshotCount)
	why := fmt.Sprintf("at %.0f writes/s (%s) the default of 10000 entries snapshots every %.0f s", rate, f.WriteRateOpsS.Source, count/math.Max(rate, 1e-9))
	if rate*minSnapshotIntervalSec > count {
		count = math.Min(maxSnapshotCount, roundUp(rate*minSnapshotIntervalSec, 1000))
		why = fmt.Sprintf("at %.0f writes/s (%s) 10000 entries would snapshot every %.1f s; %.0f makes it about every %.0f s", rate, f.WriteRateOpsS.Source, defaultSnapshotCount/rate, count, count/rate)
	}
	ev := map[string]float64{"write_rate_ops_s": rate}
	if f.EntryBytes != nil && f.MemoryBytes != nil {
		budget := snapshotMemoryShare * f.MemoryBytes.Value / f.EntryBytes.Value
		ev["entry_bytes"], ev["memory_bytes"] = f.EntryBytes.Value, f.MemoryBytes.Value
		if count+defaultCatchupEntries > budget {
			count = math.Max(1000, math.Floor((budget-defaultCatchupEntries)/1000)*1000)
			why = fmt.Sprintf("entries of %.0f B with %.1f GiB of memory: the log kept in memory must stay under 5%% of it, so %.0f", f.EntryBytes.Value, f.MemoryBytes.Value/(1<<30), count)
		}
	}
	catchup := math.Min(count, math.Max(defaultCatchupEntries, roundUp(rate*catchupSeconds, 1000)))
	return []result.Advice{
		f.setting("--snapshot-count", strconv.Itoa(int(count)), rule, srcTuning, why, ev),
		f.setting("--snapshot-catchup-entries", strconv.Itoa(int(catchup)), rule, srcConfig,
			fmt.Sprintf("a follower %d s behind at %.0f writes/s lacks %.0f entries; %.0f lets it catch up from the log instead of a full snapshot", catchupSeconds, rate, rate*catchupSeconds, catchup), ev),
	}
}

package advisor

import (
	"fmt"
	"math"
	"strconv"

	"github.com/etcdtune/etcdtune/result"
)

// Quota limits: etcd's default of 2 GiB and the suggested maximum of 8 GiB
// (etcd docs, dev-guide limits); past the quota the NOSPACE alarm makes the
// cluster read-and-delete only.
const (
	gib               = 1 << 30
	defaultQuotaBytes = 2 * gib
	maxSuggestedQuota = 8 * gib
	// quotaHeadroom covers the old revisions kept between compactions and
	// the free pages of a fragmented db on top of the live data.
	quotaHeadroom = 2.0
	growthDays    = 30
	// k8s estimates per node and per pod, in bytes: a pod object is several
	// KiB (status included), a node object and its lease and events about 30 KiB.
	bytesPerPod  = 8 << 10
	bytesPerNode = 30 << 10
)

// QuotaRule recommends --quota-backend-bytes from the db size, its growth
// and the data the given Kubernetes scale implies.
func QuotaRule(f Findings) result.Advice {
	const rule = "quota: (the largest of the db size, in-use size + 30 days of growth, and the Kubernetes estimate) x 2, rounded up to a GiB, at least 2 GiB; warn above 8 GiB"
	var need float64
	var parts []string
	ev := map[string]float64{}
	if f.DBSizeBytes != nil {
		need = f.DBSizeBytes.Value
		ev["db_size_bytes"] = need
		parts = append(parts, fmt.Sprintf("db %.0f MiB (%s)", need/(1<<20), f.DBSizeBytes.Source))
	}
	if f.DBInUseBytes != nil && f.DBGrowthBytesDay != nil {
		grown := f.DBInUseBytes.Value + growthDays*f.DBGrowthBytesDay.Value
		need = math.Max(need, grown)
		ev["growth_bytes_day"] = f.DBGrowthBytesDay.Value
		parts = append(parts, fmt.Sprintf("%.0f MiB after 30 days of growth", grown/(1<<20)))
	}
	if f.Nodes > 0 {
		est := float64(f.Nodes) * (bytesPerNode + float64(f.PodsPerNode)*bytesPerPod)
		need = math.Max(need, est)
		ev["k8s_estimate_bytes"] = est
		parts = append(parts, fmt.Sprintf("an estimated %.0f MiB for %d nodes x %d pods", est/(1<<20), f.Nodes, f.PodsPerNode))
	}
	if len(parts) == 0 {
		return notMeasured("--quota-backend-bytes", result.ScopeEtcd, rule, srcMaintenance, "db size (probe cluster) or the Kubernetes scale (--nodes, --pods-per-node)")
	}
	quota := math.Max(defaultQuotaBytes, roundUp(need*quotaHeadroom, gib))
	reason := fmt.Sprintf("%s: twice that leaves room for old revisions and fragmentation, so %.0f GiB", joinParts(parts), quota/gib)
	a := f.setting("--quota-backend-bytes", strconv.FormatInt(int64(quota), 10), rule, srcMaintenance, reason, ev)
	if quota > maxSuggestedQuota {
		a.Action = result.ActionWarn
		a.Reason += "; that is over the suggested maximum of 8 GiB: split the data (events to their own cluster) before raising it further"
	}
	return a
}

func joinParts(parts []string) string {
	s := parts[0]
	for _, p := range parts[1:] {
		s += "; " + p
	}
	return s
}

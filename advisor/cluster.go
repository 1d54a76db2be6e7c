package advisor

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/etcdtune/etcdtune/result"
)

// ClusterSizeRule recommends 3 or 5 members from the failures to tolerate
// and the commit latency each size implies: a commit waits for the quorum,
// so for the slowest follower the quorum needs.
func ClusterSizeRule(f Findings) result.Advice {
	const rule = "cluster size: 2f+1 members for f tolerated failures (3 or 5); a commit waits for the (quorum-1)-th fastest follower's RTT + fsync"
	tolerate := f.FailuresTolerated
	if tolerate < 1 {
		tolerate = 1
	}
	size := 2*tolerate + 1
	a := result.Advice{Setting: "cluster-size", Scope: result.ScopeOperations, Value: strconv.Itoa(size), Action: result.ActionSet, Rule: rule, Source: srcFailures,
		Evidence: map[string]float64{"failures_tolerated": float64(tolerate)}}
	if f.Members > 0 {
		a.Current = strconv.Itoa(f.Members)
		if f.Members == size {
			a.Action = result.ActionKeep
		}
	}
	reason := fmt.Sprintf("%d members tolerate %d failed at once", size, tolerate)
	if c3, ok := predictedCommitMs(f, 3); ok {
		c5, _ := predictedCommitMs(f, 5)
		a.Evidence["commit_ms_3"], a.Evidence["commit_ms_5"] = c3, c5
		reason += fmt.Sprintf("; predicted commit latency from the measured RTT and fsync: %.1f ms with 3 members, %.1f ms with 5", c3, c5)
	}
	if size > 5 {
		a.Action = result.ActionWarn
		reason += "; more than 5 members slows every write and is not recommended"
	}
	a.Reason = reason
	return a
}

// predictedCommitMs is the commit latency of an n-member cluster: the
// leader's fsync in parallel with the followers' RTT + fsync, and the
// commit needs n/2 followers, so the (n/2)-th fastest.
func predictedCommitMs(f Findings, n int) (float64, bool) {
	if f.FsyncP99Ms == nil {
		return 0, false
	}
	followers := slices.Clone(f.MemberCommitMs)
	if len(followers) == 0 {
		if len(f.PeerRTT) == 0 {
			return 0, false
		}
		_, tail := worstPeer(f.PeerRTT)
		followers = []float64{tail.P99Ms + f.FsyncP99Ms.Value}
	}
	slices.Sort(followers)
	need := n / 2
	// More followers than measured: assume the unmeasured ones are like the slowest.
	for len(followers) < need {
		followers = append(followers, followers[len(followers)-1])
	}
	return math.Max(f.FsyncP99Ms.Value, followers[need-1]), true
}

// BackupRule says how often a snapshot can be taken and from which member.
func BackupRule(f Findings) result.Advice {
	const rule = "backup: every max(30 min, 20 x snapshot time); from a follower when the snapshot slows the load"
	if f.SnapshotSeconds == nil {
		return notMeasured("backup", result.ScopeOperations, rule, srcRecovery, "snapshot time (probe backup)")
	}
	every := math.Max(30*60, 20*f.SnapshotSeconds.Value)
	interval := (time.Duration(roundUp(every, 60)) * time.Second).String()
	a := result.Advice{Setting: "backup", Scope: result.ScopeOperations, Value: "every " + interval, Action: result.ActionSet, Rule: rule, Source: srcRecovery,
		Evidence: map[string]float64{"snapshot_s": f.SnapshotSeconds.Value}}
	a.Reason = fmt.Sprintf("a snapshot took %.1f s (%s), so one every %s costs under 5%% of the time", f.SnapshotSeconds.Value, f.SnapshotSeconds.Source, interval)
	if f.SnapshotImpactMs != nil {
		a.Evidence["impact_p99_ms"] = f.SnapshotImpactMs.Value
		if f.SnapshotImpactMs.Value > 10 {
			a.Reason += fmt.Sprintf("; it added %.0f ms to the p99 of a light load: take it from a follower, not the leader", f.SnapshotImpactMs.Value)
		} else {
			a.Reason += fmt.Sprintf("; it added %.1f ms to the p99 of a light load; a follower is still the better source", f.SnapshotImpactMs.Value)
		}
	}
	return a
}

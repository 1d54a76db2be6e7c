package advisor

import (
	"fmt"
	"math"
	"strconv"

	"github.com/etcdtune/etcdtune/result"
)

// etcd's timing defaults and limits, in milliseconds (server/embed/config.go).
const (
	defaultHeartbeatMs = 100
	defaultElectionMs  = 1000
	maxElectionMs      = 50000
)

// Timing rule factors, from etcd's tuning guide: the heartbeat about 0.5 to
// 1.5 times the mean RTT (the upper end absorbs jitter), the election
// timeout at least 10 times the RTT and at least 5 times the heartbeat
// (etcd refuses less).
const (
	heartbeatPerRTT       = 1.5
	electionPerRTT        = 10
	electionPerHeartbeat  = 5
	heartbeatPerFsyncTail = 2 // a WAL fsync blocks the raft loop that sends heartbeats
)

// worstPeer is the slowest pair of members, by mean and by p99.
func worstPeer(pairs []PeerRTT) (mean, p99 PeerRTT) {
	for _, p := range pairs {
		if p.MeanMs > mean.MeanMs {
			mean = p
		}
		if p.P99Ms > p99.P99Ms {
			p99 = p
		}
	}
	return mean, p99
}

func roundUp(v, step float64) float64 { return math.Ceil(v/step) * step }

// TimingRule recommends --heartbeat-interval and --election-timeout from
// the peer round trips and the disk's fsync tail.
func TimingRule(f Findings) []result.Advice {
	const rule = "timing: heartbeat = max(100, 1.5 x worst mean peer RTT, 2 x fsync p99); election = max(1000, 10 x worst p99 peer RTT, 5 x heartbeat); at most 50000; the same on every member"
	if len(f.PeerRTT) == 0 {
		if f.Members == 1 {
			return []result.Advice{
				f.setting("--heartbeat-interval", strconv.Itoa(defaultHeartbeatMs), rule, srcTuning, "a single member has no peers: keep the defaults until members join, then measure the peer RTT", nil),
				f.setting("--election-timeout", strconv.Itoa(defaultElectionMs), rule, srcTuning, "a single member has no peers: keep the defaults until members join", nil),
			}
		}
		return []result.Advice{
			notMeasured("--heartbeat-interval", result.ScopeEtcd, rule, srcTuning, "peer round-trip time (probe rtt)"),
			notMeasured("--election-timeout", result.ScopeEtcd, rule, srcTuning, "peer round-trip time (probe rtt)"),
		}
	}
	mean, tail := worstPeer(f.PeerRTT)
	hb := math.Max(defaultHeartbeatMs, roundUp(heartbeatPerRTT*mean.MeanMs, 10))
	why := fmt.Sprintf("the slowest peer pair (%s to %s) has a mean RTT of %.1f ms (%s)", mean.From, mean.To, mean.MeanMs, mean.Source)
	ev := map[string]float64{"peer_rtt_mean_ms": mean.MeanMs, "peer_rtt_p99_ms": tail.P99Ms}
	if f.FsyncP99Ms != nil {
		ev["fsync_p99_ms"] = f.FsyncP99Ms.Value
		if d := roundUp(heartbeatPerFsyncTail*f.FsyncP99Ms.Value, 10); d > hb {
			hb = d
			why = fmt.Sprintf("the disk's fsync p99 of %.1f ms (%s) can hold up the raft loop that sends heartbeats", f.FsyncP99Ms.Value, f.FsyncP99Ms.Source)
		}
	}
	el := math.Max(defaultElectionMs, math.Max(roundUp(electionPerRTT*tail.P99Ms, 100), electionPerHeartbeat*hb))
	hbAdvice := f.setting("--heartbeat-interval", strconv.Itoa(int(hb)), rule, srcTuning,
		fmt.Sprintf("%s; a heartbeat of %.0f ms covers it (never below etcd's default of 100 ms)", why, hb), ev)
	if el > maxElectionMs {
		return []result.Advice{hbAdvice, {Setting: "--election-timeout", Scope: result.ScopeEtcd, Value: strconv.Itoa(maxElectionMs),
			Current: f.current("--election-timeout"), Action: result.ActionWarn, Rule: rule, Source: srcTuning, Evidence: ev,
			Reason: fmt.Sprintf("the p99 peer RTT of %.0f ms (%s to %s) needs an election timeout of %.0f ms, over etcd's limit of 50000 ms: this network cannot carry one etcd cluster; keep members within one region", tail.P99Ms, tail.From, tail.To, el)}}
	}
	elAdvice := f.setting("--election-timeout", strconv.Itoa(int(el)), rule, srcTuning,
		fmt.Sprintf("the slowest p99 peer RTT is %.1f ms (%s to %s): %.0f ms is at least 10x that and 5x the heartbeat; closest OpenShift profile: %s",
			tail.P99Ms, tail.From, tail.To, el, closestProfile(hb, el)), ev)
	return []result.Advice{hbAdvice, elAdvice}
}

// closestProfile names the OpenShift etcd profile nearest to a timing, on
// a log scale.
func closestProfile(hb, el float64) string {
	dist := func(h, e float64) float64 { return math.Abs(math.Log(hb/h)) + math.Abs(math.Log(el/e)) }
	if dist(100, 1000) <= dist(500, 2500) {
		return "Standard (100/1000 ms)"
	}
	return "Slower (500/2500 ms)"
}

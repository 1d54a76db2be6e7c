package reports

import (
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

// A peer figure timed by etcdtune (probe rtt --peer-urls) keeps its own
// source in the findings; etcd's histogram rows name the metric, and a row
// without observations is no figure at all.
func TestFindingsPeerSources(t *testing.T) {
	r := &result.Result{Probes: result.Probes{RTT: &result.RTT{Peers: []result.PeerRTT{
		{From: "a", To: "b", Observations: 3, MeanMs: 2, P99: result.Quantile{Ms: 4}},
		{From: "a", To: "c"},
		{From: probes.ProbingFrom, To: "http://10.0.0.2:2380", Observations: 20, MeanMs: 100, P99: result.Quantile{Ms: 120},
			Source: "timed GET /raft/probing"},
	}}}}
	f := Findings(r, Scale{})
	if len(f.PeerRTT) != 2 {
		t.Fatalf("%d peer figures, want 2: %+v", len(f.PeerRTT), f.PeerRTT)
	}
	if !strings.Contains(f.PeerRTT[0].Source, "etcd_network_peer_round_trip_time_seconds") ||
		f.PeerRTT[1].Source != "timed GET /raft/probing" || f.PeerRTT[1].P99Ms != 120 {
		t.Errorf("sources: %+v", f.PeerRTT)
	}
}

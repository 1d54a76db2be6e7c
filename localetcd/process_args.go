package localetcd

import (
	"slices"
	"strings"
)

// clusterStateFlag is the etcd flag that says whether a member founds a new
// cluster or rejoins an existing one.
const clusterStateFlag = "--initial-cluster-state="

// FastElectionArgs returns etcd flags for quick failover on loopback, where
// the round trip is well under a millisecond: a 50 ms heartbeat and a 500 ms
// election timeout (etcd's defaults are 100 ms and 1000 ms). Tests that
// pause or kill a leader pass them in ProcessClusterConfig.ExtraArgs.
func FastElectionArgs() []string {
	return []string{"--heartbeat-interval=50", "--election-timeout=500"}
}

// memberArgs are the flags of one member of a new cluster. ExtraArgs come
// last so that they override these (etcd's flag parsing keeps the last).
func memberArgs(name, dataDir string, p memberPorts, spec clusterSpec, extra []string) []string {
	client, peer := loopbackURL(p.client), loopbackURL(p.peer)
	args := []string{
		"--name=" + name,
		"--data-dir=" + dataDir,
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--listen-metrics-urls=" + loopbackURL(p.metrics),
		"--initial-cluster=" + spec.initialCluster,
		"--initial-cluster-token=" + spec.token,
		clusterStateFlag + "new",
	}
	return append(args, extra...)
}

// existingClusterArgs turns a new member's flags into a rejoining member's.
// etcd ignores the initial cluster once the data dir holds a member, but
// "existing" says what is meant and keeps it from ever founding a second
// cluster on an empty dir.
func existingClusterArgs(args []string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if strings.HasPrefix(a, clusterStateFlag) {
			out[i] = clusterStateFlag + "existing"
		}
	}
	return out
}

// Package probes measures what etcd's behaviour rests on: the round trip to
// each member and between peers, the fsync latency and class of the disk,
// the host, the cluster's state and server-side metrics, and what an
// existing cluster holds. Each probe is a function that returns a finding
// for the result file (probes.<name>); none prints or exits.
package probes

// Package engine is etcdtune's load engine: it drives a Workload and
// measures it, and holds what every kind of load shares (keys, values, the
// prefix check and cleanup, the guard, the agents' barrier). It imports no
// kind of load; the kinds are in workloads/ and its subpackages.
//
// The engine runs a Workload in one of two modes:
//
//   - closed loop: a fixed number of workers, each sends its next request
//     when the last one returns (what etcd's own benchmark does);
//   - open loop: requests are sent on a fixed schedule whatever the server
//     does, and latency is measured from the intended send time, so that a
//     stalled server shows in the tail instead of being hidden (wrk2's rule).
//
// Every latency goes into an HdrHistogram, one per operation kind, and into a
// per-second series. Nothing is kept per request, so memory does not grow
// with the length of a run. The package never reads flags, prints or exits.
package engine

package runner

import "time"

// Timing is how long each phase of a run takes: Quick for a first look and
// CI (within 60 s on a 2-core machine), Full for a sizing decision (within
// 5 minutes).
type Timing struct {
	HostWindow    time.Duration // the host probe's steal-time window
	FsyncBytes    int64         // the fsync probe's writes, in 2300 B blocks
	DiskSeqBytes  int64         // the disk probe's sequential write
	DiskRand      time.Duration // the disk probe's random-write window
	RTTSamples    int           // round trips to each member
	ClusterWindow time.Duration // server metrics read before the load
	Warmup        time.Duration // load before each workload's measured window
	Put           time.Duration // the put phase at the preset's rate
	Load          time.Duration // each of range, watch, mixed and k8s
	KeySpace      uint64        // keys written and read; preloaded for range and mixed
	MaxK8sNodes   int           // caps the preset's Kubernetes scale (preload time)
	// The capacity searches after the suite: each step's window and
	// warm-up, the write search's first rate (at least the preset's) and
	// precision, and the steps of each search. The Kubernetes search
	// grows the cluster up to K8sCapacityFactor times the preset's nodes
	// (capped by MaxK8sNodes): a cluster that holds four times its plan
	// has room to grow, and a larger search would cost preload time.
	CapacityStep      time.Duration
	CapacityWarmup    time.Duration
	CapacityStart     float64
	CapacityPrecision float64
	CapacitySteps     int
	K8sCapacitySteps  int
	K8sCapacityFactor int
}

// QuickTiming is --quick: short phases and a 4 MiB fsync probe (some 1,800
// samples, enough for a p99 within a few samples of the tail).
func QuickTiming() Timing {
	return Timing{HostWindow: 500 * time.Millisecond, FsyncBytes: 4 << 20, DiskSeqBytes: 16 << 20,
		DiskRand: time.Second, RTTSamples: 100, ClusterWindow: time.Second, Warmup: time.Second,
		Put: 6 * time.Second, Load: 4 * time.Second, KeySpace: 5000, MaxK8sNodes: 10,
		// A coarse search: 1 s steps, 25% precision, from 2,000/s (any etcd
		// passes 1,000/s; the step it saves goes to the tries near the knee).
		CapacityStep: time.Second, CapacityWarmup: 300 * time.Millisecond, CapacityStart: 2000, CapacityPrecision: 0.25,
		CapacitySteps: 9, K8sCapacitySteps: 4, K8sCapacityFactor: 4}
}

// FullTiming is the default: fio's full 22 MiB disk check and 25-40 s per
// workload, long enough for a stable p99 and a few per-second points to
// chart.
func FullTiming() Timing {
	return Timing{HostWindow: time.Second, FsyncBytes: 22 << 20, DiskSeqBytes: 64 << 20,
		DiskRand: 2 * time.Second, RTTSamples: 1000, ClusterWindow: 3 * time.Second, Warmup: 3 * time.Second,
		Put: 40 * time.Second, Load: 25 * time.Second, KeySpace: 10000, MaxK8sNodes: 1000,
		CapacityStep: 2 * time.Second, CapacityWarmup: 500 * time.Millisecond, CapacityStart: 500, CapacityPrecision: 0.05,
		CapacitySteps: 24, K8sCapacitySteps: 8, K8sCapacityFactor: 4}
}

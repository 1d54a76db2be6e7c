package probes

import (
	"fmt"

	"github.com/etcdtune/etcdtune/result"
)

// Disk classes, from the measured fdatasync latency.
const (
	ClassLocalSSD     = "local-ssd"     // local NVMe or SATA SSD
	ClassNetworkBlock = "network-block" // network block storage (EBS, PD, Ceph RBD) or a busy SSD
	ClassHDDLike      = "hdd-like"      // a spinning disk's fdatasync, or as slow
	ClassNotSuitable  = "not-suitable"  // too slow for etcd's WAL
	ClassNotADisk     = "not-a-disk"    // tmpfs or ramfs: memory, no class
)

// The thresholds of the classes, from etcd's hardware guide (https://etcd.io/docs/v3.6/op-guide/hardware/): an
// SSD's fdatasync takes under 1 ms and an HDD's about 10 ms; etcd wants the
// WAL fsync p99 under 10 ms (some OpenShift tooling allows 20 ms), and at
// least 50 sequential IOPS.
const (
	ssdP99Ms     = 1.0
	walP99Ms     = 10.0
	relaxedP99Ms = 20.0
	minIOPS      = 50.0
)

// ClassifyDisk classes a disk by its fdatasync p99 and IOPS, and says why
// in one sentence that quotes the figure and the threshold.
func ClassifyDisk(f *result.Fsync, fsType string) (class, reason string) {
	p99 := f.P99
	switch {
	case fsType == "tmpfs" || fsType == "ramfs":
		return ClassNotADisk, fmt.Sprintf("%s is memory: fdatasync p99 %.3f ms says nothing about a disk", fsType, p99)
	case f.IOPS < minIOPS:
		return ClassNotSuitable, fmt.Sprintf("%.0f synced writes per second, under etcd's minimum of %.0f", f.IOPS, minIOPS)
	case p99 >= relaxedP99Ms:
		return ClassNotSuitable, fmt.Sprintf("fdatasync p99 %.2f ms is over %.0f ms, the most any etcd guidance allows for the WAL (etcd wants under %.0f ms)", p99, relaxedP99Ms, walP99Ms)
	case p99 >= walP99Ms:
		return ClassHDDLike, fmt.Sprintf("fdatasync p99 %.2f ms is over etcd's %.0f ms WAL bound, as a spinning disk's (about 10 ms); only the relaxed %.0f ms bound is met", p99, walP99Ms, relaxedP99Ms)
	case p99 >= ssdP99Ms:
		return ClassNetworkBlock, fmt.Sprintf("fdatasync p99 %.2f ms is between %.0f ms (a local SSD) and etcd's %.0f ms WAL bound, as network block storage is", p99, ssdP99Ms, walP99Ms)
	}
	return ClassLocalSSD, fmt.Sprintf("fdatasync p99 %.3f ms is under %.0f ms, as a local NVMe or SSD is (etcd wants under %.0f ms)", p99, ssdP99Ms, walP99Ms)
}

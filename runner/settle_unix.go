//go:build unix

package runner

import "golang.org/x/sys/unix"

// settleDisk flushes the file systems' dirty pages. The disk probe writes
// tens of MiB and removes them; left to the kernel, their writeback and the
// journal commits of the removal land in the first seconds of the put
// phase and inflate its p99 (seen here: 9 ms alone, 44 ms right after a
// disk probe) — a cost of the probe, not of etcd.
func settleDisk() { unix.Sync() }

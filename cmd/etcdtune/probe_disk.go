package main

import (
	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

type probeDiskOptions struct {
	disk   probes.DiskOptions
	output string
}

func newProbeDiskCommand() *cobra.Command {
	o := &probeDiskOptions{}
	cmd := newProbeSubcommand("disk", "Describe the disk behind a folder, measure it, and class it for etcd",
		`Finds the device behind --path (through partitions, LVM and device-mapper),
its file system, model, scheduler, whether it is rotational or virtual, the
free space; measures sequential write throughput, random 4 KiB synced write
IOPS and the fsync latency of etcd's disk check; and classes the disk by its
fdatasync p99: local-ssd (under 1 ms), network-block (1 to 10 ms), hdd-like
(10 to 20 ms), not-suitable (20 ms or more, or under 50 IOPS).`, &o.output, o.measure)
	fs := cmd.Flags()
	addDiskPathFlag(fs, &o.disk.Dir)
	fs.Int64Var(&o.disk.SeqSize, "seq-size", probes.DefaultSeqWriteSize, "bytes written for the sequential throughput (at least 1 MiB)")
	fs.DurationVar(&o.disk.RandDuration, "rand-duration", probes.DefaultRandDuration, "length of the random-write IOPS measurement")
	return cmd
}

func (o *probeDiskOptions) measure(cmd *cobra.Command) (*result.Disk, error) {
	return measureHere(cmd, o.output, o.disk.Validate, probes.Disk, o.disk,
		func(d *result.Disk) []string { return d.Warnings })
}

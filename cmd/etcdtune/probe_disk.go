package main

import (
	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
)

type probeDiskOptions struct {
	disk   probes.DiskOptions
	output string
}

func newProbeDiskCommand() *cobra.Command {
	o := &probeDiskOptions{}
	cmd := &cobra.Command{
		Use:   "disk",
		Short: "Describe the disk behind a folder, measure it, and class it for etcd",
		Long: `Finds the device behind --path (through partitions, LVM and device-mapper),
its file system, model, scheduler, whether it is rotational or virtual, the
free space; measures sequential write throughput, random 4 KiB synced write
IOPS and the fsync latency of etcd's disk check; and classes the disk by its
fdatasync p99: local-ssd (under 1 ms), network-block (1 to 10 ms), hdd-like
(10 to 20 ms), not-suitable (20 ms or more, or under 50 IOPS).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.disk.Dir, "path", ".", "folder on the disk to measure (etcd's data dir, or where it will be)")
	fs.Int64Var(&o.disk.SeqSize, "seq-size", probes.DefaultSeqWriteSize, "bytes written for the sequential throughput (at least 1 MiB)")
	fs.DurationVar(&o.disk.RandDuration, "rand-duration", probes.DefaultRandDuration, "length of the random-write IOPS measurement")
	addProbeOutputFlag(fs, &o.output, "disk")
	return cmd
}

func (o *probeDiskOptions) run(cmd *cobra.Command) error {
	if err := checkProbeOutput(o.output); err != nil {
		return err
	}
	if err := o.disk.Validate(); err != nil {
		return badInput(err)
	}
	d, err := probes.Disk(cmd.Context(), o.disk)
	if err != nil {
		return probeError(cmd, err)
	}
	warn(cmd, d.Warnings)
	return writeFinding(cmd.OutOrStdout(), o.output, d)
}

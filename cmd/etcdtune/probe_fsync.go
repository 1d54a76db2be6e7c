package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/reports"
)

type probeFsyncOptions struct {
	fsync  probes.FsyncOptions
	output string
}

func newProbeFsyncCommand() *cobra.Command {
	o := &probeFsyncOptions{}
	cmd := &cobra.Command{
		Use:   "fsync",
		Short: "Time fdatasync after small sequential writes, as fio's etcd disk check does",
		Long: `Writes --size bytes in blocks of --block-size into a new file in --path, each
followed by fdatasync, as fio --rw=write --ioengine=sync --fdatasync=1
--size=22m --bs=2300 does, and reports the fdatasync latency and the IOPS.
etcd wants the WAL fsync p99 under 10 ms. The file is removed afterwards.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.fsync.Dir, "path", ".", "folder on the disk to measure (etcd's data dir, or where it will be)")
	fs.IntVar(&o.fsync.BlockSize, "block-size", probes.DefaultFsyncBlockSize, "bytes of each write (1 B to 1 MiB)")
	fs.Int64Var(&o.fsync.Size, "size", probes.DefaultFsyncSize, "bytes to write in total")
	fs.StringVar(&o.fsync.Pattern, "pattern", probes.PatternFio, "fio: a preallocated file, as fio does; wal: 64 MiB preallocated segments, as etcd's WAL; append: a growing file")
	addProbeOutputFlag(fs, &o.output, "fsync")
	return cmd
}

func (o *probeFsyncOptions) run(cmd *cobra.Command) error {
	if err := checkProbeOutput(o.output); err != nil {
		return err
	}
	if o.fsync.BlockSize == 0 {
		return badInput(fmt.Errorf("--block-size must be between 1 B and 1 MiB, got 0"))
	}
	f, err := probes.Fsync(cmd.Context(), o.fsync)
	if err != nil {
		return probeError(cmd, err)
	}
	warn(cmd, f.Warnings)
	return writeFinding(cmd.OutOrStdout(), o.output, f)
}

// checkProbeOutput refuses an unknown -o before any measurement.
func checkProbeOutput(format string) error {
	return badInput(reports.ProbeFormats.Check(format))
}

// probeError is a probe's error, but an interrupted probe returns
// nothing, so that main exits 130; the user's input stays exit 2.
func probeError(cmd *cobra.Command, err error) error {
	if cmd.Context().Err() != nil && !fault.Is(err, fault.BadInput) {
		return nil
	}
	return err
}

// warn prints a probe's warnings on stderr, where they do not mix with -o
// json on stdout.
func warn(cmd *cobra.Command, warnings []string) {
	for _, s := range warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", s)
	}
}

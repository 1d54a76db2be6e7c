package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

type probeFsyncOptions struct {
	fsync  probes.FsyncOptions
	output string
}

func newProbeFsyncCommand() *cobra.Command {
	o := &probeFsyncOptions{}
	cmd := newProbeSubcommand("fsync", "Time fdatasync after small sequential writes, as fio's etcd disk check does",
		`Writes --size bytes in blocks of --block-size into a new file in --path, each
followed by fdatasync, as fio --rw=write --ioengine=sync --fdatasync=1
--size=22m --bs=2300 does, and reports the fdatasync latency and the IOPS.
etcd wants the WAL fsync p99 under 10 ms. The file is removed afterwards.`, &o.output, o.measure)
	fs := cmd.Flags()
	addDiskPathFlag(fs, &o.fsync.Dir)
	fs.IntVar(&o.fsync.BlockSize, "block-size", probes.DefaultFsyncBlockSize, "bytes of each write (1 B to 1 MiB)")
	fs.Int64Var(&o.fsync.Size, "size", probes.DefaultFsyncSize, "bytes to write in total")
	fs.StringVar(&o.fsync.Pattern, "pattern", probes.PatternFio, "fio: a preallocated file, as fio does; wal: 64 MiB preallocated segments, as etcd's WAL; append: a growing file")
	return cmd
}

func (o *probeFsyncOptions) measure(cmd *cobra.Command) (*result.Fsync, error) {
	return measureHere(cmd, o.output, o.validate, probes.Fsync, o.fsync,
		func(f *result.Fsync) []string { return f.Warnings })
}

// validate refuses --block-size 0, which the probe would take for its
// default; the probe checks the rest of its options.
func (o *probeFsyncOptions) validate() error {
	if o.fsync.BlockSize == 0 {
		return fmt.Errorf("--block-size must be between 1 B and 1 MiB, got 0")
	}
	return nil
}

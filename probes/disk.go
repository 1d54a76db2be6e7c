package probes

import (
	"context"
	"fmt"
	"time"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// Defaults of the disk probe's throughput and IOPS figures.
const (
	DefaultSeqWriteSize = 64 << 20
	DefaultRandDuration = 2 * time.Second
)

// DiskOptions say where the disk probe measures and how much.
type DiskOptions struct {
	Dir          string
	SeqSize      int64         // bytes written for the sequential figure; default DefaultSeqWriteSize
	RandDuration time.Duration // length of the random-write figure; default DefaultRandDuration
	// Fsync is a finding of the fsync probe on Dir to classify the disk
	// by; when nil, Disk runs the fsync probe with its defaults.
	Fsync *result.Fsync
}

func (o DiskOptions) withDefaults() DiskOptions {
	if o.SeqSize == 0 {
		o.SeqSize = DefaultSeqWriteSize
	}
	if o.RandDuration == 0 {
		o.RandDuration = DefaultRandDuration
	}
	return o
}

// Validate checks the options as given.
func (o DiskOptions) Validate() error {
	switch {
	case o.SeqSize < 1<<20:
		return fault.Inputf("--seq-size must be at least 1 MiB, got %d", o.SeqSize)
	case o.RandDuration <= 0:
		return fault.Inputf("--rand-duration must be positive, got %v", o.RandDuration)
	}
	return nil
}

// Disk describes the disk behind o.Dir, measures its sequential write
// throughput and random-write IOPS, and classes it by the fsync latency.
// Every file it writes is removed, also when ctx is cancelled.
func Disk(ctx context.Context, o DiskOptions) (*result.Disk, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	where, err := checkDir(ctx, o.Dir, max(o.SeqSize, DefaultFsyncSize))
	if err != nil {
		return nil, err
	}
	d, err := describeDisk(where)
	if err != nil {
		return nil, fmt.Errorf("disk probe %s: %w", o.Dir, err)
	}
	if d.SeqWriteMBps, d.RandWriteIOPS, err = measureWrites(ctx, where.path, o.SeqSize, o.RandDuration); err != nil {
		return nil, fmt.Errorf("disk probe %s: %w", o.Dir, err)
	}
	fs := o.Fsync
	if fs == nil {
		if fs, err = Fsync(ctx, FsyncOptions{Dir: o.Dir}); err != nil {
			return nil, err
		}
	}
	d.FsyncP50Ms, d.FsyncP99Ms, d.FsyncIOPS = fs.P50, fs.P99, fs.IOPS
	d.Class, d.ClassReason = ClassifyDisk(fs, d.FsType)
	return d, nil
}

func describeDisk(where *dirInfo) (*result.Disk, error) {
	d := &result.Disk{Path: where.path, FsType: where.fsType, Mountpoint: where.mountpoint,
		FreeBytes: where.free, Warnings: where.warnings, Device: where.source}
	chain, disks, err := resolveDevice(where.path)
	if err != nil {
		return nil, err
	}
	if len(chain) > 0 {
		d.Device, d.Stack, d.Disks = "/dev/"+chain[0], chain, disks
	}
	for _, b := range disks {
		d.Rotational = d.Rotational || b.Rotational
		d.Virtual = d.Virtual || b.Virtual
	}
	return d, nil
}

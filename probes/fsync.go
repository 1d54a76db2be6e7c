package probes

import (
	"context"
	"fmt"
	"os"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// The community's etcd disk check is fio --rw=write --ioengine=sync
// --fdatasync=1 --size=22m --bs=2300: 2300 B is about the size of one WAL
// entry of a busy Kubernetes cluster, and 22 MiB gives some 10,000 samples.
const (
	DefaultFsyncBlockSize = 2300
	DefaultFsyncSize      = 22 << 20
	// MaxFsyncBlockSize bounds --block-size: bigger writes measure
	// throughput, not the latency of etcd's small WAL appends.
	MaxFsyncBlockSize = 1 << 20
	// walSegmentBytes is the size etcd preallocates for each WAL segment
	// (wal.SegmentSizeBytes).
	walSegmentBytes = 64 << 20
)

// Patterns of the fsync probe: how the file the writes go to is laid out.
const (
	// PatternFio does what fio's etcd check does (seen with strace): the
	// file is fallocated to --size first, then written from its start.
	PatternFio = "fio"
	// PatternWAL does what etcd's WAL does: 64 MiB segments, each
	// preallocated before its first write, a new one cut when it is full.
	PatternWAL = "wal"
	// PatternAppend grows the file with every write, so every fdatasync
	// also commits the new size: the slowest case on most file systems.
	PatternAppend = "append"
)

// FsyncOptions say what the fsync probe writes and where.
type FsyncOptions struct {
	Dir       string // the folder on the disk under test
	BlockSize int    // bytes of each write; default DefaultFsyncBlockSize
	Size      int64  // bytes in total; default DefaultFsyncSize
	Pattern   string // PatternFio (default), PatternWAL or PatternAppend
}

func (o FsyncOptions) withDefaults() FsyncOptions {
	if o.BlockSize == 0 {
		o.BlockSize = DefaultFsyncBlockSize
	}
	if o.Size == 0 {
		o.Size = DefaultFsyncSize
	}
	if o.Pattern == "" {
		o.Pattern = PatternFio
	}
	return o
}

// Validate checks the options as given (zero block size or size is an
// error here: the command fills in its defaults before).
func (o FsyncOptions) Validate() error {
	switch {
	case o.BlockSize <= 0 || o.BlockSize > MaxFsyncBlockSize:
		return fault.Inputf("--block-size must be between 1 B and 1 MiB, got %d", o.BlockSize)
	case o.Size < int64(o.BlockSize):
		return fault.Inputf("--size %d is smaller than one block of %d B", o.Size, o.BlockSize)
	case o.Pattern != PatternFio && o.Pattern != PatternWAL && o.Pattern != PatternAppend:
		return fault.Inputf("unknown --pattern %q: use fio, wal or append", o.Pattern)
	}
	return nil
}

// Fsync writes o.Size bytes in blocks of o.BlockSize into a new file in
// o.Dir, each write followed by fdatasync, and times the fdatasync calls.
// The file is removed afterwards, also when ctx is cancelled or a write
// fails.
func Fsync(ctx context.Context, o FsyncOptions) (*result.Fsync, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	where, err := checkDir(ctx, o.Dir, o.footprint())
	if err != nil {
		return nil, err
	}
	h := result.NewHistogram()
	start := time.Now()
	if err := writeSynced(ctx, o, h); err != nil {
		return nil, fmt.Errorf("fsync probe %s: %w", o.Dir, err)
	}
	took := time.Since(start)
	return newFsync(o, where, h, took), nil
}

// footprint is the most space the probe's files take at once.
func (o FsyncOptions) footprint() int64 {
	if o.Pattern == PatternWAL {
		return walSegmentBytes // one segment at a time
	}
	return o.Size
}

func newFsync(o FsyncOptions, where *dirInfo, h *hdr.Histogram, took time.Duration) *result.Fsync {
	s := result.Summarize(h)
	f := &result.Fsync{Path: where.path, FsType: where.fsType, Pattern: o.Pattern, BlockBytes: o.BlockSize,
		TotalBytes: h.TotalCount() * int64(o.BlockSize), Samples: h.TotalCount(), DurationS: took.Seconds(),
		LatencyMs: result.LatencyMs(s),
		Warnings:  where.warnings, Histogram: result.EncodeHistogram(h)}
	if took > 0 {
		f.IOPS = float64(f.Samples) / took.Seconds()
	}
	return f
}

// recordMicros puts d into h as whole µs, at least 1.
func recordMicros(h *hdr.Histogram, d time.Duration) {
	us := max(d.Microseconds(), 1)
	h.RecordValue(min(us, h.HighestTrackableValue()))
}

// removeOnExit removes path; the probe leaves nothing behind.
func removeOnExit(path string) { _ = os.Remove(path) }

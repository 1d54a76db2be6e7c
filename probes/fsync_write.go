package probes

import (
	"context"
	"errors"
	"os"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"golang.org/x/sys/unix"
)

// tempPrefix names every file the probes create, so that one left by a
// killed process (kill -9 gives no chance to clean up) is recognisable.
const tempPrefix = ".etcdtune-probe-"

// writeSynced writes o.Size/o.BlockSize full blocks, each followed by
// fdatasync, and records the fdatasync latencies in h. Only the fdatasync
// is timed: it is what fio reports as sync.lat_ns and what etcd's
// etcd_disk_wal_fsync_duration_seconds measures (the write itself only
// copies into the page cache).
func writeSynced(ctx context.Context, o FsyncOptions, h *hdr.Histogram) error {
	block := filledBlock(o.BlockSize)
	blocks := o.Size / int64(o.BlockSize) // full blocks only, as fio does
	f, err := openProbeFile(o)
	if err != nil {
		return err
	}
	defer func() { f.close() }()
	for i := int64(0); i < blocks; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f.roll(o, len(block)); err != nil {
			return err
		}
		if _, err := f.file.Write(block); err != nil {
			return err
		}
		start := time.Now()
		if err := unix.Fdatasync(int(f.file.Fd())); err != nil {
			return err
		}
		recordMicros(h, time.Since(start))
		f.offset += int64(len(block))
	}
	return nil
}

// filledBlock returns a block of non-zero bytes: a file system that
// compresses or skips zeros would otherwise write less than etcd does.
func filledBlock(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// probeFile is the file the writes go to; with PatternWAL, the current
// segment.
type probeFile struct {
	dir    string
	file   *os.File
	offset int64 // bytes written into file
	size   int64 // bytes preallocated, 0 for PatternAppend
}

func openProbeFile(o FsyncOptions) (*probeFile, error) {
	f := &probeFile{dir: o.Dir}
	switch o.Pattern {
	case PatternFio:
		return f, f.create(o.Size)
	case PatternWAL:
		return f, f.create(walSegmentBytes)
	}
	return f, f.create(0)
}

// create makes a new file preallocated to size bytes (none for 0). As fio
// and etcd do, it asks for the blocks with fallocate, and extends the file
// with ftruncate where fallocate is not supported. The preallocation is
// made durable before any timed write, as etcd's file pipeline has the
// next segment ready before the WAL needs it.
func (f *probeFile) create(size int64) error {
	file, err := os.CreateTemp(f.dir, tempPrefix+"fsync-*")
	if err != nil {
		return err
	}
	f.file, f.offset, f.size = file, 0, size
	if size == 0 {
		return nil
	}
	if err := preallocate(file, size); err != nil {
		return err
	}
	return file.Sync()
}

func preallocate(f *os.File, size int64) error {
	err := unix.Fallocate(int(f.Fd()), 0, 0, size)
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		return f.Truncate(size)
	}
	return err
}

// roll cuts a new WAL segment when the next write would not fit in this
// one, as etcd's WAL does at 64 MiB.
func (f *probeFile) roll(o FsyncOptions, n int) error {
	if o.Pattern != PatternWAL || f.offset+int64(n) <= f.size {
		return nil
	}
	f.close() // the old segment goes first: the probe holds one at a time
	return f.create(walSegmentBytes)
}

func (f *probeFile) close() {
	if f.file == nil {
		return
	}
	f.file.Close()
	removeOnExit(f.file.Name())
	f.file = nil
}

package probes

import (
	"context"
	"math/rand/v2"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Sizes of the writes of the throughput and IOPS figures.
const (
	seqChunk  = 1 << 20 // large writes: what the disk streams
	randBlock = 4096    // one page: what a database's random writes are
)

// measureWrites writes size bytes sequentially into a new file in dir and
// syncs it (the throughput: bytes over the time to the end of the sync),
// then rewrites random 4 KiB pages of that file, each followed by
// fdatasync, for d (the random-write IOPS at queue depth 1, which is what
// bbolt's commits see). The file is removed at the end.
func measureWrites(ctx context.Context, dir string, size int64, d time.Duration) (mbps, iops float64, err error) {
	f, err := os.CreateTemp(dir, tempPrefix+"disk-*")
	if err != nil {
		return 0, 0, err
	}
	defer removeOnExit(f.Name())
	defer f.Close()
	if mbps, err = seqWrite(ctx, f, size); err != nil {
		return 0, 0, err
	}
	iops, err = randWrite(ctx, f, size, d)
	return mbps, iops, err
}

func seqWrite(ctx context.Context, f *os.File, size int64) (float64, error) {
	chunk := filledBlock(seqChunk)
	start := time.Now()
	for written := int64(0); written < size; written += seqChunk {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if _, err := f.Write(chunk[:min(seqChunk, size-written)]); err != nil {
			return 0, err
		}
	}
	if err := unix.Fdatasync(int(f.Fd())); err != nil {
		return 0, err
	}
	return float64(size) / 1e6 / time.Since(start).Seconds(), nil
}

func randWrite(ctx context.Context, f *os.File, size int64, d time.Duration) (float64, error) {
	page := filledBlock(randBlock)
	pages := size / randBlock
	rng := rand.New(rand.NewPCG(1, 2)) // fixed: the same offsets every run
	start := time.Now()
	n := 0
	for time.Since(start) < d {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if _, err := f.WriteAt(page, rng.Int64N(pages)*randBlock); err != nil {
			return 0, err
		}
		if err := unix.Fdatasync(int(f.Fd())); err != nil {
			return 0, err
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

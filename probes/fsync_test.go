package probes

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

func assertNothingLeft(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestFsyncProbePatternsCountAndRemoveTheirFiles(t *testing.T) {
	for _, p := range []string{PatternFio, PatternWAL, PatternAppend} {
		t.Run(p, func(t *testing.T) {
			dir := t.TempDir()
			f, err := Fsync(t.Context(), FsyncOptions{Dir: dir, BlockSize: 2300, Size: 100 * 2300, Pattern: p})
			if err != nil {
				t.Fatal(err)
			}
			if f.Samples != 100 || f.TotalBytes != 230000 || f.Pattern != p {
				t.Errorf("samples %d, bytes %d, pattern %s", f.Samples, f.TotalBytes, f.Pattern)
			}
			if !(f.P50 > 0 && f.P50 <= f.P99 && f.P99 <= f.Max && f.IOPS > 0) {
				t.Errorf("figures out of order: %+v", f)
			}
			assertNothingLeft(t, dir)
		})
	}
}

func TestFsyncProbeCancelledRemovesItsFile(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Fsync(ctx, FsyncOptions{Dir: dir})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	assertNothingLeft(t, dir)
}

func TestClassifyDisk(t *testing.T) {
	cases := []struct {
		p99, iops float64
		fs, want  string
	}{
		{0.3, 3000, "ext4", ClassLocalSSD},
		{3, 800, "xfs", ClassNetworkBlock},
		{12, 100, "ext4", ClassHDDLike},
		{25, 100, "ext4", ClassNotSuitable},
		{0.5, 40, "ext4", ClassNotSuitable},
		{0.01, 90000, "tmpfs", ClassNotADisk},
	}
	for _, c := range cases {
		got, reason := ClassifyDisk(&result.Fsync{LatencyMs: result.LatencyMs{P99: c.p99}, IOPS: c.iops}, c.fs)
		if got != c.want || reason == "" {
			t.Errorf("p99 %v, %v IOPS, %s: %s (%s), want %s", c.p99, c.iops, c.fs, got, reason, c.want)
		}
	}
}

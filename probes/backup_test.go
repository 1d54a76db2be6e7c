package probes

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// TestBackupStreamsSnapshotAndCleansUp snapshots an embedded etcd holding
// 4 MB of values: the snapshot holds at least that, the temp file and the
// load's key are gone afterwards, and the load ran in both phases.
func TestBackupStreamsSnapshotAndCleansUp(t *testing.T) {
	e := etcdtest.Embedded(t)
	tg := openTarget(t, e.Endpoints()...)
	cli := tg.Clients()[0]
	value := strings.Repeat("v", 64*1024)
	for i := range 64 {
		if _, err := cli.Put(t.Context(), fmt.Sprintf("/data/%03d", i), value); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	res, err := Backup(t.Context(), tg, BackupOptions{Dir: dir, Prefix: "/etcdtune/", Rate: 50,
		Baseline: time.Second, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("snapshot %d bytes in %.3f s (%.1f MB/s); load p99 before %.2f ms (%d ops), during %.2f ms (%d ops)",
		res.Bytes, res.DurationS, res.MBPerS, res.Load.Before.P99Ms, res.Load.Before.Ops, res.Load.During.P99Ms, res.Load.During.Ops)
	if res.Bytes < 64*64*1024 || res.MBPerS <= 0 || res.Destination != "temp file, removed" {
		t.Errorf("snapshot %+v: want at least %d bytes", res, 64*64*1024)
	}
	if res.Load.Before.Ops < 10 || res.Load.Before.Errors > 0 || res.Load.Before.P99Ms <= 0 {
		t.Errorf("load before the snapshot: %+v", res.Load.Before)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("snapshot file left behind: %v", left[0].Name())
	}
	if resp, err := cli.Get(t.Context(), "/etcdtune/", clientv3.WithPrefix(), clientv3.WithCountOnly()); err != nil || resp.Count != 0 {
		t.Errorf("keys left under the prefix: %v %v", resp, err)
	}
}

func TestBackupRefusesBadConfig(t *testing.T) {
	for _, c := range []BackupOptions{
		{Prefix: "/p/", Rate: 0, Baseline: time.Second},
		{Prefix: "/p/", Rate: 10, Baseline: 0},
		{Prefix: "/p/", Rate: 10, Baseline: time.Second, Dir: "/does/not/exist"},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

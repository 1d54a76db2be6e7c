package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/etcdtune/etcdtune/buildinfo"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
)

// openTarget connects to the cluster, or starts the embedded etcd. The
// embedded etcd's default data dir is a new folder in the current
// directory, not in the system's temp dir: the disk a user runs etcdtune
// from is the one they mean to test, while /tmp is often tmpfs. The
// returned cleanup closes the target and removes that folder.
func (r *runner) openTarget(ctx context.Context) (cleanup func(), err error) {
	topts := r.o.Target
	var made string
	if len(topts.Endpoints) == 0 && topts.DataDir == "" {
		made, err = os.MkdirTemp(".", ".etcdtune-data-")
		if err != nil {
			return nil, fault.Inputf("cannot make the embedded etcd's data dir in the current folder (%v); give --data-dir on the disk to test", err)
		}
		if made, err = filepath.Abs(made); err != nil {
			return nil, err
		}
		topts.DataDir = made
	}
	if len(topts.Endpoints) == 0 {
		how := "removed afterwards"
		if made == "" {
			how = "kept"
		}
		r.o.Observer.Note(fmt.Sprintf("no --endpoints: starting an embedded etcd %s on this machine (data dir: %s, %s; the disk under test)",
			buildinfo.EtcdVersion(), topts.DataDir, how))
	}
	remove := func() {
		if made != "" {
			os.RemoveAll(made)
		}
	}
	conns := r.o.Preset.Conns
	t, err := etcdconn.Open(ctx, topts, conns)
	if err != nil {
		remove()
		return nil, err
	}
	r.t = t
	if r.o.DiskDir == "" && len(topts.Endpoints) == 0 {
		r.o.DiskDir = topts.DataDir
	}
	return func() { t.Close(); remove() }, nil
}

package runner

import (
	"context"
	"os"
	"path/filepath"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
)

// Target says how a plan reaches etcd: the cluster at Options.Endpoints,
// or, without endpoints, an embedded etcd on Options.DataDir.
type Target struct {
	Options etcdconn.Options
	Conns   int // gRPC connections
	// LocalDataDir makes the embedded etcd's default data dir a new folder
	// in the current directory, not in the system's temp dir: the disk a
	// user runs etcdtune from is the one they mean to test, while /tmp is
	// often tmpfs. The folder is removed afterwards.
	LocalDataDir bool
	// EmbeddedNote is the note said before the embedded etcd starts, given
	// its data dir ("" for a temporary one) and whether it is removed
	// afterwards; nil for none.
	EmbeddedNote func(dataDir string, removed bool) string
}

// open connects to the cluster, or starts the embedded etcd. It returns
// the embedded etcd's data dir (empty with endpoints); cleanup closes the
// target and removes the data dir it made.
func (tg Target) open(ctx context.Context, obs Observer) (t *etcdconn.Target, dataDir string, cleanup func(), err error) {
	topts := tg.Options
	embedded := len(topts.Endpoints) == 0
	var made string
	if embedded && tg.LocalDataDir && topts.DataDir == "" {
		made, err = os.MkdirTemp(".", ".etcdtune-data-")
		if err != nil {
			return nil, "", nil, fault.Inputf("cannot make the embedded etcd's data dir in the current folder (%v); give --data-dir on the disk to test", err)
		}
		if made, err = filepath.Abs(made); err != nil {
			return nil, "", nil, err
		}
		topts.DataDir = made
	}
	if embedded && tg.EmbeddedNote != nil {
		obs.Note(tg.EmbeddedNote(topts.DataDir, made != "" || topts.DataDir == ""))
	}
	remove := func() {
		if made != "" {
			os.RemoveAll(made)
		}
	}
	t, err = etcdconn.Open(ctx, topts, tg.Conns)
	if err != nil {
		remove()
		return nil, "", nil, err
	}
	if embedded {
		dataDir = topts.DataDir
	}
	return t, dataDir, func() { t.Close(); remove() }, nil
}

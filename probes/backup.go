package probes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// BackupOptions says how to take the snapshot and load the member meanwhile.
type BackupOptions struct {
	// Endpoint is the member to snapshot; "" means the first endpoint.
	Endpoint string
	// Dir receives the temporary snapshot file ("" for the system's temp
	// dir); it is removed afterwards. Discard streams to nowhere instead.
	Dir     string
	Discard bool
	// Prefix is where the light load writes its one key, deleted at the end.
	Prefix string
	// Rate is the light load's requests per second (reads and puts
	// alternate); Baseline is how long it runs before the snapshot.
	Rate     int
	Baseline time.Duration
	// RequestTimeout bounds each load request.
	RequestTimeout time.Duration
}

// Validate checks the configuration before any connection is made.
func (c BackupOptions) Validate() error {
	switch {
	case c.Rate < 1 || c.Rate > 10000:
		return fault.Inputf("--rate must be 1 to 10000 requests per second, got %d", c.Rate)
	case c.Baseline <= 0:
		return fault.Inputf("--baseline must be positive, got %v", c.Baseline)
	case c.Prefix == "":
		return fault.Inputf("--prefix must not be empty")
	case c.Discard && c.Dir != "":
		return fault.Inputf("--discard and --dir exclude each other")
	}
	if c.Dir != "" {
		if fi, err := os.Stat(c.Dir); err != nil || !fi.IsDir() {
			return fault.Inputf("--dir %s is not a folder", c.Dir)
		}
	}
	return nil
}

// minDuringOps is the fewest load requests during the snapshot for which a
// p99 ratio is given: with fewer, "p99" is just the slowest one or two.
const minDuringOps = 20

// Backup streams a snapshot from one member, as `etcdctl snapshot
// save` does, while a light load of serializable reads and puts runs
// against the same member, and compares the load's latency before and
// during the snapshot.
func Backup(ctx context.Context, t *etcdconn.Target, cfg BackupOptions) (*result.Backup, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ep := cfg.Endpoint
	if ep == "" {
		ep = t.Endpoints()[0]
	}
	cli, err := t.DialEndpoint(ctx, ep)
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	key := cfg.Prefix + "backup-probe"
	if err := claimKey(ctx, cli, key, cfg.RequestTimeout); err != nil {
		return nil, err
	}
	defer releaseKey(cli, key, cfg.RequestTimeout)

	load := startLoad(ctx, cli, key, cfg)
	select {
	case <-ctx.Done():
		load.stop()
		return nil, ctx.Err()
	case <-time.After(cfg.Baseline):
	}
	load.nextPhase()
	res := &result.Backup{Endpoint: ep}
	err = snapshot(ctx, res, cli, cfg)
	before, during := load.stop()
	if err != nil {
		return nil, err
	}
	res.Load = result.BackupLoad{Key: key, RateHz: cfg.Rate, Before: before, During: during}
	if during.Ops < minDuringOps {
		res.Load.Note = fmt.Sprintf("only %d requests ran during the snapshot: too few for a p99 ratio; a larger database gives a firmer figure", during.Ops)
	} else if before.P99Ms > 0 {
		res.Load.P99Ratio = during.P99Ms / before.P99Ms
	}
	return res, nil
}

// snapshot streams the member's snapshot to a temp file (removed) or to
// nowhere, and times it.
func snapshot(ctx context.Context, b *result.Backup, cli *clientv3.Client, cfg BackupOptions) error {
	var w io.Writer = io.Discard
	b.Destination = "discarded"
	if !cfg.Discard {
		f, err := os.CreateTemp(cfg.Dir, "etcdtune-snapshot-*.db")
		if err != nil {
			return fmt.Errorf("backup probe: %w", err)
		}
		defer os.Remove(f.Name())
		defer f.Close()
		w, b.Destination = f, "temp file, removed"
	}
	start := time.Now()
	rc, err := cli.Snapshot(ctx)
	if err != nil {
		return etcdconn.Unreachable("snapshot from "+b.Endpoint, errors.New(rpctypes.ErrorDesc(err)))
	}
	defer rc.Close()
	n, err := io.Copy(w, rc)
	if err != nil {
		return etcdconn.Unreachable("snapshot from "+b.Endpoint, err)
	}
	if f, ok := w.(*os.File); ok {
		// A backup is only taken once it is on disk.
		if err := f.Sync(); err != nil {
			return fmt.Errorf("backup probe: %w", err)
		}
	}
	took := time.Since(start)
	b.Bytes, b.DurationS = n, took.Seconds()
	b.MBPerS = float64(n) / 1e6 / took.Seconds()
	return nil
}

// claimKey refuses a key that already exists: the probe writes and deletes
// only what it created.
func claimKey(ctx context.Context, cli *clientv3.Client, key string, timeout time.Duration) error {
	cctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	resp, err := cli.Get(cctx, key, clientv3.WithCountOnly())
	if err != nil {
		return etcdconn.Unreachable("read "+key, errors.New(rpctypes.ErrorDesc(err)))
	}
	if resp.Count > 0 {
		return etcdconn.Unreachable("key "+key, errors.New("already exists: not etcdtune's to overwrite; use another --prefix"))
	}
	return nil
}

// releaseKey deletes the load's key, also after Ctrl-C.
func releaseKey(cli *clientv3.Client, key string, timeout time.Duration) {
	ctx, cancel := withTimeout(context.Background(), max(timeout, 5*time.Second))
	defer cancel()
	_, _ = cli.Delete(ctx, key)
}

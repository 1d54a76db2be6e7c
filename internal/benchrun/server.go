package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/etcdtune/etcdtune/localetcd"
)

// Time limits of the server's housekeeping.
const (
	serverStartTimeout = 2 * time.Minute
	// resetTimeout covers compacting and defragmenting the history of a
	// million puts, which takes seconds on a slow disk.
	resetTimeout = 5 * time.Minute
)

// server is one etcd process that the load generators run against, in its
// own process so that their CPU and memory are measured apart from its.
type server struct {
	cluster   *localetcd.ProcessCluster
	client    *clientv3.Client // for compaction and defragmentation
	endpoint  string
	compacted int64 // the last revision compacted
}

// startServer starts a single-member etcd process with its data dir under
// work, on free loopback ports.
func startServer(ctx context.Context, etcdBin, work string) (*server, error) {
	progress("starting an etcd process")
	ctx, cancel := context.WithTimeout(ctx, serverStartTimeout)
	defer cancel()
	c, err := localetcd.StartProcessCluster(ctx, localetcd.ProcessClusterConfig{
		Binary: etcdBin, Size: 1, BaseDir: filepath.Join(work, "etcd"),
	})
	if err != nil {
		return nil, err
	}
	ep := c.Endpoints()[0]
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{ep}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("etcd client for %s: %w", ep, err), c.Close())
	}
	return &server{cluster: c, client: cli, endpoint: ep}, nil
}

// reset compacts away every old revision and defragments the database, so
// that each run starts from a small db whatever the runs before it wrote:
// a million puts to one key leave a million revisions behind.
func (s *server) reset(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, resetTimeout)
	defer cancel()
	resp, err := s.client.Get(ctx, "/", clientv3.WithCountOnly())
	if err != nil {
		return fmt.Errorf("etcd %s: read revision: %w", s.endpoint, err)
	}
	// Compacting the revision compacted last time is an error in etcd.
	if rev := resp.Header.Revision; rev > s.compacted {
		if _, err := s.client.Compact(ctx, rev, clientv3.WithCompactPhysical()); err != nil {
			return fmt.Errorf("etcd %s: compact at %d: %w", s.endpoint, rev, err)
		}
		s.compacted = rev
	}
	if _, err := s.client.Defragment(ctx, s.endpoint); err != nil {
		return fmt.Errorf("etcd %s: defragment: %w", s.endpoint, err)
	}
	return nil
}

// Close stops the etcd process; its data dir goes with the work dir.
func (s *server) Close() error {
	_ = s.client.Close() // nothing is in flight; the process is killed next
	if err := s.cluster.Close(); err != nil {
		return fmt.Errorf("stop etcd: %w", err)
	}
	return nil
}

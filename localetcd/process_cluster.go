package localetcd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// ProcessClusterConfig describes a cluster of etcd processes on loopback.
type ProcessClusterConfig struct {
	// Binary is the etcd executable, usually from BuildEtcd (required).
	Binary string
	// Size is the number of members (at least 1).
	Size int
	// BaseDir holds the data dirs, BaseDir/memberI (required).
	BaseDir string
	// ExtraArgs are added to every member's flags and override this
	// package's, e.g. FastElectionArgs() or --log-level=debug.
	ExtraArgs []string
	// LogDir receives each member's output as <name>.log; BaseDir if empty.
	LogDir string
	// AdvertisePeerURL, if set, gives the peer URL that member i advertises
	// (and that the others dial) for the peer URL it listens on, e.g. a
	// proxy that delays peer traffic. It is called again for new ports when
	// a start is retried.
	AdvertisePeerURL func(i int, listenPeerURL string) (string, error)
}

// ProcessCluster is a cluster of etcd processes started by this process.
type ProcessCluster struct {
	members []*ProcessMember
	client  *clientv3.Client // for Status calls to one member at a time
}

// StartProcessCluster starts cfg.Size etcd processes on free loopback
// ports as a new static cluster, and returns once every member answers and
// a leader exists. A port taken before etcd binds it restarts the whole
// cluster with new ports and fresh data dirs.
func StartProcessCluster(ctx context.Context, cfg ProcessClusterConfig) (*ProcessCluster, error) {
	cfg, err := cfg.prepare()
	if err != nil {
		return nil, err
	}
	dirs := memberDirs(cfg.Size, cfg.BaseDir)
	if err := checkFreshDataDirs(dirs); err != nil {
		return nil, err
	}
	c, err := retryOnPortRace(dirs, func() (*ProcessCluster, error) { return startProcessClusterOnce(ctx, cfg, dirs) })
	if err != nil {
		return nil, fmt.Errorf("start etcd process cluster of %d in %s: %w", cfg.Size, cfg.BaseDir, err)
	}
	return c, nil
}

// prepare checks the configuration, fills LogDir and creates it.
func (cfg ProcessClusterConfig) prepare() (ProcessClusterConfig, error) {
	switch {
	case cfg.Binary == "":
		return cfg, errors.New("etcd process cluster: no etcd binary (see BuildEtcd)")
	case cfg.Size < 1:
		return cfg, fmt.Errorf("etcd process cluster: size %d, want at least 1", cfg.Size)
	case cfg.BaseDir == "":
		return cfg, errors.New("etcd process cluster: base dir is required")
	}
	if cfg.LogDir == "" {
		cfg.LogDir = cfg.BaseDir
	}
	if err := os.MkdirAll(cfg.LogDir, 0o755); err != nil {
		return cfg, fmt.Errorf("etcd process cluster: log dir: %w", err)
	}
	return cfg, nil
}

// startProcessClusterOnce makes one attempt with freshly picked ports.
func startProcessClusterOnce(ctx context.Context, cfg ProcessClusterConfig, dirs []string) (*ProcessCluster, error) {
	c, err := newProcessCluster(cfg, dirs)
	if err != nil {
		return nil, err
	}
	for _, m := range c.members {
		if err := m.start(m.args); err != nil {
			return nil, errors.Join(err, c.Close())
		}
	}
	if err := c.waitReady(ctx); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	return c, nil
}

// newProcessCluster plans the members (names, ports, flags) without
// starting them.
func newProcessCluster(cfg ProcessClusterConfig, dirs []string) (*ProcessCluster, error) {
	ports, err := pickMemberPorts(len(dirs))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(dirs))
	peers := make([]string, len(dirs))
	endpoints := make([]string, len(dirs))
	for i := range dirs {
		names[i] = fmt.Sprintf("%s-%d", DefaultMemberName, i)
		adv, err := cfg.advertisedPeerURL(i, loopbackURL(ports[i].peer))
		if err != nil {
			return nil, err
		}
		peers[i] = names[i] + "=" + adv
		endpoints[i] = loopbackURL(ports[i].client)
	}
	spec := clusterSpec{initialCluster: strings.Join(peers, ","), token: newClusterToken()}
	// No DialTimeout: New then returns at once, before any member listens.
	client, err := clientv3.New(clientv3.Config{Endpoints: endpoints, Logger: zap.NewNop()})
	if err != nil {
		return nil, fmt.Errorf("status client: %w", err)
	}
	c := &ProcessCluster{client: client}
	for i := range dirs {
		c.members = append(c.members, &ProcessMember{
			name:       names[i],
			binary:     cfg.Binary,
			args:       withAdvertisedPeer(memberArgs(names[i], dirs[i], ports[i], spec, cfg.ExtraArgs), peers[i], names[i]),
			logPath:    filepath.Join(cfg.LogDir, names[i]+".log"),
			clientURL:  endpoints[i],
			metricsURL: loopbackURL(ports[i].metrics) + "/metrics",
			client:     client,
		})
	}
	return c, nil
}

// waitReady waits until every member answers, learning their IDs, and a
// leader exists. The first member that fails stops the wait for the others.
func (c *ProcessCluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(c.members))
	var wg sync.WaitGroup
	for i, m := range c.members {
		wg.Go(func() {
			resp, err := m.waitAnswering(ctx)
			if err != nil {
				errs[i] = err
				cancel()
				return
			}
			m.id = resp.Header.MemberId
		})
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return err
	}
	return pollUntil(ctx, func() bool {
		_, err := c.Leader(ctx)
		return err == nil
	}, "wait for a leader")
}

// advertisedPeerURL is the peer URL member i advertises: its listen URL
// unless AdvertisePeerURL says otherwise.
func (cfg ProcessClusterConfig) advertisedPeerURL(i int, listen string) (string, error) {
	if cfg.AdvertisePeerURL == nil {
		return listen, nil
	}
	adv, err := cfg.AdvertisePeerURL(i, listen)
	if err != nil {
		return "", fmt.Errorf("advertised peer URL of member %d: %w", i, err)
	}
	return adv, nil
}

// withAdvertisedPeer sets the member's advertised peer URL from its
// initial-cluster entry name=URL (the last flag wins in etcd).
func withAdvertisedPeer(args []string, entry, name string) []string {
	return append(args, "--initial-advertise-peer-urls="+strings.TrimPrefix(entry, name+"="))
}

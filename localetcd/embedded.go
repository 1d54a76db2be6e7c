package localetcd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/version"
	"go.etcd.io/etcd/server/v3/embed"
)

// Time limits for an embedded member. They are generous for loopback because
// a loaded CI machine (go test ./... runs packages in parallel) can be slow
// to fsync the first WAL entries.
const (
	// readyTimeout bounds the wait for the member to serve with a leader.
	readyTimeout = 60 * time.Second
	// closeTimeout bounds Close; etcd's own shutdown can wait up to its
	// request timeout (7 s by default) for a leadership transfer.
	closeTimeout = 20 * time.Second
	// pollInterval is how often a readiness condition is checked again.
	pollInterval = 20 * time.Millisecond
)

// Embedded is one etcd member running inside this process.
type Embedded struct {
	etcd       *embed.Etcd
	dataDir    string
	clientURL  string
	metricsURL string
	log        *etcdLog

	closeOnce sync.Once
	closeErr  error
}

// StartEmbedded starts a single-node etcd on free loopback ports and returns
// once it serves requests and has a leader. A port taken between picking and
// binding is retried with new ports; ctx bounds the whole start.
func StartEmbedded(ctx context.Context, cfg EmbeddedConfig) (*Embedded, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		ports, err := pickMemberPorts(1)
		if err != nil {
			return nil, err
		}
		m, err := launchEmbedded(cfg, ports[0], clusterSpec{})
		if isAddrInUse(err) && attempt < startAttempts {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("start embedded etcd in %s: %w", cfg.DataDir, err)
		}
		if err := m.waitReady(ctx); err != nil {
			return nil, errors.Join(fmt.Errorf("start embedded etcd in %s: %w", cfg.DataDir, err), m.Close())
		}
		return m, nil
	}
}

// launchEmbedded starts the member without waiting for it to be ready, which
// lets a cluster start all its members before any of them can have quorum.
func launchEmbedded(cfg EmbeddedConfig, p memberPorts, spec clusterSpec) (*Embedded, error) {
	log, err := newEtcdLog(cfg.LogLevel, cfg.LogFile, cfg.Stderr)
	if err != nil {
		return nil, err
	}
	ec := cfg.embedConfig(p, spec)
	ec.ZapLoggerBuilder = embed.NewZapLoggerBuilder(log.logger)
	e, err := embed.StartEtcd(ec)
	if err != nil {
		// StartEtcd has already closed what it opened.
		return nil, errors.Join(err, log.close())
	}
	return &Embedded{
		etcd:       e,
		dataDir:    cfg.DataDir,
		clientURL:  withScheme(loopbackURL(p.client), cfg.scheme()),
		metricsURL: withScheme(loopbackURL(p.metrics), cfg.scheme()) + "/metrics",
		log:        log,
	}, nil
}

// withScheme replaces the http:// of a loopback URL with scheme://.
func withScheme(u, scheme string) string {
	return scheme + strings.TrimPrefix(u, "http")
}

// Endpoints returns the client URL (http://127.0.0.1:PORT, https with TLS) as a list, the
// form clientv3.Config wants.
func (m *Embedded) Endpoints() []string { return []string{m.clientURL} }

// MetricsURL returns the full URL of the Prometheus page on the separate
// metrics listener, e.g. http://127.0.0.1:PORT/metrics.
func (m *Embedded) MetricsURL() string { return m.metricsURL }

// DataDir returns the member's data directory.
func (m *Embedded) DataDir() string { return m.dataDir }

// Version returns the etcd server version compiled into this binary.
func (m *Embedded) Version() string { return version.Version }

// Close stops the member and waits, at most closeTimeout, until it has
// stopped. It is safe to call more than once.
func (m *Embedded) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.stop() })
	return m.closeErr
}

// isLeader reports whether this member is the raft leader right now.
func (m *Embedded) isLeader() bool {
	srv := m.etcd.Server
	return srv.Leader() == srv.MemberID()
}

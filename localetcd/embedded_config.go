package localetcd

import (
	"errors"
	"fmt"
	"io"
	"net/url"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap/zapcore"
)

// DefaultMemberName is the etcd member name when EmbeddedConfig.Name is empty.
const DefaultMemberName = "etcdtune"

// DefaultLogLevel keeps an embedded etcd quiet on the terminal: only errors.
const DefaultLogLevel = "error"

// EmbeddedConfig describes an etcd member run inside this process. Zero
// values mean etcd's own defaults unless a field says otherwise.
type EmbeddedConfig struct {
	// DataDir is the member's data directory (required). It is the disk
	// under test in a sizing run.
	DataDir string
	// Name is the member name; DefaultMemberName when empty.
	Name string
	// QuotaBackendBytes is --quota-backend-bytes; 0 keeps etcd's 2 GiB.
	QuotaBackendBytes int64
	// SnapshotCount is --snapshot-count; 0 keeps etcd's default.
	SnapshotCount uint64
	// LogLevel is etcd's zap level (debug, info, warn, error);
	// DefaultLogLevel when empty.
	LogLevel string
	// LogFile, when set, receives etcd's logs instead of stderr.
	LogFile string
	// Stderr is where the logs go without a LogFile; os.Stderr when nil.
	// A command run in process (its tests) hands its own stderr.
	Stderr io.Writer
	// UnsafeNoFsync is --unsafe-no-fsync: faster, loses data on a crash.
	UnsafeNoFsync bool
	// ClientTLS, when set, serves clients and /metrics over https with
	// these files (etcd's --cert-file, --key-file, --trusted-ca-file,
	// --client-cert-auth); nil keeps plain http.
	ClientTLS *ClientTLS
}

// ClientTLS are the TLS files of the client (and metrics) listeners.
type ClientTLS struct {
	CertFile, KeyFile, TrustedCAFile string
	// ClientCertAuth requires a client certificate signed by TrustedCAFile.
	ClientCertAuth bool
}

// scheme is the URL scheme of the client listeners.
func (c EmbeddedConfig) scheme() string {
	if c.ClientTLS != nil {
		return "https"
	}
	return "http"
}

// memberPorts are the three loopback ports one member listens on.
type memberPorts struct {
	client, peer, metrics int
}

// pickMemberPorts returns distinct free ports for n members.
func pickMemberPorts(n int) ([]memberPorts, error) {
	ports, err := freeLoopbackPorts(3 * n)
	if err != nil {
		return nil, err
	}
	members := make([]memberPorts, n)
	for i := range members {
		members[i] = memberPorts{client: ports[3*i], peer: ports[3*i+1], metrics: ports[3*i+2]}
	}
	return members, nil
}

// withDefaults fills the defaults and rejects what etcd would reject late
// or, for a bad log level, with a panic (etcd's logutil.ConvertToZapLevel).
func (c EmbeddedConfig) withDefaults() (EmbeddedConfig, error) {
	if c.DataDir == "" {
		return c, errors.New("embedded etcd: data dir is required")
	}
	if c.Name == "" {
		c.Name = DefaultMemberName
	}
	if c.LogLevel == "" {
		c.LogLevel = DefaultLogLevel
	}
	if _, err := zapcore.ParseLevel(c.LogLevel); err != nil {
		return c, fmt.Errorf("embedded etcd: log level: %w", err)
	}
	return c, nil
}

// clusterSpec is what members of one cluster share: the initial cluster
// (name=peerURL,...) and its token.
type clusterSpec struct {
	initialCluster string
	token          string
}

// embedConfig turns c into etcd's configuration for the given ports.
func (c EmbeddedConfig) embedConfig(p memberPorts, spec clusterSpec) *embed.Config {
	ec := embed.NewConfig()
	ec.Name = c.Name
	ec.Dir = c.DataDir
	client, peer, metrics := httpURL(p.client), httpURL(p.peer), httpURL(p.metrics)
	if c.ClientTLS != nil {
		client.Scheme, metrics.Scheme = "https", "https"
		ec.ClientTLSInfo.CertFile, ec.ClientTLSInfo.KeyFile = c.ClientTLS.CertFile, c.ClientTLS.KeyFile
		ec.ClientTLSInfo.TrustedCAFile = c.ClientTLS.TrustedCAFile
		ec.ClientTLSInfo.ClientCertAuth = c.ClientTLS.ClientCertAuth
	}
	ec.ListenClientUrls, ec.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	ec.ListenPeerUrls, ec.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	ec.ListenMetricsUrls = []url.URL{metrics}
	// NewConfig derived InitialCluster from the default name and peer URL;
	// both changed, so it must be derived again.
	ec.InitialCluster = ec.InitialClusterFromName(c.Name)
	if spec.initialCluster != "" {
		ec.InitialCluster = spec.initialCluster
	}
	if spec.token != "" {
		ec.InitialClusterToken = spec.token
	}
	if c.QuotaBackendBytes > 0 {
		ec.QuotaBackendBytes = c.QuotaBackendBytes
	}
	if c.SnapshotCount > 0 {
		ec.SnapshotCount = c.SnapshotCount
	}
	ec.UnsafeNoFsync = c.UnsafeNoFsync
	ec.LogLevel = c.LogLevel
	return ec
}

// Package etcdconn connects etcdtune to the etcd it measures: the user's
// cluster, as etcdctl would connect to it, or an embedded etcd started for
// the run when no endpoint is given.
package etcdconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/localetcd"
)

// Options are etcdctl's connection settings, plus where an embedded etcd
// keeps its data.
type Options struct {
	Endpoints             []string
	DialTimeout           time.Duration
	CommandTimeout        time.Duration
	CACert, Cert, Key     string
	User, Password        string
	InsecureSkipTLSVerify bool
	InsecureTransport     bool
	// DataDir is the data dir of the embedded etcd; empty means a new
	// temporary folder, removed at Close.
	DataDir string
	// QuotaBackendBytes is the embedded etcd's --quota-backend-bytes; 0
	// keeps etcd's default.
	QuotaBackendBytes int64
	// EmbeddedStderr receives the embedded etcd's logs (errors only);
	// os.Stderr when nil.
	EmbeddedStderr io.Writer
	// FixedWindows keeps gRPC's flow-control windows at their initial
	// sizes (FixedStreamWindow, FixedConnWindow) instead of letting
	// grpc-go's bandwidth estimate grow them to 16 MiB each: what etcd may
	// send ahead of a reader is then bounded, so a client that falls behind
	// pushes back on etcd instead of holding the backlog in its memory.
	FixedWindows bool
}

// The windows of Options.FixedWindows: gRPC's own initial stream window,
// and room for 16 streams' worth on a connection.
const (
	FixedStreamWindow = 64 << 10
	FixedConnWindow   = 1 << 20
)

// Unreachable is "what: err" marked as the target being unusable: a wrong
// endpoint, certificate or password, or a server that does not answer.
func Unreachable(what string, err error) error {
	return fault.Target(fmt.Errorf("%s: %w", what, err))
}

// Target is an etcd cluster to measure, with the connections to it.
type Target struct {
	opts      Options
	embedded  *localetcd.Embedded
	tempDir   string
	endpoints []string
	clients   []*clientv3.Client
}

// Open connects to the cluster of o with conns gRPC connections, each to all
// endpoints (the client balances between them, as etcdctl does). Without
// endpoints it starts an embedded etcd first.
func Open(ctx context.Context, o Options, conns int) (*Target, error) {
	if conns < 1 {
		return nil, fmt.Errorf("--conns must be at least 1, got %d", conns)
	}
	t := &Target{opts: o, endpoints: o.Endpoints}
	if len(o.Endpoints) == 0 {
		if err := t.startEmbedded(ctx); err != nil {
			return nil, err
		}
	}
	for range conns {
		c, err := t.dial(ctx)
		if err != nil {
			t.Close()
			return nil, err
		}
		t.clients = append(t.clients, c)
	}
	if err := t.ping(ctx); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

func (t *Target) startEmbedded(ctx context.Context) error {
	dir := t.opts.DataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "etcdtune-etcd-")
		if err != nil {
			return fmt.Errorf("embedded etcd: %w", err)
		}
		t.tempDir, dir = tmp, tmp
	}
	e, err := localetcd.StartEmbedded(ctx, localetcd.EmbeddedConfig{DataDir: dir, QuotaBackendBytes: t.opts.QuotaBackendBytes,
		Stderr: t.opts.EmbeddedStderr})
	if err != nil {
		t.removeTemp()
		return fmt.Errorf("start embedded etcd in %s: %w", dir, err)
	}
	t.embedded, t.endpoints = e, e.Endpoints()
	return nil
}

// Config returns the clientv3 configuration of o, built the way etcdctl
// builds it.
func (o Options) Config(endpoints []string) (*clientv3.Config, error) {
	spec := &clientv3.ConfigSpec{
		Endpoints:   endpoints,
		DialTimeout: o.DialTimeout,
		Secure: &clientv3.SecureConfig{Cert: o.Cert, Key: o.Key, Cacert: o.CACert,
			InsecureTransport: o.InsecureTransport && !anyHTTPS(endpoints), InsecureSkipVerify: o.InsecureSkipTLSVerify},
	}
	if o.User != "" {
		spec.Auth = &clientv3.AuthConfig{Username: o.User, Password: o.Password}
	}
	cfg, err := clientv3.NewClientConfig(spec, zap.NewNop())
	if err != nil {
		// A certificate or key that cannot be loaded makes the target
		// unusable as configured, like a rejected certificate (exit 3).
		return nil, Unreachable("TLS settings (--cacert, --cert, --key)", err)
	}
	cfg.Logger = zap.NewNop() // the client's retries must not write over the terminal
	if o.FixedWindows {
		cfg.DialOptions = append(cfg.DialOptions, grpc.WithInitialWindowSize(FixedStreamWindow), grpc.WithInitialConnWindowSize(FixedConnWindow))
	}
	return cfg, nil
}

func anyHTTPS(endpoints []string) bool {
	for _, e := range endpoints {
		if strings.HasPrefix(e, "https://") {
			return true
		}
	}
	return false
}

func (t *Target) dial(ctx context.Context) (*clientv3.Client, error) {
	cfg, err := t.opts.Config(t.endpoints)
	if err != nil {
		return nil, err
	}
	cfg.Context = ctx
	c, err := clientv3.New(*cfg)
	if err != nil {
		return nil, Unreachable(fmt.Sprintf("cannot connect to %s within --dial-timeout %v", strings.Join(t.endpoints, ","), t.opts.DialTimeout), err)
	}
	return c, nil
}

// ping asks every endpoint for its status, so that a member that does not
// answer, or a wrong password, shows before any load.
func (t *Target) ping(ctx context.Context) error {
	timeout := t.opts.DialTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	for _, ep := range t.endpoints {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		_, err := t.clients[0].Status(cctx, ep)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return Unreachable(fmt.Sprintf("etcd at %s does not answer", ep), errors.New(rpctypes.ErrorDesc(err)))
		}
	}
	return nil
}

// Clients returns the connections, one per --conns.
func (t *Target) Clients() []*clientv3.Client { return t.clients }

// Endpoints returns the client URLs of the target.
func (t *Target) Endpoints() []string { return t.endpoints }

// Embedded returns the embedded etcd, or nil for the user's cluster.
func (t *Target) Embedded() *localetcd.Embedded { return t.embedded }

// Close closes the connections and stops the embedded etcd, removing its
// temporary data dir.
func (t *Target) Close() error {
	var errs []error
	for _, c := range t.clients {
		errs = append(errs, c.Close())
	}
	if t.embedded != nil {
		errs = append(errs, t.embedded.Close())
	}
	t.removeTemp()
	return errors.Join(errs...)
}

func (t *Target) removeTemp() {
	if t.tempDir != "" {
		os.RemoveAll(t.tempDir)
		t.tempDir = ""
	}
}

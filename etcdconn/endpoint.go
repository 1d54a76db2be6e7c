package etcdconn

import (
	"context"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// DialEndpoint opens a client to endpoint alone, with the target's
// connection settings (TLS, auth), so that a probe can talk to one member
// and not to whichever the balancer picks. The caller closes it.
func (t *Target) DialEndpoint(ctx context.Context, endpoint string) (*clientv3.Client, error) {
	cfg, err := t.opts.Config([]string{endpoint})
	if err != nil {
		return nil, err
	}
	cfg.Context = ctx
	c, err := clientv3.New(*cfg)
	if err != nil {
		return nil, Unreachable(fmt.Sprintf("cannot connect to %s within --dial-timeout %v", endpoint, t.opts.DialTimeout), err)
	}
	return c, nil
}

// Options returns the connection settings the target was opened with.
func (t *Target) Options() Options { return t.opts }

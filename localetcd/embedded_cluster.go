package localetcd

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// EmbeddedCluster is N etcd members running inside this process, on
// loopback, forming one cluster.
type EmbeddedCluster struct {
	members []*Embedded
}

// StartEmbeddedCluster starts n members, member I in baseDir/memberI, from
// tmpl (whose DataDir is ignored; a LogFile gets the member name appended so
// that each member has its own). It returns once every member serves with a
// leader. A port taken before etcd binds it restarts the whole cluster with
// new ports and fresh data dirs, since the peer URLs are in the data.
func StartEmbeddedCluster(ctx context.Context, n int, baseDir string, tmpl EmbeddedConfig) (*EmbeddedCluster, error) {
	if n < 1 {
		return nil, fmt.Errorf("embedded cluster: size %d, want at least 1", n)
	}
	dirs := memberDirs(n, baseDir)
	if err := checkFreshDataDirs(dirs); err != nil {
		return nil, err
	}
	c, err := retryOnPortRace(dirs, func() (*EmbeddedCluster, error) { return startEmbeddedClusterOnce(ctx, dirs, tmpl) })
	if err != nil {
		return nil, fmt.Errorf("start embedded cluster of %d in %s: %w", n, baseDir, err)
	}
	return c, nil
}

// startEmbeddedClusterOnce makes one attempt with freshly picked ports.
// Members start concurrently because none becomes ready before a quorum has
// started; the first failure cancels the others' wait.
func startEmbeddedClusterOnce(ctx context.Context, dirs []string, tmpl EmbeddedConfig) (*EmbeddedCluster, error) {
	cfgs, ports, spec, err := planEmbeddedCluster(dirs, tmpl)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	members := make([]*Embedded, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	for i := range members {
		wg.Go(func() {
			members[i], errs[i] = launchEmbedded(cfgs[i], ports[i], spec)
			if errs[i] == nil {
				errs[i] = members[i].waitReady(ctx)
			}
			if errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	c := &EmbeddedCluster{members: members}
	if err := firstError(errs); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	return c, nil
}

// firstError returns the error that is not a consequence of another: a
// failed launch (say, a port in use) rather than the cancelled waits it
// caused, so that callers can still recognise it.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return errors.Join(errs...)
}

// planEmbeddedCluster derives each member's configuration, ports and the
// initial cluster they share.
func planEmbeddedCluster(dirs []string, tmpl EmbeddedConfig) ([]EmbeddedConfig, []memberPorts, clusterSpec, error) {
	ports, err := pickMemberPorts(len(dirs))
	if err != nil {
		return nil, nil, clusterSpec{}, err
	}
	cfgs := make([]EmbeddedConfig, len(dirs))
	peers := make([]string, len(dirs))
	for i := range cfgs {
		c := tmpl
		c.DataDir = dirs[i]
		if c.Name == "" {
			c.Name = DefaultMemberName
		}
		c.Name = fmt.Sprintf("%s-%d", c.Name, i)
		if c.LogFile != "" {
			c.LogFile = fmt.Sprintf("%s.%s", c.LogFile, c.Name)
		}
		if cfgs[i], err = c.withDefaults(); err != nil {
			return nil, nil, clusterSpec{}, err
		}
		peers[i] = c.Name + "=" + loopbackURL(ports[i].peer)
	}
	spec := clusterSpec{initialCluster: strings.Join(peers, ","), token: newClusterToken()}
	return cfgs, ports, spec, nil
}

// newClusterToken is a random --initial-cluster-token, so that members of
// two clusters started side by side by tests can never join each other.
func newClusterToken() string {
	return "etcdtune-" + rand.Text()[:10]
}

// Endpoints returns the client URLs of all members.
func (c *EmbeddedCluster) Endpoints() []string {
	eps := make([]string, 0, len(c.members))
	for _, m := range c.members {
		eps = append(eps, m.clientURL)
	}
	return eps
}

// Members returns the members in start order (member0 first).
func (c *EmbeddedCluster) Members() []*Embedded { return c.members }

// Close stops all members and waits for them. Followers stop first, all at
// once, then the leader: a leader that stops while its peers still run hands
// its leadership over, and if the chosen peer is stopping too the hand-over
// only ends with etcd's request timeout (7 s by default). Once the followers
// are gone the leader sees no peer to hand over to and stops at once.
func (c *EmbeddedCluster) Close() error {
	var followers, leaders []*Embedded
	for _, m := range c.members {
		if m == nil {
			continue
		}
		// Peers log each other's departure; keep the terminal quiet.
		m.log.muteTerminal()
		if m.isLeader() {
			leaders = append(leaders, m)
		} else {
			followers = append(followers, m)
		}
	}
	return errors.Join(closeAll(followers), closeAll(leaders))
}

// closeAll closes the members concurrently and waits for them.
func closeAll(members []*Embedded) error {
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Go(func() { errs[i] = m.Close() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

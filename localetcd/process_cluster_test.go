package localetcd_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// failoverTimeout bounds each wait for the cluster to react: a new leader
// after a 500 ms election timeout, a member catching up after a restart.
const failoverTimeout = 15 * time.Second

// eventually calls f every 100 ms until it returns nil or failoverTimeout
// passes, then fails the test with f's last error.
func eventually(t *testing.T, what string, f func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), failoverTimeout)
	defer cancel()
	for {
		err := f(ctx)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: still failing after %s: %v", what, failoverTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// put writes key=val through the given endpoints with a bounded wait.
func put(ctx context.Context, cli *clientv3.Client, key, val string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := cli.Put(ctx, key, val)
	return err
}

// leader returns the cluster's leader or fails the test.
func leader(t *testing.T, c *localetcd.ProcessCluster) *localetcd.ProcessMember {
	t.Helper()
	var l *localetcd.ProcessMember
	eventually(t, "find the leader", func(ctx context.Context) (err error) {
		l, err = c.Leader(ctx)
		return err
	})
	return l
}

func TestProcessClusterPut(t *testing.T) {
	c := etcdtest.ProcessCluster(t, 3)
	if len(c.Members()) != 3 || len(c.Endpoints()) != 3 {
		t.Fatalf("members %d, endpoints %v; want 3", len(c.Members()), c.Endpoints())
	}
	for _, m := range c.Members() {
		if !m.Running() || m.PID() == 0 {
			t.Errorf("member %s: running %v, pid %d", m.Name(), m.Running(), m.PID())
		}
	}
	cli := etcdtest.Client(t, c.Endpoints()...)
	if err := put(t.Context(), cli, "/etcdtune/p", "1"); err != nil {
		t.Fatalf("put: %v", err)
	}
	leader(t, c)
}

func TestProcessClusterPausedLeaderIsReplaced(t *testing.T) {
	c := etcdtest.ProcessCluster(t, 3)
	old := leader(t, c)
	if err := old.Pause(); err != nil {
		t.Fatal(err)
	}

	// The frozen member keeps its socket but answers nothing.
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	_, err := etcdtest.Client(t, old.Endpoint()).Get(ctx, "/etcdtune/x", clientv3.WithSerializable())
	cancel()
	if err == nil {
		t.Error("a paused member answered")
	}

	others := endpointsExcept(c, old)
	eventually(t, "elect a new leader", func(ctx context.Context) error {
		l, err := c.Leader(ctx)
		if err == nil && l == old {
			return errors.New("still the paused member")
		}
		return err
	})
	cli := etcdtest.Client(t, others...)
	eventually(t, "put without the old leader", func(ctx context.Context) error {
		return put(ctx, cli, "/etcdtune/paused", "yes")
	})

	if err := old.Resume(); err != nil {
		t.Fatal(err)
	}
	assertCaughtUp(t, old, "/etcdtune/paused", "yes")
	resumed := etcdtest.Client(t, old.Endpoint())
	eventually(t, "put through the resumed member", func(ctx context.Context) error {
		return put(ctx, resumed, "/etcdtune/resumed", "yes")
	})
}

func TestProcessClusterKilledMemberCatchesUp(t *testing.T) {
	c := etcdtest.ProcessCluster(t, 3)
	m := follower(t, c)
	if err := m.Kill(); err != nil {
		t.Fatal(err)
	}
	if m.Running() {
		t.Fatalf("member %s still running after Kill", m.Name())
	}
	cli := etcdtest.Client(t, endpointsExcept(c, m)...)
	eventually(t, "put while a member is down", func(ctx context.Context) error {
		return put(ctx, cli, "/etcdtune/down", "written")
	})

	if err := m.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertCaughtUp(t, m, "/etcdtune/down", "written")

	// A clean stop and a second restart work the same way.
	if err := m.Stop(); err != nil || m.Running() {
		t.Fatalf("stop %s: %v (running %v)", m.Name(), err, m.Running())
	}
	if err := m.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := m.Restart(t.Context()); err == nil {
		t.Error("restarting a running member: want an error")
	}
}

// follower returns a member that is not the leader.
func follower(t *testing.T, c *localetcd.ProcessCluster) *localetcd.ProcessMember {
	t.Helper()
	l := leader(t, c)
	for _, m := range c.Members() {
		if m != l {
			return m
		}
	}
	t.Fatal("no follower in the cluster")
	return nil
}

// endpointsExcept returns the endpoints of every member but m.
func endpointsExcept(c *localetcd.ProcessCluster, m *localetcd.ProcessMember) []string {
	var eps []string
	for _, o := range c.Members() {
		if o != m {
			eps = append(eps, o.Endpoint())
		}
	}
	return eps
}

// assertCaughtUp waits until m itself (a serializable read, answered from
// its own store without asking the leader) holds key=want.
func assertCaughtUp(t *testing.T, m *localetcd.ProcessMember, key, want string) {
	t.Helper()
	cli := etcdtest.Client(t, m.Endpoint())
	eventually(t, m.Name()+" catches up", func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		resp, err := cli.Get(ctx, key, clientv3.WithSerializable())
		if err != nil {
			return err
		}
		if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != want {
			return fmt.Errorf("%s = %v, want %q", key, resp.Kvs, want)
		}
		return nil
	})
}

// Package loadtest holds the helpers that the tests of the engine and of
// the load kinds share: connections to a test etcd, counts read back from
// it, a key space and a put workload to drive the engine with.
package loadtest

import (
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// Embedded starts an embedded etcd for the test (stopped when it ends) and
// opens conns connections to it.
func Embedded(t testing.TB, conns int) []*clientv3.Client {
	t.Helper()
	return Clients(t, conns, etcdtest.Embedded(t).Endpoints())
}

// Clients opens n connections to endpoints, closed when the test ends.
func Clients(t testing.TB, n int, endpoints []string) []*clientv3.Client {
	t.Helper()
	var cs []*clientv3.Client
	for range n {
		cs = append(cs, etcdtest.Client(t, endpoints...))
	}
	return cs
}

// Revision is the cluster's current revision.
func Revision(t *testing.T, c *clientv3.Client) int64 {
	t.Helper()
	resp, err := c.Get(t.Context(), "/any")
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}

// CountPrefix is the number of keys under prefix.
func CountPrefix(t *testing.T, c *clientv3.Client, prefix string) int64 {
	t.Helper()
	resp, err := c.Get(t.Context(), prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Count
}

// Keys is a uniform key space of space keys under "/etcdtune/".
func Keys(space uint64) engine.KeySpec {
	return engine.KeySpec{Prefix: "/etcdtune/", Size: 8, Space: space, Dist: engine.DistUniform, Seed: 1}
}

// NewPut is workloads.NewPut that fails the test on an error.
func NewPut(t *testing.T, o workloads.PutOptions) *workloads.Put {
	t.Helper()
	return New(t, workloads.NewPut, o)
}

package loadtest

import (
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// New is a workload's constructor called on o, failing the test on its
// error: loadtest.New(t, workloads.NewTxn, o).
func New[O, W any](t testing.TB, newWorkload func(O) (W, error), o O) W {
	t.Helper()
	wl, err := newWorkload(o)
	if err != nil {
		t.Fatal(err)
	}
	return wl
}

// Run is engine.Run of wl on cs, failing the test on its error.
func Run(t testing.TB, cfg engine.Config, wl engine.Workload, cs []*clientv3.Client) *result.Workload {
	t.Helper()
	res, err := engine.Run(t.Context(), cfg, wl, cs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Session runs wl in an engine.Session of cfg on cs (prefix check,
// preload, cleanup), failing the test on its error.
func Session(t testing.TB, cfg engine.Config, wl engine.Workload, cs []*clientv3.Client) *result.Workload {
	t.Helper()
	res, err := engine.Session{Config: cfg, Clients: cs}.Run(t.Context(), wl)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// SessionTotal is Session of cfg.Total requests that fails the test, naming
// what, unless all of them were made and none failed.
func SessionTotal(t testing.TB, what any, cfg engine.Config, wl engine.Workload, cs []*clientv3.Client) *result.Workload {
	t.Helper()
	res := Session(t, cfg, wl, cs)
	if res.Ops != cfg.Total || res.Errors != 0 {
		t.Fatalf("%+v: ops %d of %d, errors %v", what, res.Ops, cfg.Total, res.ErrorKinds)
	}
	return res
}

// NoKeysLeft fails the test if any key is left under "/etcdtune/", the
// prefix of Keys, after a run that should have cleaned up.
func NoKeysLeft(t *testing.T, c *clientv3.Client) {
	t.Helper()
	if n := CountPrefix(t, c, "/etcdtune/"); n != 0 {
		t.Errorf("%d keys left under the prefix", n)
	}
}

// NoLeasesLeft fails the test if etcd holds any lease after a run.
func NoLeasesLeft(t *testing.T, c *clientv3.Client) {
	t.Helper()
	leases, err := c.Leases(t.Context())
	if err != nil {
		t.Errorf("leases after the run: %v", err)
	} else if len(leases.Leases) != 0 {
		t.Errorf("%d leases left after the run: %v", len(leases.Leases), leases.Leases)
	}
}

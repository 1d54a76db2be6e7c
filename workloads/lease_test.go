package workloads_test

import (
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// Every key put on a short lease is deleted when the lease runs out, and
// its delete event reaches the watch; the delays land in the histogram, and
// no lease of the run outlives it.
func TestLeaseExpiryDeletesEveryKey(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	const n = 300
	wl := loadtest.New(t, workloads.NewLease, workloads.LeaseOptions{Keys: loadtest.Keys(100), ValSize: 16, TTL: 10, KeysPerLease: 1, KeepAlives: 1,
		Expire: n, ExpireTTL: workloads.MinLeaseTTL})
	res := loadtest.Session(t, engine.Config{Clients: 4, Duration: time.Second}, wl, cs)
	c := res.Counters
	if c[workloads.CounterExpireKeys] != n || c[workloads.CounterExpireExpired] != n ||
		c[workloads.CounterExpireSeen] != n || c[workloads.CounterExpireMissing] != 0 || c[workloads.CounterExpireLeft] != 0 {
		t.Errorf("counters %v: want %d keys, leases expired and delete events seen, none missing or left", c, n)
	}
	if res.Lease == nil || res.Lease.TTLS != workloads.MinLeaseTTL || res.Lease.DelayMs.Max <= 0 || res.Lease.Histogram == "" {
		t.Errorf("expiry figures: %+v", res.Lease)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	loadtest.NoLeasesLeft(t, cs[0])
	loadtest.NoKeysLeft(t, cs[0])
}

// Each worker walks leases through grant, puts, keep-alives and revoke, so
// the kinds keep the cycle's proportions; the leases a run cut short are
// revoked at its end.
func TestLeaseCycleKinds(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	const clients, puts, kas = 8, 2, 3
	wl := loadtest.New(t, workloads.NewLease, workloads.LeaseOptions{Keys: loadtest.Keys(100000), ValSize: 16, TTL: 30, KeysPerLease: puts, KeepAlives: kas})
	res := loadtest.SessionTotal(t, "lease cycle", engine.Config{Clients: clients, Total: 1000}, wl, cs)
	k := res.Kinds
	grants, revokes := k[workloads.LeaseKindGrant].Ops, k[workloads.LeaseKindRevoke].Ops
	if grants+k[workloads.LeaseKindPut].Ops+k[workloads.LeaseKindKeepAlive].Ops+revokes != res.Ops {
		t.Errorf("kinds %v do not add up to %d ops", k, res.Ops)
	}
	if d := grants - revokes; d < 0 || d > clients || revokes == 0 {
		t.Errorf("%d grants, %d revokes: each worker holds at most one lease at a time", grants, revokes)
	}
	for kind, per := range map[string]int64{workloads.LeaseKindPut: puts, workloads.LeaseKindKeepAlive: kas} {
		if n := k[kind].Ops; n < per*revokes || n > per*grants {
			t.Errorf("%d %s for %d grants and %d revokes, want %d a lease", n, kind, grants, revokes, per)
		}
	}
	loadtest.NoLeasesLeft(t, cs[0])
}

func TestLeaseBadOptions(t *testing.T) {
	for _, o := range []workloads.LeaseOptions{
		{TTL: 1},
		{TTL: 10, Expire: 10, ExpireTTL: 1},
		{TTL: 10, KeysPerLease: -1},
		{TTL: 10, Expire: 99_999_999, ExpireTTL: 5}, // past what 8 digits hold
	} {
		o.Keys = loadtest.Keys(100)
		if _, err := workloads.NewLease(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

package workloads_test

import (
	"testing"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// The kinds of a mixed run add up to its total, in the shares asked, and
// match what etcd saw: a revision for each put and each successful txn,
// none for a read.
func TestMixedKindsMatchRevisions(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	for _, c := range []struct{ read, txn float64 }{{0.5, 0.2}, {0.9, 0}, {1, 0}, {0, 0.5}} {
		const total, space = 2000, 200
		wl := loadtest.New(t, workloads.NewMixed, workloads.MixedOptions{Keys: loadtest.Keys(space), ValSize: 32, ReadRatio: c.read, TxnRatio: c.txn,
			Preload: space, Consistency: workloads.Linearizable})
		before := loadtest.Revision(t, cs[0])
		res := loadtest.SessionTotal(t, c, engine.Config{Clients: 8, Total: total}, wl, cs)
		k := res.Kinds
		reads, puts, txns := k[workloads.MixedKindRange].Ops, k[workloads.MixedKindPut].Ops, k[workloads.MixedKindTxn].Ops
		if reads+puts+txns != total {
			t.Errorf("%+v: %d reads + %d puts + %d txns != %d", c, reads, puts, txns, total)
		}
		// The shares are random draws: 2000 of them fall within 5 points
		// of the ratio (over 4 standard deviations).
		for name, got := range map[string]struct {
			n     int64
			ratio float64
		}{"reads": {reads, c.read}, "txns": {txns, c.txn}, "puts": {puts, 1 - c.read - c.txn}} {
			if share := float64(got.n) / total; share < got.ratio-0.05 || share > got.ratio+0.05 {
				t.Errorf("%+v: %s are %.3f of the requests", c, name, share)
			}
		}
		if c.txn > 0 && res.Counters[workloads.CounterCASUpdates] != txns {
			t.Errorf("%+v: %d txn ops, %d CAS updates", c, txns, res.Counters[workloads.CounterCASUpdates])
		}
		// Preload and cleanup make space+1 revisions; reads none.
		if got, want := loadtest.Revision(t, cs[0])-before, space+1+puts+txns; got != want {
			t.Errorf("%+v: etcd made %d revisions, want %d (%d puts, %d txns)", c, got, want, puts, txns)
		}
	}
}

func TestMixedBadRatios(t *testing.T) {
	for _, o := range []workloads.MixedOptions{
		{ReadRatio: -0.1},
		{ReadRatio: 1.5},
		{ReadRatio: 0.7, TxnRatio: 0.4},
		{TxnRatio: 2},
	} {
		o.Keys, o.Consistency = loadtest.Keys(100), workloads.Linearizable
		if _, err := workloads.NewMixed(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

package workloads_test

// Helpers of this package's tests; those shared with the other packages'
// tests are in internal/loadtest.

import (
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/workloads"
)

func newTxn(t testing.TB, o workloads.TxnOptions) *workloads.Txn {
	t.Helper()
	wl, err := workloads.NewTxn(o)
	if err != nil {
		t.Fatal(err)
	}
	return wl
}

// sumCounts adds up the counts that CAS updates left in the keys of the
// prefix.
func sumCounts(t *testing.T, c *clientv3.Client, prefix string) (sum uint64, keys int) {
	t.Helper()
	resp, err := c.Get(t.Context(), prefix, clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range resp.Kvs {
		sum += workloads.ParseCASCount(kv.Value)
	}
	return sum, len(resp.Kvs)
}

func newLease(t testing.TB, o workloads.LeaseOptions) *workloads.Lease {
	t.Helper()
	wl, err := workloads.NewLease(o)
	if err != nil {
		t.Fatal(err)
	}
	return wl
}

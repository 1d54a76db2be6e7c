package workloads_test

// Helpers of this package's tests; those shared with the other packages'
// tests are in internal/loadtest.

import (
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/workloads"
)

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

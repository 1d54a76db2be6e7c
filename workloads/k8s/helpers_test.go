package k8s_test

// Helpers of this package's tests; those shared with the other packages'
// tests are in internal/loadtest.

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

func k8sOpts(nodes, podsPerNode int) k8s.Options {
	return k8s.Options{Prefix: "/etcdtune/", Nodes: nodes, PodsPerNode: podsPerNode,
		ListLimit: k8s.ListLimit, ListEvery: time.Second, MaxObjectSize: k8s.MaxObjectSize,
		Watch: true, Seed: 1}
}

func newK8s(t testing.TB, o k8s.Options) *k8s.Workload {
	t.Helper()
	return loadtest.New(t, k8s.New, o)
}

// preparedK8s is a k8s workload of o with its objects preloaded on cs.
func preparedK8s(t *testing.T, o k8s.Options, cs []*clientv3.Client) *k8s.Workload {
	t.Helper()
	wl := newK8s(t, o)
	if err := wl.Prepare(t.Context(), cs); err != nil {
		t.Fatal(err)
	}
	return wl
}

// checkK8sKeys checks every key and value against the profile and counts
// the objects of each resource.
func checkK8sKeys(t *testing.T, o k8s.Options, namespaces int, kvs []*mvccpb.KeyValue) map[string]int64 {
	t.Helper()
	counts := map[string]int64{}
	for _, kv := range kvs {
		m := k8sKey.FindStringSubmatch(string(kv.Key))
		if m == nil {
			t.Errorf("key %q is not of the layout", kv.Key)
			continue
		}
		res, idx := strings.TrimPrefix(m[1], "services/"), m[5]
		counts[res]++
		checkNamespace(t, kv.Key, res, m[3], idx, namespaces)
		lo, hi := o.SizeRange(res)
		if n := len(kv.Value); n < lo || n > hi || !bytes.HasPrefix(kv.Value, []byte("k8s\x00")) {
			t.Errorf("%s: value of %d bytes (%q...), want %d..%d starting with the protobuf magic", kv.Key, n, kv.Value[:min(4, n)], lo, hi)
		}
		if (res == "events") != (kv.Lease != 0) {
			t.Errorf("%s: lease %x; only events go on a lease", kv.Key, kv.Lease)
		}
	}
	return counts
}

func checkNamespace(t *testing.T, key []byte, res, ns, idx string, namespaces int) {
	t.Helper()
	i, _ := strconv.Atoi(idx)
	if res == "leases" {
		if ns != "" {
			t.Errorf("%s: node Leases belong in kube-node-lease", key)
		}
		return
	}
	// A namespace holds 30 pods, 4 ConfigMaps, 6 Secrets, 3 Deployments
	// (6 ReplicaSets, 3 EndpointSlices and Endpoints), fixed by the
	// object's number (a grown cluster keeps its keys); events spread
	// over the namespaces.
	want := strconv.Itoa(i % namespaces)
	if per := perNamespace[res]; per > 0 {
		want = strconv.Itoa(i / per)
	}
	if ns != want {
		t.Errorf("%s: namespace ns-%s, want ns-%s", key, ns, want)
	}
}

// perNamespace is how many objects of each resource a namespace holds.
var perNamespace = map[string]int{"pods": 30, "configmaps": 4, "secrets": 6,
	"deployments": 3, "replicasets": 6, "endpointslices": 3, "endpoints": 3}

func readAt(t *testing.T, c *clientv3.Client, prefix string, rev int64) []string {
	t.Helper()
	resp, err := c.Get(t.Context(), prefix, clientv3.WithPrefix(), clientv3.WithRev(rev), clientv3.WithKeysOnly())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, kv := range resp.Kvs {
		keys = append(keys, string(kv.Key))
	}
	return keys
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

func hasDup(keys []string) bool {
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return c
}

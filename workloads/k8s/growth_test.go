package k8s_test

import (
	"strings"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
)

// objectSizes is every key under prefix (the prefix cut off) with the size
// of its value.
func objectSizes(t *testing.T, c *clientv3.Client, prefix string) map[string]int {
	t.Helper()
	resp, err := c.Get(t.Context(), prefix, clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, kv := range resp.Kvs {
		m[strings.TrimPrefix(string(kv.Key), prefix)] = len(kv.Value)
	}
	return m
}

// sameObjects reports the keys that differ between got and want, or whose
// values differ in size.
func sameObjects(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d keys, a fresh cluster has %d", what, len(got), len(want))
	}
	bad := 0
	for k, n := range want {
		if m, ok := got[k]; !ok || m != n {
			if bad++; bad <= 5 {
				t.Errorf("%s: %s has %d bytes (present %v), a fresh cluster %d", what, k, m, ok, n)
			}
		}
	}
}

// A cluster grown from 2 to 5 nodes holds exactly the keys, with the value
// sizes, of a 5-node cluster prepared from scratch; shrunk back to 3, those
// of a fresh 3-node one. A load after the growth works on the 5-node
// cluster, and its figures are its own.
func TestK8sGrowMatchesAFreshCluster(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	fresh := func(prefix string, nodes int) map[string]int {
		o := k8sOpts(nodes, 40)
		o.Prefix, o.Watch = prefix, false
		preparedK8s(t, o, cs)
		return objectSizes(t, cs[0], prefix)
	}
	want5, want3 := fresh("/fresh5/", 5), fresh("/fresh3/", 3)

	o := k8sOpts(2, 40)
	wl := preparedK8s(t, o, cs)
	if err := wl.Grow(t.Context(), cs, 5); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, "grown 2 -> 5", objectSizes(t, cs[0], o.Prefix), want5)

	res, err := engine.Run(t.Context(), engine.Config{Clients: 8, Total: 1500}, wl, cs)
	if err != nil || res.Errors != 0 || len(res.Warnings) != 0 {
		t.Fatalf("run: %v, errors %v, warnings %v", err, res.ErrorKinds, res.Warnings)
	}
	st := res.K8s
	if st.Scale.Nodes != 5 || st.Resources["leases"].Preloaded != 5 || st.Resources["pods"].Preloaded != 200 {
		t.Errorf("the load after the growth ran on %+v, preloaded %+v", st.Scale, st.Resources)
	}
	if l := st.Resources["leases"]; l.Updated == 0 || l.NotFound != 0 || l.WatchEvents != l.WatchExpected {
		t.Errorf("node heartbeats after the growth: %+v", l)
	}
	resp, err := cs[0].Get(t.Context(), o.Prefix, clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	got := checkK8sKeys(t, o, st.Scale.Namespaces, resp.Kvs)
	for _, name := range k8sResourceNames {
		if name == "events" {
			continue // deleted with their leases as the load ended
		}
		if rs := st.Resources[name]; got[name] != rs.ObjectsAtEnd {
			t.Errorf("%s: etcd holds %d, the step reports %d", name, got[name], rs.ObjectsAtEnd)
		}
	}

	// Shrink: the pods the load created and deleted moved the numbers, so
	// compare the resources it did not churn.
	if err := wl.Shrink(t.Context(), cs, 3); err != nil {
		t.Fatal(err)
	}
	after := objectSizes(t, cs[0], o.Prefix)
	for k := range after {
		if strings.HasPrefix(k, "registry/pods/") {
			delete(after, k)
		}
	}
	for k := range want3 {
		if strings.HasPrefix(k, "registry/pods/") {
			delete(want3, k)
		}
	}
	sameObjects(t, "shrunk 5 -> 3", after, want3)
	if n := loadtest.CountPrefix(t, cs[0], o.Prefix+"registry/pods/"); n != 120 {
		t.Errorf("shrunk to 3 nodes x 40 pods: %d pods", n)
	}

	loadtest.NoLeasesLeft(t, cs[0])
}

// Each load of a capacity search updates its own events, at the profile's
// share of event creates: the last load's went with their leases, and a
// large cluster picks among many recent events (one a Deployment), more
// than a load may have created.
func TestK8sEventUpdatesAfterAStep(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	o := k8sOpts(20, 100) // 200 Deployments
	o.Watch = false
	wl := preparedK8s(t, o, cs)
	rates := map[string]float64{}
	for i, k := range wl.Kinds() {
		rates[k] = o.Rates()[i]
	}
	want := rates["events/update"] / rates["events/create"]
	for step := range 2 {
		if step > 0 {
			if err := wl.Grow(t.Context(), cs, o.Nodes); err != nil {
				t.Fatal(err)
			}
		}
		res, err := engine.Run(t.Context(), engine.Config{Clients: 8, Total: 2000}, wl, cs)
		if err != nil || res.Errors != 0 || len(res.Warnings) != 0 {
			t.Fatalf("step %d: %v, errors %v, warnings %v", step, err, res.ErrorKinds, res.Warnings)
		}
		ev := res.K8s.Resources["events"]
		if got := float64(ev.Updated) / float64(ev.Created); got < 0.8*want || got > 1.2*want {
			t.Errorf("step %d: event updates per create %.3f (%d / %d), the profile's %.3f", step, got, ev.Updated, ev.Created, want)
		}
	}
	loadtest.NoLeasesLeft(t, cs[0])
}

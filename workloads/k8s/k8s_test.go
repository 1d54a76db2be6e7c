package k8s_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

var k8sResourceNames = []string{"pods", "configmaps", "secrets", "events", "leases",
	"deployments", "replicasets", "endpointslices", "endpoints"}

// k8sKey is the layout: <prefix>registry/<resource>/<namespace>/<name>.
var k8sKey = regexp.MustCompile(`^/etcdtune/registry/([a-z]+|services/endpoints)/(ns-(\d+)|kube-node-lease)/([a-z]+)-(\d+)$`)

// After a run, what etcd holds under the prefix is the profile's layout:
// every key has the apiserver's shape with the right namespace, every
// resource holds the count the run reports, every value has the size range
// of its resource, and events sit on the apiserver's 1 h + 60 s leases.
// The watches saw one event per write.
func TestK8sLayoutCountsAndSizes(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	o := k8sOpts(5, 40)
	wl := preparedK8s(t, o, cs)
	res, err := engine.Run(t.Context(), engine.Config{Clients: 16, Total: 3000}, wl, cs)
	if err != nil || res.Errors != 0 {
		t.Fatalf("run: %v, errors %v, warnings %v", err, res.ErrorKinds, res.Warnings)
	}
	st := res.K8s
	if st == nil || len(res.Warnings) != 0 {
		t.Fatalf("k8s stats %+v, warnings %v", st, res.Warnings)
	}
	for _, kind := range []string{"pods/create", "pods/update", "pods/delete", "events/create", "leases/update"} {
		if res.Kinds[kind].Ops == 0 {
			t.Errorf("no %s in the result: %v", kind, res.Kinds)
		}
	}
	resp, err := cs[0].Get(t.Context(), "/etcdtune/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	// The run ends by revoking the events' leases, one revision each, which
	// deletes the events: read them just before.
	if n := loadtest.CountPrefix(t, cs[0], "/etcdtune/registry/events/"); n != 0 || st.EventLeases == 0 {
		t.Errorf("%d events left after the leases (%d) were revoked", n, st.EventLeases)
	}
	events, err := cs[0].Get(t.Context(), "/etcdtune/registry/events/", clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision-st.EventLeases))
	if err != nil {
		t.Fatal(err)
	}
	counts := checkK8sKeys(t, o, wl.Scale().Namespaces, append(resp.Kvs, events.Kvs...))
	for _, name := range k8sResourceNames {
		rs := st.Resources[name]
		if counts[name] != rs.ObjectsAtEnd || rs.ObjectsAtEnd != rs.Preloaded+rs.Created-rs.Deleted {
			t.Errorf("%s: etcd holds %d, the run reports %d at the end (%d preloaded + %d created - %d deleted)",
				name, counts[name], rs.ObjectsAtEnd, rs.Preloaded, rs.Created, rs.Deleted)
		}
		if rs.WatchEvents != rs.WatchExpected {
			t.Errorf("%s: the watch saw %d events for %d writes", name, rs.WatchEvents, rs.WatchExpected)
		}
	}
	sc := wl.Scale()
	if p := st.Resources["pods"].Preloaded; p != 200 || st.Resources["leases"].Preloaded != 5 ||
		st.Resources["configmaps"].Preloaded != int64(sc.ConfigMaps) || st.Resources["secrets"].Preloaded != int64(sc.Secrets) {
		t.Errorf("preloaded %+v for scale %+v", st.Resources, sc)
	}
}

// A paginated list returns every object exactly once, as of its first
// page's revision, even while the load creates, updates and deletes pods
// between its pages: it equals a single read of the whole prefix at that
// revision.
func TestK8sPaginatedListReturnsEachObjectOnce(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	o := k8sOpts(4, 50)
	wl := preparedK8s(t, o, cs)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := engine.Run(t.Context(), engine.Config{Clients: 8, Total: 2000}, wl, cs); err != nil {
			t.Error(err)
		}
	}()
	defer wg.Wait()
	for i := range 10 {
		for _, limit := range []int64{7, 500} {
			res := k8sResourceNames[i%3]
			keys, pages, rev, err := k8s.List(t.Context(), cs[1], o.Prefix, res, limit)
			if err != nil {
				t.Fatal(err)
			}
			want := readAt(t, cs[1], o.Prefix+"registry/"+res+"/", rev)
			if !slicesEqual(keys, want) {
				t.Fatalf("%s, limit %d: %d keys in %d pages differ from the %d at revision %d", res, limit, len(keys), pages, len(want), rev)
			}
			if wantPages := (len(want) + int(limit) - 1) / int(limit); pages < wantPages || pages > wantPages+1 || hasDup(keys) {
				t.Errorf("%s, limit %d: %d pages for %d keys (duplicates: %v)", res, limit, pages, len(keys), hasDup(keys))
			}
		}
	}
}

// Under a Session the profile deletes everything it wrote under
// <prefix>registry/ and revokes the events' leases, and nothing else:
// neither keys of the user under the prefix (with --force) nor a real
// cluster's /registry.
func TestK8sSessionCleansUpOnlyItsLayout(t *testing.T) {
	cs := loadtest.Embedded(t, 2)
	ctx := t.Context()
	kept := []string{"/registry/pods/default/web", "/etcdtune/registry", "/etcdtune/registry0", "/etcdtune/other/x", "/etcdtune/00000001"}
	for _, k := range kept {
		if _, err := cs[0].Put(ctx, k, "user"); err != nil {
			t.Fatal(err)
		}
	}
	s := engine.Session{Config: engine.Config{Clients: 8, Total: 1000}, Clients: cs, Force: true}
	res, err := s.Run(ctx, newK8s(t, k8sOpts(3, 20)))
	if err != nil || res.Errors != 0 || len(res.Warnings) != 0 {
		t.Fatalf("run: %v, errors %v, warnings %v", err, res.ErrorKinds, res.Warnings)
	}
	if res.K8s.EventLeases == 0 || res.K8s.Resources["events"].Created == 0 {
		t.Fatalf("no events written: %+v", res.K8s)
	}
	resp, err := cs[0].Get(ctx, "", clientv3.WithFromKey(), clientv3.WithKeysOnly())
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, kv := range resp.Kvs {
		left = append(left, string(kv.Key))
	}
	if fmt.Sprint(left) != fmt.Sprint(sorted(kept)) {
		t.Errorf("after the run etcd holds %q, want only the user's %q", left, sorted(kept))
	}
	loadtest.NoLeasesLeft(t, cs[0])
}

// Scale flags out of range, or that would make a write over etcd's request
// limit or objects over its default quota, are refused naming the flag.
func TestK8sOptionsValidate(t *testing.T) {
	cases := []struct {
		edit func(*k8s.Options)
		want string
	}{
		{func(o *k8s.Options) { o.Nodes = 0 }, "--nodes"},
		{func(o *k8s.Options) { o.Nodes = 5001 }, "--nodes"},
		{func(o *k8s.Options) { o.PodsPerNode = 0 }, "--pods-per-node"},
		{func(o *k8s.Options) { o.Nodes, o.PodsPerNode = 5000, 110 }, "150000"},
		{func(o *k8s.Options) { o.MaxObjectSize = 2 << 20 }, "1.5 MiB"},
		{func(o *k8s.Options) { o.ListLimit = 0 }, "--list-limit"},
		{func(o *k8s.Options) { o.ListEvery = 0 }, "--list-every"},
		{func(o *k8s.Options) { o.Prefix = "" }, "--prefix"},
	}
	for _, c := range cases {
		o := k8sOpts(10, 30)
		c.edit(&o)
		_, err := k8s.New(o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an error naming %q", o, err, c.want)
		}
	}
	if _, err := k8s.New(k8sOpts(5000, 30)); err != nil {
		t.Errorf("5000 nodes x 30 pods is a valid cluster: %v", err)
	}
}

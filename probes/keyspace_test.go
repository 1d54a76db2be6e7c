package probes

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// seededLayout is a small Kubernetes-like keyspace: what the probe must
// find, exactly, under /registry/.
type seededLayout struct {
	kvs    map[string]int // key -> value bytes
	groups map[string][2]int64
}

func seedKubernetesLayout(t *testing.T, c *clientv3.Client) seededLayout {
	t.Helper()
	l := seededLayout{kvs: map[string]int{}, groups: map[string][2]int64{}}
	add := func(group, key string, size int) {
		l.kvs[key] = size
		g := l.groups[group]
		l.groups[group] = [2]int64{g[0] + 1, g[1] + int64(len(key)+size)}
	}
	for i := range 37 {
		add("/registry/pods/", fmt.Sprintf("/registry/pods/default/web-%d", i), 1000+i*10)
	}
	for i := range 120 {
		add("/registry/events/", fmt.Sprintf("/registry/events/default/web-%d.%x", i%37, i), 300)
	}
	add("/registry/configmaps/", "/registry/configmaps/kube-system/big", 1200*1024)
	add("/registry/configmaps/", "/registry/configmaps/kube-system/small", 50)
	for i := range 3 {
		add("/registry/apiextensions.k8s.io/customresourcedefinitions/",
			fmt.Sprintf("/registry/apiextensions.k8s.io/customresourcedefinitions/crd%d.example.com", i), 4000)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for k, n := range l.kvs {
		if _, err := c.Put(ctx, k, strings.Repeat("v", n)); err != nil {
			t.Fatal(err)
		}
	}
	// outside the root: must not be counted
	if _, err := c.Put(ctx, "/other/thing", "x"); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestKeyspaceProbeCountsSeededLayoutExactly(t *testing.T) {
	c := etcdtest.Client(t, etcdtest.Embedded(t).Endpoints()...)
	want := seedKubernetesLayout(t, c)
	ks, err := Keyspace(t.Context(), c, KeyspaceOptions{Prefix: "/registry/", PageSize: 7, Rate: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if ks.Keys != int64(len(want.kvs)) {
		t.Errorf("keys %d, want %d", ks.Keys, len(want.kvs))
	}
	if len(ks.Groups) != len(want.groups) {
		t.Errorf("groups %+v, want %v", ks.Groups, want.groups)
	}
	for _, g := range ks.Groups {
		w := want.groups[g.Prefix]
		if g.Keys != w[0] || g.KeyBytes+g.ValueBytes != w[1] {
			t.Errorf("group %s: %d keys, %d bytes; want %d keys, %d bytes", g.Prefix, g.Keys, g.KeyBytes+g.ValueBytes, w[0], w[1])
		}
	}
	if wantReads := (int64(len(want.kvs)) + 6) / 7; ks.Reads < wantReads {
		t.Errorf("%d reads of 7 keys for %d keys", ks.Reads, len(want.kvs))
	}
	if len(ks.NearLimit) != 1 || ks.NearLimit[0].Key != "/registry/configmaps/kube-system/big" {
		t.Errorf("near limit: %+v", ks.NearLimit)
	}
	if len(ks.Largest) != DefaultKeyspaceTop || ks.Largest[0].Bytes != 1200*1024 || ks.Largest[1].Bytes != 4000 {
		t.Errorf("largest: %+v", ks.Largest)
	}
	if wantPct := 100 * 120.0 / float64(len(want.kvs)); ks.EventKeysPct != wantPct {
		t.Errorf("events %.2f%% of keys, want %.2f%%", ks.EventKeysPct, wantPct)
	}
}

func TestKeyspaceProbeSampleAndFallback(t *testing.T) {
	c := etcdtest.Client(t, etcdtest.Embedded(t).Endpoints()...)
	for _, k := range []string{"/a/1", "/a/2", "/b/x/y", "top"} {
		if _, err := c.Put(t.Context(), k, "12345"); err != nil {
			t.Fatal(err)
		}
	}
	ks, err := Keyspace(t.Context(), c, KeyspaceOptions{Prefix: "/registry/", Fallback: true, Rate: 1000})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, g := range ks.Groups {
		got[g.Prefix] = g.Keys
	}
	if ks.Prefix != "" || ks.Keys != 4 || got["/a/"] != 2 || got["/b/"] != 1 || got["(other)"] != 1 {
		t.Errorf("fallback: prefix %q, %d keys, groups %v", ks.Prefix, ks.Keys, got)
	}
	ks, err = Keyspace(t.Context(), c, KeyspaceOptions{Prefix: "", Sample: 3, PageSize: 2, Rate: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !ks.Sampled || ks.Keys != 3 {
		t.Errorf("sample 3: sampled %v, %d keys", ks.Sampled, ks.Keys)
	}
}

func TestGroupOf(t *testing.T) {
	cases := []struct{ root, key, want string }{
		{"/registry/", "/registry/pods/ns/p", "/registry/pods/"},
		{"/registry/", "/registry/apiextensions.k8s.io/customresourcedefinitions/x", "/registry/apiextensions.k8s.io/customresourcedefinitions/"},
		{"/registry/", "/registry/ranges", "/registry/(other)"},
		{"", "/a/b", "/a/"},
		{"", "foo/bar", "foo/"},
		{"", "foo", "(other)"},
	}
	for _, c := range cases {
		if got := groupOf(c.root, c.key); got != c.want {
			t.Errorf("groupOf(%q, %q) = %q, want %q", c.root, c.key, got, c.want)
		}
	}
}

package localetcd

import (
	"testing"
	"time"
)

func TestEmbeddedClusterElectsAndReplicates(t *testing.T) {
	ctx := testContext(t, 45*time.Second)
	c, err := StartEmbeddedCluster(ctx, 3, t.TempDir(), EmbeddedConfig{UnsafeNoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if n := len(c.Members()); n != 3 || len(c.Endpoints()) != 3 {
		t.Fatalf("%d members, endpoints %v; want 3", n, c.Endpoints())
	}
	leaders := 0
	for _, m := range c.Members() {
		if m.etcd.Server.Leader() == m.etcd.Server.MemberID() {
			leaders++
		}
	}
	if leaders != 1 {
		t.Errorf("%d members see themselves as leader, want 1", leaders)
	}

	if _, err := newTestClient(t, c.Endpoints()[:1]).Put(ctx, "/etcdtune/r", "x"); err != nil {
		t.Fatalf("put: %v", err)
	}
	// A linearizable read on another member must see the write.
	last := c.Endpoints()[2:]
	resp, err := newTestClient(t, last).Get(ctx, "/etcdtune/r")
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "x" {
		t.Fatalf("get from %v = %v, %v; want x", last, resp, err)
	}
}

func TestEmbeddedClusterRefusesUsedDataDir(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	base := t.TempDir()
	c, err := StartEmbeddedCluster(ctx, 1, base, EmbeddedConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := StartEmbeddedCluster(ctx, 1, base, EmbeddedConfig{}); err == nil {
		t.Error("want an error for a data dir that holds a member")
	}
}

package localetcd

import (
	"slices"
	"testing"
)

func TestMemberArgsPutExtraArgsLast(t *testing.T) {
	spec := clusterSpec{initialCluster: "a=http://127.0.0.1:2", token: "tok"}
	args := memberArgs("a", "/d", memberPorts{client: 1, peer: 2, metrics: 3}, spec, []string{"--election-timeout=500"})
	for _, want := range []string{
		"--name=a", "--data-dir=/d",
		"--listen-client-urls=http://127.0.0.1:1", "--advertise-client-urls=http://127.0.0.1:1",
		"--listen-peer-urls=http://127.0.0.1:2", "--initial-advertise-peer-urls=http://127.0.0.1:2",
		"--listen-metrics-urls=http://127.0.0.1:3", "--initial-cluster=a=http://127.0.0.1:2",
		"--initial-cluster-token=tok", "--initial-cluster-state=new",
	} {
		if !slices.Contains(args, want) {
			t.Errorf("args %v lack %s", args, want)
		}
	}
	// etcd keeps the last value of a repeated flag: extra args must win.
	if args[len(args)-1] != "--election-timeout=500" {
		t.Errorf("extra args are not last: %v", args)
	}
}

func TestExistingClusterArgs(t *testing.T) {
	in := []string{"--name=a", "--initial-cluster-state=new"}
	out := existingClusterArgs(in)
	if want := []string{"--name=a", "--initial-cluster-state=existing"}; !slices.Equal(out, want) {
		t.Errorf("existingClusterArgs(%v) = %v, want %v", in, out, want)
	}
	if in[1] != "--initial-cluster-state=new" {
		t.Errorf("input changed to %v", in)
	}
}

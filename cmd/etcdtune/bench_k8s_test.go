package main

import (
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

// bench k8s runs on the embedded etcd and its result file holds the
// operation kinds per resource and the per-resource figures.
func TestBenchK8sJSON(t *testing.T) {
	r := etcdtune(t, nil, "bench", "k8s", "--nodes", "3", "--pods-per-node", "20", "--total", "500",
		"--clients", "4", "--conns", "2", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	res, err := result.Read(strings.NewReader(r.stdout))
	if err != nil || len(res.Workloads) != 1 {
		t.Fatalf("not a result file: %v\n%s", err, r.stdout)
	}
	wl := res.Workloads[0]
	if wl.Name != "k8s" || wl.Ops != 500 || wl.Errors != 0 || wl.K8s == nil {
		t.Fatalf("workload %q, ops %d, errors %d, k8s %+v", wl.Name, wl.Ops, wl.Errors, wl.K8s)
	}
	if wl.Kinds["pods/update"].Ops == 0 || wl.Kinds["leases/update"].Ops == 0 {
		t.Errorf("kinds %v lack pods/update or leases/update", wl.Kinds)
	}
	if p := wl.K8s.Resources["pods"]; p.Preloaded != 60 || p.WatchEvents != p.WatchExpected {
		t.Errorf("pods: %+v", p)
	}
}

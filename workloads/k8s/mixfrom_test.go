package k8s

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// savedMetrics is a real kube-apiserver's /metrics, two pages a minute
// apart (testdata/README.md says how it was made).
const savedMetrics = "testdata/kube-apiserver-v1.34.4-metrics.txt"

func readSaved(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(savedMetrics)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The saved page of a real apiserver gives the rates, counts and sizes of
// the resources a small cluster's control plane writes, each figure from
// the file where the metrics have it.
func TestReadMixFileOfARealAPIServer(t *testing.T) {
	m, err := ReadMixFile(bytes.NewReader(readSaved(t)), savedMetrics)
	if err != nil {
		t.Fatal(err)
	}
	if m.Window < 55*time.Second || m.Window > 70*time.Second {
		t.Errorf("window %v, want about the minute between the pages", m.Window)
	}
	byName := map[string]MixResource{}
	for _, r := range m.Resources {
		byName[r.Name] = r
	}
	for _, name := range []string{"pods", "leases.coordination.k8s.io", "events", "configmaps", "secrets", "deployments.apps", "replicasets.apps", "nodes"} {
		r, ok := byName[name]
		if !ok {
			t.Errorf("no %s in the mix: %v", name, names(m))
			continue
		}
		if r.ObjectsFrom != FromFile || r.Objects < 1 {
			t.Errorf("%s: %d objects from %s, want a count from the file", name, r.Objects, r.ObjectsFrom)
		}
		// The apiserver gives -1 for the events' size (it could not
		// estimate them): the model's then.
		wantFrom := FromFile
		if name == "events" {
			wantFrom = FromModel
		}
		if r.SizeFrom != wantFrom || r.MeanSize < 100 || r.MeanSize > 64<<10 {
			t.Errorf("%s: mean size %d from %s, want a plausible size from the %s", name, r.MeanSize, r.SizeFrom, wantFrom)
		}
		t.Logf("%-28s %4d objects of %5d B; %v", name, r.Objects, r.MeanSize, r.Rates)
	}
	// Three kubelets renew their Lease every 10 s, besides the controller
	// manager's, the scheduler's and the apiserver's own leases.
	if u := byName["leases.coordination.k8s.io"].Rates[MixUpdate]; u < 0.3 {
		t.Errorf("lease updates %.3f/s, want at least the three nodes' 0.3/s", u)
	}
	for _, op := range []string{MixCreate, MixUpdate, MixDelete} {
		if byName["pods"].Rates[op] <= 0 {
			t.Errorf("pods: no %s in a churn of Deployments scaled up and down", op)
		}
	}
	if byName["leases.coordination.k8s.io"].Segment != "leases" {
		t.Errorf("lease key segment %q, want the apiserver's leases", byName["leases.coordination.k8s.io"].Segment)
	}
	if m.Rate() <= 0 {
		t.Error("no total rate")
	}
}

func names(m Mix) []string {
	var ns []string
	for _, r := range m.Resources {
		ns = append(ns, r.Name)
	}
	return ns
}

// Pages that cannot make a rate are refused with what is wrong.
func TestMixFromPagesRefuses(t *testing.T) {
	page := func(n int) []byte {
		return []byte("# TYPE etcd_requests_total counter\n" +
			`etcd_requests_total{group="",operation="get",resource="pods"} ` + strings.Repeat("1", n) + "\n")
	}
	if _, err := MixFromPages(page(2), page(1), time.Minute, "x"); err == nil || !strings.Contains(err.Error(), "went down") {
		t.Errorf("counter reset: %v", err)
	}
	if _, err := MixFromPages(page(1), page(1), time.Minute, "x"); err == nil || !strings.Contains(err.Error(), "no etcd request") {
		t.Errorf("no change: %v", err)
	}
	if _, err := ReadMixFile(strings.NewReader("up 1\n# scraped_at 1\n"+string(page(1))+"# scraped_at 2\n"+string(page(2))), "x"); err == nil ||
		!strings.Contains(err.Error(), "line 1: metrics before the first") {
		t.Errorf("a page without its time: %v", err)
	}
	m, err := MixFromPages(page(1), page(2), 10*time.Second, "x")
	if err != nil || len(m.Resources) != 1 || m.Resources[0].Rates[MixGet] != 1 || m.Resources[0].ObjectsFrom != FromModel || m.Resources[0].SizeFrom != FromModel {
		t.Errorf("10 gets in 10 s without counts or sizes: %+v, %v", m, err)
	}
}

// FuzzReadMixFile feeds the --mix-from file reader arbitrary text: a bad
// file must be an error, never a crash, and what it accepts must make a
// replay or an error.
func FuzzReadMixFile(f *testing.F) {
	if b, err := os.ReadFile(savedMetrics); err == nil {
		f.Add(b)
	}
	f.Add([]byte("# scraped_at 1\netcd_requests_total{operation=\"get\",resource=\"pods\"} 1\n# scraped_at 2\netcd_requests_total{operation=\"get\",resource=\"pods\"} 3\n"))
	f.Add([]byte("# scraped_at 1\n# scraped_at 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadMixFile(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		m.Stats()
		if r, err := NewReplay(ReplayOptions{Prefix: "/fuzz/", Mix: m, ListLimit: ListLimit}); err == nil {
			r.Kinds()
			r.mix.pick()
		}
	})
}

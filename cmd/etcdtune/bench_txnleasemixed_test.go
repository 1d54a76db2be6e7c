package main

import (
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads"
)

// runJSON runs etcdtune with -o json against an embedded etcd and returns
// its one workload.
func runJSON(t *testing.T, args ...string) *result.Workload {
	t.Helper()
	r := etcdtune(t, nil, append(args, "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	res, err := result.Read(strings.NewReader(r.stdout))
	if err != nil || len(res.Workloads) != 1 {
		t.Fatalf("not a result file of one workload: %v\n%s", err, r.stdout)
	}
	return res.Workloads[0]
}

// bench txn counts its compare-and-swap outcomes in the result file.
func TestBenchTxnCounters(t *testing.T) {
	w := runJSON(t, "bench", "txn", "--total", "300", "--clients", "8", "--conns", "2", "--key-space", "4")
	c := w.Counters
	if w.Ops != 300 || c[workloads.CounterCASUpdates] != 300 ||
		c[workloads.CounterCASUpdates]+c[workloads.CounterCASConflicts] != c[workloads.CounterCASTxns] {
		t.Errorf("ops %d, counters %v", w.Ops, c)
	}
}

// bench mixed has a histogram per kind, and the kinds add up.
func TestBenchMixedKinds(t *testing.T) {
	w := runJSON(t, "bench", "mixed", "--total", "300", "--clients", "4", "--conns", "2", "--key-space", "100",
		"--read-ratio", "0.5", "--txn-ratio", "0.2")
	var sum int64
	for _, k := range []string{"range", "put", "txn"} {
		if w.Kinds[k].Histogram == "" && w.Kinds[k].Ops > 0 {
			t.Errorf("kind %s has no histogram", k)
		}
		sum += w.Kinds[k].Ops
	}
	if len(w.Kinds) != 3 || sum != 300 {
		t.Errorf("kinds %v add up to %d, want 300", w.Kinds, sum)
	}
}

// bench lease --expire shows the burst in the text summary: every key's
// delete event seen.
func TestBenchLeaseExpiry(t *testing.T) {
	r := etcdtune(t, nil, "bench", "lease", "--total", "100", "--clients", "4", "--conns", "2",
		"--expire", "50", "--expire-ttl", "2")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"expire_delete_events 50", "expire_events_missing 0", "expire_keys_left 0", "keepalive", "expiry"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
}

package main

import (
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

// bench watch against a cluster: the result file holds the watch figures,
// intact, and the summary shows them.
func TestBenchWatchRun(t *testing.T) {
	e := etcdtest.Embedded(t)
	args := []string{"bench", "watch", "--endpoints", strings.Join(e.Endpoints(), ","), "--conns", "2",
		"--watchers", "50", "--streams", "4", "--put-total", "300", "--put-rate", "300", "--key-space", "20"}
	out := t.TempDir() + "/watch.json"
	r := etcdtune(t, nil, append(args, "--out", out)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"delivery", "15000 expected, 15000 received, 0 missing, 0 duplicated, 0 out of order"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	res, err := result.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	w := res.Workloads[0].Watch
	if w == nil || w.Watchers != 50 || w.Streams != 4 || w.EventsReceived != 50*300 || w.DeliveryHistogram == "" {
		t.Errorf("watch figures: %+v", w)
	}
	if res.Workloads[0].Mode != "open" || res.Workloads[0].Ops != 300 {
		t.Errorf("the driver: mode %s, %d puts; want 300 open-loop puts", res.Workloads[0].Mode, res.Workloads[0].Ops)
	}
}

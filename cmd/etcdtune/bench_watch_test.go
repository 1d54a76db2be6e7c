package main

import (
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

func TestBenchWatchBadInputExits2(t *testing.T) {
	assertRefused(t, []string{"bench", "watch", "--put-total", "10", "--watchers", "2"}, []refusedArgs{
		{[]string{"--watchers", "10", "--streams", "20"}, "--streams 20 is more than --watchers 10"},
		{[]string{"--watchers", "0"}, "--watchers"},
		{[]string{"--scope", "all"}, "--scope"},
		{[]string{"--scope", "key", "--keys", "20", "--key-space", "10"}, "--keys"},
		{[]string{"--val-size", "4"}, "--val-size"},
		{[]string{"--history", "5", "--from-rev", "2"}, "--history or --from-rev"},
		{[]string{"--slow-watchers", "-1"}, "--slow-watchers"},
		// Checked against the (embedded, fresh) cluster once connected.
		{[]string{"--history", "1000000"}, "--history 1000000 is deeper than the cluster's current revision"},
		{[]string{"--from-rev", "1000000"}, "--from-rev 1000000 is ahead of the cluster's current revision"},
	})
}

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

package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

// An endpoint whose metrics URL serves no etcd metrics is the target's
// fault (exit 3); a wrong number of metrics URLs is the user's (exit 2).
func TestProbeNetMetricsErrors(t *testing.T) {
	e := etcdtest.Embedded(t)
	ep := e.Endpoints()[0]
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	notEtcd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("go_goroutines 3\n"))
	}))
	defer notEtcd.Close()
	for _, probe := range [][]string{{"rtt", "--samples=5"}, {"cluster", "--window=1s"}} {
		for _, url := range []string{notFound.URL + "/metrics", notEtcd.URL + "/metrics", "http://127.0.0.1:1/metrics"} {
			args := append([]string{"probe"}, probe...)
			r := etcdtune(t, nil, append(args, "--endpoints", ep, "--metrics-urls", url)...)
			assertOneLineError(t, r, exitUnusable, "no etcd metrics at "+url)
		}
	}
	r := etcdtune(t, nil, "probe", "rtt", "--endpoints", ep, "--metrics-urls", e.MetricsURL()+","+e.MetricsURL())
	assertOneLineError(t, r, exitBadInput, "--metrics-urls")
}

// The three probes against an embedded etcd, -o json: each prints the
// object of the result file, and backup leaves no file behind.
func TestProbeNetJSON(t *testing.T) {
	e := etcdtest.Embedded(t)
	ep := e.Endpoints()[0]
	metrics := "--metrics-urls=" + e.MetricsURL()

	var rtt result.RTT
	runFinding(t, &rtt, "probe", "rtt", "--endpoints", ep, metrics, "--samples", "50", "-o", "json")
	if len(rtt.Members) != 1 || rtt.Members[0].Samples != 50 || rtt.Members[0].P50 <= 0 || rtt.Members[0].P50 > rtt.Members[0].Max {
		t.Errorf("rtt %+v", rtt.Members)
	}

	var cl result.Cluster
	runFinding(t, &cl, "probe", "cluster", "--endpoints", ep, metrics, "--window", "1s", "-o", "json")
	if len(cl.Members) != 1 || !cl.Members[0].IsLeader || cl.Window == nil || len(cl.Window.Members) != 1 || !cl.Window.Members[0].HasLeader {
		t.Errorf("cluster %+v", cl)
	}

	dir := t.TempDir()
	var b result.Backup
	runFinding(t, &b, "probe", "backup", "--endpoints", ep, "--dir", dir, "--baseline", "500ms", "-o", "json")
	if b.Bytes <= 0 || b.Endpoint != ep {
		t.Errorf("backup %+v", b)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("backup left %s behind", left[0].Name())
	}
	r := etcdtune(t, nil, "probe", "backup", "--endpoints", ep, "--discard", "--baseline", "200ms")
	if r.code != 0 || !strings.Contains(r.stdout, "discarded") {
		t.Errorf("backup --discard: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/internal/k8stest"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

// savedAPIServerMetrics is a real kube-apiserver's /metrics, two pages a
// minute apart (workloads/k8s/testdata/README.md says how it was made).
const savedAPIServerMetrics = "../../workloads/k8s/testdata/kube-apiserver-v1.34.4-metrics.txt"

// mixTolerance is how far the replay's rate of an operation may be from
// the real control plane's (the 15%).
const mixTolerance = 0.15

// mixMinRequests is the fewest requests of an operation in the window for
// its rate to be compared. The control plane's requests come in bursts
// (each churn step), and the test's two pages and the command's are a few
// hundred milliseconds apart: below 40, one burst more or less in a
// window is over 15%.
const mixMinRequests = 40

// The must-show test of --mix-from: a real control plane (3 hollow nodes,
// Deployments scaled up and down, ConfigMaps and Secrets rewritten) runs;
// bench k8s --mix-from its /metrics URL reads two pages --mix-window apart
// and replays that mix on the embedded etcd for as long; the test reads
// the apiserver's /metrics itself at the same two moments. Every
// resource/operation of at least mixMinRequests real requests must be
// replayed within 15% of the real rate.
func TestBenchK8sMixFromReplaysARealControlPlane(t *testing.T) {
	c := k8stest.Start(t, k8stest.Config{Nodes: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ch := k8stest.Churn{Namespace: "churn", Deployments: 3, Replicas: 8, ConfigMaps: 10, Secrets: 10, DataBytes: 1024, Period: 2 * time.Second}
	if err := c.Setup(ctx, ch); err != nil {
		t.Fatal(err)
	}
	cctx, stopChurn := context.WithCancel(ctx)
	churned := make(chan error, 1)
	go func() { churned <- c.Run(cctx, ch) }()
	defer func() {
		stopChurn()
		if err := <-churned; err != nil {
			t.Errorf("churn: %v", err)
		}
	}()
	time.Sleep(10 * time.Second) // past the first scale-up's burst

	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte(c.Token), 0o600); err != nil {
		t.Fatal(err)
	}
	const window = 30 * time.Second
	out := filepath.Join(dir, "replay.json")
	first, err := c.Client().Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ran := make(chan runResult, 1)
	go func() {
		ran <- etcdtune(t, nil, "bench", "k8s", "--mix-from", c.URL+"/metrics", "--mix-cacert", c.CAFile,
			"--mix-token-file", token, "--mix-window", window.String(), "--duration", window.String(),
			"-o", "json", "--out", out)
	}()
	time.Sleep(window)
	second, err := c.Client().Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	real, err := k8s.MixFromPages(first, second, time.Since(start), "test")
	if err != nil {
		t.Fatal(err)
	}
	r := <-ran
	if r.code != 0 {
		t.Fatalf("bench k8s --mix-from: exit %d: %s", r.code, r.stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := result.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	wl := res.Workloads[0]
	if wl.Errors != 0 || wl.K8s == nil || wl.K8s.MixFrom == nil {
		t.Fatalf("replay: %d errors, k8s %+v", wl.Errors, wl.K8s)
	}
	var lines []string
	compared, worst := 0, 0.0
	for _, rr := range real.Resources {
		for op, rate := range rr.Rates {
			kind := rr.Name + "/" + op
			n := rate * real.Window.Seconds()
			got := float64(wl.Kinds[kind].Ops) / wl.DurationS
			diff := math.Abs(got-rate) / rate
			line := kind + ": real " + fmtRate(rate) + ", replayed " + fmtRate(got)
			if n < mixMinRequests {
				lines = append(lines, line+" (not compared: too few requests)")
				continue
			}
			compared++
			worst = max(worst, diff)
			lines = append(lines, line)
			if diff > mixTolerance {
				t.Errorf("%s: replayed %.3f/s, real %.3f/s: %.0f%% off (limit 15%%)", kind, got, rate, 100*diff)
			}
		}
	}
	sort.Strings(lines)
	t.Logf("the real control plane's etcd requests over %v and the replay's (%d compared, the farthest %.1f%% off):\n%s",
		real.Window.Round(time.Second), compared, 100*worst, strings.Join(lines, "\n"))
	if compared < 4 {
		t.Errorf("only %d resource/operations with %d requests or more: the churn is too small to test the replay", compared, mixMinRequests)
	}
	if wl.K8s.MixFrom.Source != c.URL+"/metrics" {
		t.Errorf("mix_from.source = %q", wl.K8s.MixFrom.Source)
	}
}

func fmtRate(r float64) string { return strconv.FormatFloat(r, 'f', 3, 64) + "/s" }

// A saved real page replays on the embedded etcd with no control plane,
// and the result says which figures came from the file.
func TestBenchK8sMixFromFile(t *testing.T) {
	r := etcdtune(t, nil, "bench", "k8s", "--mix-from", savedAPIServerMetrics, "--rate", "200", "--total", "300", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	res, err := result.Read(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	wl := res.Workloads[0]
	mf := wl.K8s.MixFrom
	if wl.Errors != 0 || mf == nil || mf.Source != savedAPIServerMetrics || mf.WindowS < 30 {
		t.Fatalf("errors %d, mix_from %+v", wl.Errors, mf)
	}
	leases, ok := mf.Resources["leases.coordination.k8s.io"]
	if !ok || leases.RatesFrom != k8s.FromFile || leases.ObjectsFrom != k8s.FromFile || leases.RatesOpsS["update"] <= 0 {
		t.Errorf("leases: %+v", leases)
	}
	if wl.Kinds["leases.coordination.k8s.io/update"].Ops == 0 {
		t.Errorf("no lease update replayed: kinds %v", wl.Kinds)
	}
}

func TestBenchK8sMixFromRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	page, err := os.ReadFile(savedAPIServerMetrics)
	if err != nil {
		t.Fatal(err)
	}
	firstPage := strings.SplitN(string(page), "\n# scraped_at ", 2)[0]
	assertRefused(t, []string{"bench", "k8s"}, []refusedArgs{
		{[]string{"--mix-from", filepath.Join(dir, "missing")}, "--mix-from: open"},
		{[]string{"--mix-from", write("one", firstPage)}, "one page of /metrics"},
		{[]string{"--mix-from", write("bare", "etcd_requests_total 1\n")}, `no "# scraped_at" line`},
		{[]string{"--mix-from", write("etcd", "# scraped_at 1\netcd_server_has_leader 1\n# scraped_at 2\netcd_server_has_leader 1\n")}, "not a kube-apiserver's /metrics"},
		{[]string{"--mix-from", write("garbage", "# scraped_at 1\n{{{\n# scraped_at 2\n{{{\n")}, "not Prometheus text"},
		{[]string{"--mix-from", write("when", "# scraped_at soon\n")}, "want # scraped_at <unix seconds>"},
		{[]string{"--mix-from", savedAPIServerMetrics, "--nodes", "5"}, "--nodes does not go with --mix-from"},
		{[]string{"--mix-from", savedAPIServerMetrics, "--mix-window", "10s"}, "--mix-window goes with a --mix-from URL"},
		{[]string{"--mix-window", "10s"}, "--mix-window goes with --mix-from"},
		{[]string{"--mix-from", "https://127.0.0.1:1/metrics", "--mix-cacert", filepath.Join(dir, "missing")}, "--mix-cacert"},
		{[]string{"--mix-from", "https://127.0.0.1:1/metrics", "--mix-window", "10ms"}, "--mix-window must be at least 1s"},
	})
	// An apiserver that does not answer is the target unusable.
	r := etcdtune(t, nil, "bench", "k8s", "--mix-from", "http://127.0.0.1:1/metrics", "--mix-window", "1s")
	assertOneLineError(t, r, exitUnusable, "--mix-from http://127.0.0.1:1/metrics")
}

// --find-max over a replay says how many times the live traffic fits: the
// search starts at the mix's own rate and doubles it.
func TestBenchK8sMixFromFindMax(t *testing.T) {
	r := etcdtune(t, nil, "bench", "k8s", "--mix-from", savedAPIServerMetrics, "--find-max", "--step", "1s",
		"--step-warmup", "0s", "--max-steps", "3", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	res, err := result.Read(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	wl := res.Workloads[0]
	if wl.Capacity == nil || wl.K8s == nil || wl.K8s.MixFrom == nil {
		t.Fatalf("capacity %+v, k8s %+v", wl.Capacity, wl.K8s)
	}
	mf := wl.K8s.MixFrom
	// Three passing steps from the mix's rate: 1, 2 and 4 times it.
	if got := mf.FitsTimes * mf.RateOpsS; math.Abs(got-wl.Capacity.MaxRateOpsS) > 1e-6 || mf.FitsTimes < 1 {
		t.Errorf("fits %.2f times %.1f/s, capacity %.1f/s", mf.FitsTimes, mf.RateOpsS, wl.Capacity.MaxRateOpsS)
	}
	if first := wl.Capacity.Steps[0].TargetRate; math.Abs(first-mf.RateOpsS) > 1e-6 {
		t.Errorf("first step at %.1f/s, want the mix's %.1f/s", first, mf.RateOpsS)
	}
	if !strings.Contains(r.stderr, "your current traffic") || !strings.Contains(r.stderr, "times on this etcd") {
		t.Errorf("stderr lacks the fits line: %s", r.stderr)
	}
}

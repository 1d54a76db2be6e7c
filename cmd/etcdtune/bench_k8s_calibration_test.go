package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/internal/k8stest"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

// calibration is one figure of the profile measured on the real control
// plane beside the profile's own.
type calibration struct {
	figure      string
	real, model float64
	limit       float64 // the largest relative difference allowed; 0: measured, not checked
}

// TestBenchK8sProfileAgainstARealControlPlane measures on the real control
// plane (3 hollow nodes) what the profile models, and sets it beside the
// profile at the same scale (bench k8s run in real time for the write
// rates, the sizes the profile writes): the median stored size of each resource the
// control plane writes itself (read from its etcd), the writes per pod
// start (30 pods of a Deployment started at once) and the lease renewals
// of a cluster at rest. The figures the README marks "measured" must stay
// within 25% of the real; the others are logged, as estimates.
func TestBenchK8sProfileAgainstARealControlPlane(t *testing.T) {
	nodes := 3
	// A larger scale by hand (not in CI: a hollow node is a process):
	// ETCDTUNE_K8S_CALIBRATION_NODES=10.
	if v, err := strconv.Atoi(os.Getenv("ETCDTUNE_K8S_CALIBRATION_NODES")); err == nil && v > 0 {
		nodes = v
	}
	pods := 10 * nodes
	c := k8stest.Start(t, k8stest.Config{Nodes: nodes})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cli := etcdtest.Client(t, c.EtcdEndpoint)
	page := func() []byte {
		b, err := c.Client().Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// A cluster at rest: lease renewals only.
	const rest = 30 * time.Second
	before, start := page(), time.Now()
	time.Sleep(rest)
	atRest, err := k8s.MixFromPages(before, page(), time.Since(start), "rest")
	if err != nil {
		t.Fatal(err)
	}

	// 30 pod starts at once, until all are Ready and written.
	before = page()
	ch := k8stest.Churn{Namespace: "calib", Deployments: 1, Replicas: pods, Period: time.Hour}
	if err := c.Setup(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReplicas(ctx, "calib", "churn-0", pods); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second) // the last status writes and events
	starts, err := k8s.MixFromPages(before, page(), time.Minute, "starts")
	if err != nil {
		t.Fatal(err)
	}
	perStart := func(name, op string) float64 {
		for _, r := range starts.Resources {
			if r.Name == name {
				return r.Rates[op] * time.Minute.Seconds() / float64(pods)
			}
		}
		return 0
	}
	rate := func(m k8s.Mix, name, op string) float64 {
		for _, r := range m.Resources {
			if r.Name == name {
				return r.Rates[op]
			}
		}
		return 0
	}

	profile := k8s.Options{Prefix: "/p/", Nodes: nodes, PodsPerNode: pods / nodes, ListLimit: k8s.ListLimit,
		ListEvery: time.Minute, MaxObjectSize: k8s.MaxObjectSize}
	// bench k8s at the same scale, in real time (--rate: the profile's
	// own), for its lease renewals.
	const benchFor = 20 * time.Second
	r := etcdtune(t, nil, "bench", "k8s", "--nodes", strconv.Itoa(nodes), "--pods-per-node", strconv.Itoa(pods/nodes),
		"--rate", strconv.FormatFloat(profile.Rate(), 'f', 3, 64), "--duration", benchFor.String(), "-o", "json")
	if r.code != 0 {
		t.Fatalf("bench k8s: exit %d: %s", r.code, r.stderr)
	}
	res, err := result.Read(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	bench := res.Workloads[0]
	sizes := map[string]string{"pods": "/registry/pods/calib/", "leases": "/registry/leases/kube-node-lease/",
		"events": "/registry/events/calib/", "configmaps": "/registry/configmaps/calib/"}
	var rows []calibration
	for _, res := range []string{"pods", "leases", "events", "configmaps"} {
		rows = append(rows, calibration{figure: res + " median size, B", real: medianSize(ctx, t, cli, sizes[res]),
			model: float64(profile.MedianSize(res)), limit: calibrationLimit(res + " size")})
	}
	rows = append(rows,
		calibration{"pod writes per pod start (create + updates)", perStart("pods", k8s.MixCreate) + perStart("pods", k8s.MixUpdate),
			1 + k8s.UpdatesPerPodStart, calibrationLimit("pod writes")},
		calibration{"events per pod start", perStart("events", k8s.MixCreate) + perStart("events", k8s.MixUpdate),
			k8s.EventsPerPodStart, calibrationLimit("events")},
		calibration{"lease renewals per second at rest", rate(atRest, "leases.coordination.k8s.io", k8s.MixUpdate),
			float64(bench.K8s.Resources["leases"].Updated) / bench.DurationS, calibrationLimit("lease renewals")},
	)
	var table strings.Builder
	fmt.Fprintf(&table, "%-46s %10s %10s %7s\n", "figure", "real", "profile", "off")
	for _, r := range rows {
		off := math.Abs(r.model-r.real) / r.real
		mark := "estimate"
		if r.limit > 0 {
			mark = "measured"
			if off > r.limit {
				t.Errorf("%s: profile %.2f, real %.2f: %.0f%% off (limit %.0f%%)", r.figure, r.model, r.real, 100*off, 100*r.limit)
			}
		}
		fmt.Fprintf(&table, "%-46s %10.2f %10.2f %6.0f%% %s\n", r.figure, r.real, r.model, 100*off, mark)
	}
	t.Logf("kube-apiserver %s, %d hollow nodes, %d pods:\n%s", k8stest.Version, nodes, pods, table.String())
}

// calibrationLimit is 25% for the figures the profile takes from this
// measurement (the README marks them "measured"), 0 for estimates.
func calibrationLimit(figure string) float64 {
	switch figure {
	case "leases size", "lease renewals", "events size":
		return 0.25
	}
	return 0
}

// medianSize is the median value size of the keys under prefix.
func medianSize(ctx context.Context, t *testing.T, cli *clientv3.Client, prefix string) float64 {
	t.Helper()
	resp, err := cli.Get(ctx, prefix, clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) == 0 {
		t.Fatalf("no keys under %s", prefix)
	}
	var s []int
	for _, kv := range resp.Kvs {
		s = append(s, len(kv.Value))
	}
	sort.Ints(s)
	return float64(s[len(s)/2])
}

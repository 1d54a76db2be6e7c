package k8stest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/internal/k8stest"
)

// envSaveMetrics, set to a path, makes TestControlPlaneRunsADeployment
// churn for a minute and save two pages of the apiserver's /metrics there,
// each after a "# scraped_at" line: how workloads/k8s/testdata's page was made.
const envSaveMetrics = "ETCDTUNE_K8S_SAVE_METRICS"

// TestControlPlaneRunsADeployment starts the real control plane with three
// hollow nodes and runs a Deployment of six replicas to Ready, as a user
// would check a new cluster.
func TestControlPlaneRunsADeployment(t *testing.T) {
	c := k8stest.Start(t, k8stest.Config{Nodes: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	ch := k8stest.Churn{Namespace: "churn", Deployments: 2, Replicas: 6, ConfigMaps: 4, Secrets: 4, DataBytes: 512, Period: 5 * time.Second}
	if err := c.Setup(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReplicas(ctx, "churn", "churn-0", 6); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Client().ReadyNodes(ctx); err != nil || n != 3 {
		t.Fatalf("Ready nodes: %d, %v; want 3", n, err)
	}
	path := os.Getenv(envSaveMetrics)
	if path == "" {
		return
	}
	cctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(cctx, ch) }()
	// Past the first churn steps and two refreshes of the object counts.
	time.Sleep(2*k8stest.CountPollPeriod + 5*time.Second)
	var out bytes.Buffer
	for i := range 2 {
		if i > 0 {
			time.Sleep(time.Minute)
		}
		page, err := c.Client().Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "# scraped_at %.3f\n", float64(time.Now().UnixNano())/1e9)
		out.Write(page)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved two pages of /metrics, a minute apart, to %s", path)
}

// Version is the release k8s/reference/go.mod pins (.ci/run reads the
// cache folder's name from there).
func TestVersionIsTheReferencePin(t *testing.T) {
	b, err := os.ReadFile("../../k8s/reference/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("\tk8s.io/kubernetes "+k8stest.Version+"\n")) {
		t.Errorf("k8s/reference/go.mod does not require k8s.io/kubernetes %s", k8stest.Version)
	}
}

// TestBuild builds the control plane into the cache (make k8s-reference)
// and checks that every binary reports the version: unset, the servers
// say v0.0.0-master and clients refuse them.
func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Kubernetes (skipped with -short)")
	}
	if os.Getenv(k8stest.EnvSkip) == "1" {
		t.Skip(k8stest.EnvSkip + "=1")
	}
	start := time.Now()
	bins, err := k8stest.Build(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built or found in the cache in %v", time.Since(start).Round(time.Second))
	for _, bin := range []string{bins.APIServer, bins.ControllerManager, bins.Scheduler} {
		out, err := exec.Command(bin, "--version").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Kubernetes "+k8stest.Version) {
			t.Errorf("%s --version: %q, %v; want Kubernetes %s", bin, out, err, k8stest.Version)
		}
	}
}

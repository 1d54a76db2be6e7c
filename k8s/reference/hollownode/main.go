// Command hollownode runs one of kubemark's hollow kubelets against a
// kube-apiserver for etcdtune's tests. Upstream kubemark binds the kubelet to
// 0.0.0.0 and reaches for a containerd socket for images; this runner binds
// every port it opens to 127.0.0.1 (or disables it) and uses kubemark's fake
// runtime and image service, so a test machine needs nothing but this binary.
// One process per node: a kubelet keeps process-wide state (metrics, feature
// gates, klog), which is why kubemark runs them one per pod as well.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/trace/noop"
	clientset "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/component-base/version"
	remote "k8s.io/cri-client/pkg"
	fakeremote "k8s.io/cri-client/pkg/fake"
	"k8s.io/klog/v2"
	cadvisortest "k8s.io/kubernetes/pkg/kubelet/cadvisor/testing"
	"k8s.io/kubernetes/pkg/kubelet/cm"
	"k8s.io/kubernetes/pkg/kubemark"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the apiserver (required)")
	name := flag.String("name", "", "node name (required)")
	port := flag.Int("port", 0, "kubelet port on 127.0.0.1 (required, one per node)")
	maxPods := flag.Int("max-pods", 110, "pods this node accepts")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" || *name == "" || *port == 0 {
		fmt.Fprintln(os.Stderr, "hollownode: --kubeconfig, --name and --port are required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, *kubeconfig, *name, *port, *maxPods); err != nil {
		fmt.Fprintln(os.Stderr, "hollownode:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig, name string, port, maxPods int) error {
	klog.Infof("hollownode %s, version %s", name, version.Get().GitVersion)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	// As kubemark: protobuf, the kubelet's own QPS, a user agent that
	// tells its requests apart in the apiserver's metrics.
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.QPS, cfg.Burst = 10, 20
	cfg.UserAgent = "hollow-kubelet"
	client, err := clientset.NewForConfig(cfg)
	if err != nil {
		return err
	}

	f, c := kubemark.GetHollowKubeletConfig(&kubemark.HollowKubeletOptions{
		NodeName: name, KubeletPort: port, KubeletReadOnlyPort: 0, MaxPods: maxPods,
		NodeLabels: map[string]string{"etcdtune.io/hollow": "true"},
	})
	// Loopback only: the kubelet's server, its healthz, and no read-only port.
	c.Address = "127.0.0.1"
	c.HealthzBindAddress = "127.0.0.1"
	c.HealthzPort = 0
	c.ReadOnlyPort = 0

	hb := *cfg
	hb.Timeout = c.NodeStatusUpdateFrequency.Duration
	if lease := time.Duration(c.NodeLeaseDurationSeconds) * time.Second; hb.Timeout > lease {
		hb.Timeout = lease
	}
	hb.QPS = -1
	heartbeat, err := clientset.NewForConfig(&hb)
	if err != nil {
		return err
	}

	endpoint, err := fakeremote.GenerateEndpoint()
	if err != nil {
		return fmt.Errorf("fake runtime endpoint: %w", err)
	}
	fake := fakeremote.NewFakeRemoteRuntime()
	if err := fake.Start(endpoint); err != nil {
		return fmt.Errorf("fake runtime: %w", err)
	}
	defer fake.Stop()
	logger := klog.Background()
	runtimeService, err := remote.NewRemoteRuntimeService(endpoint, 15*time.Second, noop.NewTracerProvider(), &logger)
	if err != nil {
		return fmt.Errorf("runtime service: %w", err)
	}

	hk := kubemark.NewHollowKubelet(f, c, client, heartbeat,
		&cadvisortest.Fake{NodeName: name}, fake.ImageService, runtimeService, cm.NewStubContainerManager())
	// kubemark gives the kubelet a FakeRecorder, which drops its events
	// (Pulled, Created, Started, Killing, ...) and spares its OOM watcher
	// from reading /dev/kmsg. A real kubelet writes them, a large share of
	// what a cluster stores, so this one does too where /dev/kmsg can be
	// read (the kubelet then makes its recorder itself, as a real one).
	if k, err := os.Open("/dev/kmsg"); err == nil {
		k.Close()
		hk.KubeletDeps.Recorder = nil
		hk.KubeletDeps.EventClient = client.CoreV1()
	} else {
		klog.Warningf("hollownode %s records no kubelet events: %v", name, err)
	}
	go hk.Run(ctx)
	<-ctx.Done()
	return nil
}

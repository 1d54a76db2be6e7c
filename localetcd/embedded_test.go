package localetcd

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// newTestClient connects to endpoints with a quiet logger and closes the
// client when the test ends.
func newTestClient(t *testing.T, endpoints []string) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   endpoints,
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		t.Fatalf("connect to %v: %v", endpoints, err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// testContext is a context that ends with the test or after d.
func testContext(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestEmbeddedPutGetStop(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	logFile := filepath.Join(t.TempDir(), "etcd.log")
	m, err := StartEmbedded(ctx, EmbeddedConfig{DataDir: t.TempDir(), LogFile: logFile, LogLevel: "info"})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Endpoints(); len(got) != 1 || !strings.HasPrefix(got[0], "http://127.0.0.1:") {
		t.Errorf("Endpoints() = %v, want one loopback URL", got)
	}
	if m.Version() != EtcdVersion() || m.Version() == "" {
		t.Errorf("Version() = %q, EtcdVersion() = %q", m.Version(), EtcdVersion())
	}

	cli := newTestClient(t, m.Endpoints())
	if _, err := cli.Put(ctx, "/etcdtune/k", "v"); err != nil {
		t.Fatalf("put: %v", err)
	}
	resp, err := cli.Get(ctx, "/etcdtune/k")
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
		t.Fatalf("get = %v, %v; want v", resp, err)
	}
	assertMetrics(t, m.MetricsURL())

	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	assertFileContains(t, logFile, "closed etcd server")
}

func TestStartEmbeddedRejectsBadConfig(t *testing.T) {
	ctx := testContext(t, 5*time.Second)
	if _, err := StartEmbedded(ctx, EmbeddedConfig{}); err == nil {
		t.Error("no data dir: want an error")
	}
	// etcd itself panics on an unknown level; the config check must catch it.
	if _, err := StartEmbedded(ctx, EmbeddedConfig{DataDir: t.TempDir(), LogLevel: "loud"}); err == nil {
		t.Error("bad log level: want an error")
	}
}

// assertMetrics checks that url serves etcd's Prometheus metrics.
func assertMetrics(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	var body strings.Builder
	if _, err := io.Copy(&body, resp.Body); err != nil {
		t.Fatalf("read metrics: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(body.String(), "etcd_server_has_leader") {
		t.Errorf("GET %s: status %d, want etcd metrics", url, resp.StatusCode)
	}
}

// assertFileContains checks that the file at path holds want.
func assertFileContains(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if !strings.Contains(string(b), want) {
		t.Errorf("%s does not contain %q", path, want)
	}
}

// TestEmbeddedCloseWithoutQuorum covers a member that never becomes ready
// (its peer never starts): embed's own Close would wait forever for client
// servers that are only created once the member is ready.
func TestEmbeddedCloseWithoutQuorum(t *testing.T) {
	ports, err := pickMemberPorts(2)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := EmbeddedConfig{DataDir: t.TempDir(), Name: "a"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	spec := clusterSpec{initialCluster: "a=" + loopbackURL(ports[0].peer) + ",b=" + loopbackURL(ports[1].peer)}
	m, err := launchEmbedded(cfg, ports[0], spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.waitReady(testContext(t, 300*time.Millisecond)); err == nil {
		t.Error("a member without quorum became ready")
	}
	start := time.Now()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("close took %s", d)
	}
}

// assertFileLacks checks that the file at path does not hold unwanted.
func assertFileLacks(t *testing.T, path, unwanted string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if strings.Contains(string(b), unwanted) {
		t.Errorf("%s contains %q", path, unwanted)
	}
}

// TestEmbeddedRestartsOnItsDataDir covers a second run on the same data
// dir: the ports are new, the member and its data are the same.
func TestEmbeddedRestartsOnItsDataDir(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	cfg := EmbeddedConfig{DataDir: t.TempDir()}
	first, err := StartEmbedded(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newTestClient(t, first.Endpoints()).Put(ctx, "/etcdtune/kept", "yes"); err != nil {
		t.Fatalf("put: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second, err := StartEmbedded(ctx, cfg)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	t.Cleanup(func() { second.Close() })
	resp, err := newTestClient(t, second.Endpoints()).Get(ctx, "/etcdtune/kept")
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("get after restart = %v, %v; want the key", resp, err)
	}
}

package k8stest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/internal/testpki"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// EnvSkip, set to 1, skips the tests that start a control plane (for a CI
// run that has no time for its first build; see the README).
const EnvSkip = "ETCDTUNE_SKIP_K8S"

// Timeouts of the start: the build, the first time, takes about six minutes
// on 2 cores; the components start in seconds, the nodes' first Ready
// takes up to a minute on a busy machine.
const (
	buildTimeout = 25 * time.Minute
	readyTimeout = 3 * time.Minute
)

// CountPollPeriod is how often the apiserver refreshes the object counts
// and sizes of its /metrics (its --etcd-count-metric-poll-period).
const CountPollPeriod = 10 * time.Second

// Config is the control plane a test wants.
type Config struct {
	Nodes        int // hollow nodes, 0 for none
	MaxPods      int // pods per node; kubelet's 110 when 0
	ExtraAPIArgs []string
}

// Cluster is a running control plane.
type Cluster struct {
	// URL is the apiserver's https URL on 127.0.0.1; CAFile verifies it and
	// Token is accepted as a member of system:masters.
	URL, CAFile, Token string
	// EtcdEndpoint is the etcd the apiserver stores into (its objects are
	// under /registry/), EtcdMetricsURL that etcd's /metrics.
	EtcdEndpoint, EtcdMetricsURL string
	Nodes                        []string
	dir                          string
	procs                        []*proc
	client                       *Client
}

// proc is one component's process and where its log goes.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// Start builds (once) and starts a control plane for t, waits until the
// apiserver is healthy and every node is Ready, and stops it when t ends.
// It skips under -short and with ETCDTUNE_SKIP_K8S=1.
func Start(t testing.TB, cfg Config) *Cluster {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a Kubernetes control plane (skipped with -short)")
	}
	if os.Getenv(EnvSkip) == "1" {
		t.Skip(EnvSkip + "=1: no Kubernetes control plane")
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	start := time.Now()
	bins, err := Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Logf("built Kubernetes %s in %v", Version, d.Round(time.Second))
	}
	etcd := etcdtest.Embedded(t)
	c := &Cluster{dir: t.TempDir(), EtcdEndpoint: etcd.Endpoints()[0], EtcdMetricsURL: etcd.MetricsURL()}
	t.Cleanup(func() {
		if err := c.stop(); err != nil {
			t.Log(err)
		}
		if t.Failed() {
			c.logTails(t)
		}
	})
	rctx, rcancel := context.WithTimeout(context.Background(), readyTimeout)
	defer rcancel()
	if err := c.start(rctx, bins, cfg); err != nil {
		t.Fatal(err)
	}
	t.Logf("Kubernetes %s: apiserver %s, %d hollow nodes Ready, in %v", Version, c.URL, cfg.Nodes, time.Since(start).Round(time.Second))
	return c
}

// Client is a client of the cluster's apiserver.
func (c *Cluster) Client() *Client { return c.client }

func (c *Cluster) start(ctx context.Context, bins Binaries, cfg Config) error {
	if err := c.writeCredentials(); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.URL = "https://127.0.0.1:" + strconv.Itoa(port)
	kubeconfig := filepath.Join(c.dir, "kubeconfig")
	if err := c.writeKubeconfig(kubeconfig); err != nil {
		return err
	}
	if c.client, err = newClient(c.URL, c.CAFile, c.Token); err != nil {
		return err
	}
	at := func(name string) string { return filepath.Join(c.dir, name) }
	api := append([]string{
		"--etcd-servers=" + c.EtcdEndpoint,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + at("apiserver.crt"), "--tls-private-key-file=" + at("apiserver.key"),
		"--cert-dir=" + at("apiserver-certs"),
		"--token-auth-file=" + at("tokens.csv"),
		"--authorization-mode=AlwaysAllow",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + at("sa.key"), "--service-account-signing-key-file=" + at("sa.key"),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--profiling=false",
		// The object counts and sizes in /metrics are refreshed this often
		// (1 m by default, which leaves them at 0 for a test's first minute).
		"--etcd-count-metric-poll-period=" + CountPollPeriod.String(),
	}, cfg.ExtraAPIArgs...)
	if err := c.run("kube-apiserver", bins.APIServer, api...); err != nil {
		return err
	}
	if err := c.client.waitHealthy(ctx); err != nil {
		return c.failed(err)
	}
	// The controller manager and the scheduler serve nothing (secure port
	// 0): they need only the apiserver, and nothing listens beyond it.
	if err := c.run("kube-controller-manager", bins.ControllerManager,
		"--kubeconfig="+kubeconfig, "--secure-port=0",
		"--service-account-private-key-file="+at("sa.key"), "--root-ca-file="+c.CAFile,
		"--use-service-account-credentials=false"); err != nil {
		return err
	}
	if err := c.run("kube-scheduler", bins.Scheduler, "--kubeconfig="+kubeconfig, "--secure-port=0"); err != nil {
		return err
	}
	maxPods := cfg.MaxPods
	if maxPods == 0 {
		maxPods = 110
	}
	for i := range cfg.Nodes {
		name := fmt.Sprintf("hollow-%d", i)
		p, err := freePort()
		if err != nil {
			return err
		}
		if err := c.run(name, bins.HollowNode, "--kubeconfig="+kubeconfig, "--name="+name,
			"--port="+strconv.Itoa(p), "--max-pods="+strconv.Itoa(maxPods)); err != nil {
			return err
		}
		c.Nodes = append(c.Nodes, name)
	}
	if err := c.client.waitNodesReady(ctx, len(c.Nodes)); err != nil {
		return c.failed(err)
	}
	return nil
}

// failed adds to err which component has exited, the likely cause.
func (c *Cluster) failed(err error) error {
	for _, p := range c.procs {
		select {
		case <-p.done:
			return fmt.Errorf("%w (%s exited: %s)", err, p.name, p.cmd.ProcessState)
		default:
		}
	}
	return err
}

// run starts a component with its output in <dir>/<name>.log and its
// temporary files (a hollow kubelet's root dir) under <dir>/<name>.
func (c *Cluster) run(name, bin string, args ...string) error {
	log := filepath.Join(c.dir, name+".log")
	f, err := os.Create(log)
	if err != nil {
		return err
	}
	defer f.Close()
	tmp := filepath.Join(c.dir, name)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	// Its own process group, so that a stop reaches what it started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: log, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	c.procs = append(c.procs, p)
	return nil
}

// stop ends the components, the last started first: SIGTERM, then SIGKILL
// after 10 s.
func (c *Cluster) stop() error {
	var errs []error
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
			errs = append(errs, fmt.Errorf("%s did not stop on SIGTERM in 10 s: killed", p.name))
		}
	}
	c.procs = nil
	return errors.Join(errs...)
}

// logTails shows the end of each component's log, for a failed test.
func (c *Cluster) logTails(t testing.TB) {
	for _, p := range c.procs {
		b, _ := os.ReadFile(p.log)
		if len(b) > 3000 {
			b = b[len(b)-3000:]
		}
		t.Logf("--- %s log (tail) ---\n%s", p.name, b)
	}
}

// writeCredentials makes the apiserver's serving certificate (a CA made
// here), the service-account signing key and the token file.
func (c *Cluster) writeCredentials() error {
	ca, err := testpki.NewCA(c.dir, "k8s")
	if err != nil {
		return err
	}
	srv, err := ca.Server("apiserver")
	if err != nil {
		return err
	}
	for _, mv := range [][2]string{{srv.CertFile, "apiserver.crt"}, {srv.KeyFile, "apiserver.key"}} {
		if err := os.Rename(mv[0], filepath.Join(c.dir, mv[1])); err != nil {
			return err
		}
	}
	c.CAFile = ca.CertFile
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(filepath.Join(c.dir, "sa.key"), pemKey, 0o600); err != nil {
		return err
	}
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return err
	}
	c.Token = hex.EncodeToString(tok)
	return os.WriteFile(filepath.Join(c.dir, "tokens.csv"), []byte(c.Token+`,etcdtune-test,1,"system:masters"`+"\n"), 0o600)
}

// writeKubeconfig writes the kubeconfig the components and nodes use.
func (c *Cluster) writeKubeconfig(path string) error {
	kc := strings.Join([]string{
		"apiVersion: v1", "kind: Config",
		"clusters:", "- name: local", "  cluster:", "    server: " + c.URL, "    certificate-authority: " + c.CAFile,
		"users:", "- name: admin", "  user:", "    token: " + c.Token,
		"contexts:", "- name: local", "  context:", "    cluster: local", "    user: admin",
		"current-context: local", ""}, "\n")
	return os.WriteFile(path, []byte(kc), 0o600)
}

// freePort is a free TCP port on 127.0.0.1. Another process may take it
// before the component binds; the start then fails, which a test reports.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

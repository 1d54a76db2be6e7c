package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/internal/testpki"
	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// securedEtcd is an embedded etcd that requires client certificates and has
// RBAC auth on, with the files a test passes to etcdtune.
type securedEtcd struct {
	endpoint string
	ca       *testpki.CA
	tuner    testpki.Pair // role etcdtune: read and write /etcdtune/ only
	nobody   testpki.Pair // a user with no role
	stranger testpki.Pair // signed by another CA
}

// startSecuredEtcd starts the etcd and sets up auth as an operator would:
// root, a role limited to etcdtune's prefix, users named by the
// certificates' common names (etcd takes the CN as the user when
// --client-cert-auth is on and no password is given).
func startSecuredEtcd(t *testing.T) *securedEtcd {
	t.Helper()
	dir := t.TempDir()
	ca, err := testpki.NewCA(dir, "cluster")
	must(t, err)
	server, err := ca.Server("server")
	must(t, err)
	s := &securedEtcd{ca: ca}
	root, err := ca.Client("root")
	must(t, err)
	s.tuner, err = ca.Client("tuner")
	must(t, err)
	s.nobody, err = ca.Client("nobody")
	must(t, err)
	other, err := testpki.NewCA(dir, "other")
	must(t, err)
	s.stranger, err = other.Client("tuner-elsewhere")
	must(t, err)
	e := etcdtest.EmbeddedWithConfig(t, localetcd.EmbeddedConfig{ClientTLS: &localetcd.ClientTLS{
		CertFile: server.CertFile, KeyFile: server.KeyFile, TrustedCAFile: ca.CertFile, ClientCertAuth: true}})
	s.endpoint = e.Endpoints()[0]
	if !strings.HasPrefix(s.endpoint, "https://") || !strings.HasPrefix(e.MetricsURL(), "https://") {
		t.Fatalf("endpoint %s, metrics %s: want https", s.endpoint, e.MetricsURL())
	}
	enableAuth(t, s.endpoint, ca.CertFile, root)
	return s
}

func enableAuth(t *testing.T, endpoint, caFile string, root testpki.Pair) {
	t.Helper()
	tc, err := transport.TLSInfo{CertFile: root.CertFile, KeyFile: root.KeyFile, TrustedCAFile: caFile}.ClientConfig()
	must(t, err)
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoint}, TLS: tc, DialTimeout: 5 * time.Second})
	must(t, err)
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	steps := []func() error{
		func() error { _, err := c.UserAdd(ctx, "root", "root-pw"); return err },
		func() error { _, err := c.UserGrantRole(ctx, "root", "root"); return err },
		func() error { _, err := c.RoleAdd(ctx, "etcdtune"); return err },
		func() error {
			_, err := c.RoleGrantPermission(ctx, "etcdtune", "/etcdtune/", clientv3.GetPrefixRangeEnd("/etcdtune/"), clientv3.PermissionType(clientv3.PermReadWrite))
			return err
		},
		func() error { _, err := c.UserAdd(ctx, "tuner", "tuner-pw"); return err },
		func() error { _, err := c.UserGrantRole(ctx, "tuner", "etcdtune"); return err },
		func() error { _, err := c.UserAdd(ctx, "nobody", "nobody-pw"); return err },
		func() error { _, err := c.Put(ctx, "/outside", "kept"); return err },
		func() error { _, err := c.AuthEnable(ctx); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("auth setup step %d: %v", i, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// tlsArgs are the connection flags for a client pair.
func (s *securedEtcd) tlsArgs(p testpki.Pair) []string {
	return []string{"--endpoints", s.endpoint, "--cacert", s.ca.CertFile, "--cert", p.CertFile, "--key", p.KeyFile, "--dial-timeout", "3s"}
}

// A user whose role can only read and write the prefix can bench, probe the
// round trips (metrics over https with its certificate) and get advice.
func TestTLSAndAuthLimitedUser(t *testing.T) {
	s := startSecuredEtcd(t)
	cases := [][]string{
		{"bench", "put", "--total", "200", "--clients", "4", "--conns", "2", "-o", "json"},
		{"probe", "rtt", "--samples", "20", "-o", "json"},
		{"advise", "--window", "1s", "-o", "json"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			r := etcdtune(t, nil, append(args, s.tlsArgs(s.tuner)...)...)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "{") {
				t.Errorf("no JSON on stdout: %q", r.stdout)
			}
		})
	}
	// ETCDCTL_* variables carry the same settings.
	env := []string{"ETCDCTL_ENDPOINTS=" + s.endpoint, "ETCDCTL_CACERT=" + s.ca.CertFile,
		"ETCDCTL_CERT=" + s.tuner.CertFile, "ETCDCTL_KEY=" + s.tuner.KeyFile}
	if r := etcdtune(t, env, "bench", "put", "--total", "50", "--clients", "2", "--conns", "1"); r.code != 0 {
		t.Errorf("with ETCDCTL_*: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A certificate of another CA, a missing key file and a role without
// permission on the prefix each make the target unusable: one line, exit 3.
func TestTLSAndAuthRefusals(t *testing.T) {
	s := startSecuredEtcd(t)
	put := []string{"bench", "put", "--total", "20", "--clients", "2", "--conns", "1"}
	missingKey := s.tuner
	missingKey.KeyFile += ".missing"
	cases := []struct {
		name string
		pair testpki.Pair
		want string
	}{
		{"wrong CA", s.stranger, s.endpoint},
		{"missing key", missingKey, "TLS settings"},
		{"no permission", s.nobody, "permission denied"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertOneLineError(t, etcdtune(t, nil, append(put, s.tlsArgs(c.pair)...)...), exitUnusable, c.want)
		})
	}
}

// --kubeadm takes the files of a kubeadm control plane when not given.
func TestKubeadmShortcut(t *testing.T) {
	o := connOptions{kubeadm: true, kubeadmDir: kubeadmPKIDir, cert: "/mine.crt", key: "/mine.key"}
	o.applyKubeadm()
	if o.cacert != "/etc/kubernetes/pki/etcd/ca.crt" || o.cert != "/mine.crt" || o.key != "/mine.key" {
		t.Errorf("given files kept, missing ones filled: %+v", o)
	}
	o = connOptions{kubeadm: true, kubeadmDir: kubeadmPKIDir}
	o.applyKubeadm()
	if o.cert != "/etc/kubernetes/pki/etcd/healthcheck-client.crt" || o.key != "/etc/kubernetes/pki/etcd/healthcheck-client.key" {
		t.Errorf("kubeadm files: %+v", o)
	}
}

package advisor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A kubeadm static pod manifest as kubeadm v1.31 writes it (abridged).
const kubeadmManifest = `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://10.0.0.10:2379
    - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    - --data-dir=/var/lib/etcd
    - --heartbeat-interval=250
    - --election-timeout=2500
    - --snapshot-count=10000
    image: registry.k8s.io/etcd:3.5.15-0
    name: etcd
`

func TestCurrentSources(t *testing.T) {
	m, err := CurrentFromManifest(writeFile(t, "etcd.yaml", kubeadmManifest))
	if err != nil {
		t.Fatal(err)
	}
	if m["--heartbeat-interval"] != "250" || m["--election-timeout"] != "2500" || m["--data-dir"] != "/var/lib/etcd" {
		t.Errorf("manifest settings %v", m)
	}
	c, err := CurrentFromConfigFile(writeFile(t, "etcd.conf.yml", "name: m1\nheartbeat-interval: 300\nelection-timeout: 3000\nquota-backend-bytes: 8589934592\nclient-transport-security:\n  cert-file: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c["--heartbeat-interval"] != "300" || c["--quota-backend-bytes"] != "8589934592" {
		t.Errorf("config settings %v", c)
	}
	p, err := ParseCurrent("heartbeat-interval=200, --election-timeout=2000")
	if err != nil || p["--heartbeat-interval"] != "200" || p["--election-timeout"] != "2000" {
		t.Errorf("--current: %v %v", p, err)
	}
	// The current settings reach the advice.
	adv := TimingRule(Findings{Members: 3, PeerRTT: peers(0.3, 0.5), Current: m})
	if hb := find(t, adv, "--heartbeat-interval"); hb.Current != "250" || hb.Action != result.ActionSet || hb.Value != "100" {
		t.Errorf("advice against the manifest: %+v", hb)
	}
}

func TestCurrentSourcesRefuseBadInput(t *testing.T) {
	cases := []struct {
		name string
		read func() error
		want string
	}{
		{"missing file", func() error { _, err := CurrentFromManifest("/nonexistent/etcd.yaml"); return err }, "no such file"},
		{"malformed manifest", func() error {
			_, err := CurrentFromManifest(writeFile(t, "bad.yaml", "spec: [unclosed\n"))
			return err
		}, "not valid YAML"},
		{"manifest without etcd", func() error {
			_, err := CurrentFromManifest(writeFile(t, "api.yaml", "kind: Pod\nspec:\n  containers:\n  - name: kube-apiserver\n    command: [kube-apiserver]\n"))
			return err
		}, "no etcd container"},
		{"malformed config", func() error { _, err := CurrentFromConfigFile(writeFile(t, "c.yml", "a: b: c\n")); return err }, "not valid YAML"},
		{"bad --current", func() error { _, err := ParseCurrent("heartbeat-interval"); return err }, "name=value"},
	}
	for _, c := range cases {
		err := c.read()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line naming %q", c.name, err, c.want)
		}
	}
}

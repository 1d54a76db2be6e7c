package localetcd

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestFreeLoopbackPortsAreDistinct(t *testing.T) {
	ports, err := freeLoopbackPorts(30)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("ports %v: %d is invalid or repeated", ports, p)
		}
		seen[p] = true
	}
}

// occupiedPort listens on a loopback port until the test ends.
func occupiedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(loopbackHost, "0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

func TestIsAddrInUse(t *testing.T) {
	port := occupiedPort(t)
	_, bindErr := net.Listen("tcp", net.JoinHostPort(loopbackHost, strconv.Itoa(port)))
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"real bind conflict", bindErr, true},
		{"text from a child's log", errors.New(`listen tcp 127.0.0.1:2380: bind: address already in use`), true},
		{"other error", errors.New("permission denied"), false},
	}
	for _, tt := range tests {
		if got := isAddrInUse(tt.err); got != tt.want {
			t.Errorf("%s: isAddrInUse(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestEmbeddedPortInUseIsRecognised checks that the error embed returns for
// a taken port is the one StartEmbedded retries on.
func TestEmbeddedPortInUseIsRecognised(t *testing.T) {
	free, err := freeLoopbackPorts(2)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := EmbeddedConfig{DataDir: t.TempDir()}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	p := memberPorts{client: occupiedPort(t), peer: free[0], metrics: free[1]}
	m, err := launchEmbedded(cfg, p, clusterSpec{})
	if err == nil {
		m.Close()
		t.Fatal("started on a taken port")
	}
	if !isAddrInUse(err) {
		t.Errorf("error %v: not recognised as a taken port", err)
	}
}

// TestProcessPortInUseIsRecognised does the same for an etcd process, whose
// only trace is its log.
func TestProcessPortInUseIsRecognised(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the etcd binary")
	}
	bin, err := BuildEtcd(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	c, err := newProcessCluster(ProcessClusterConfig{Binary: bin, Size: 1, BaseDir: base, LogDir: base}, memberDirs(1, base))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m := c.members[0]
	m.args = append(m.args, "--listen-client-urls="+loopbackURL(occupiedPort(t)))
	if err := m.start(m.args); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	_, err = m.waitAnswering(ctx)
	if !isAddrInUse(err) {
		t.Errorf("error %v: not recognised as a taken port (log %s)", err, filepath.Base(m.logPath))
	}
}

// Package etcdtest starts real etcd for tests anywhere in etcdtune: an
// embedded member or a cluster of etcd processes, each stopped when the test
// ends. It is separate from localetcd so that importing "testing" stays out
// of the etcdtune binary.
package etcdtest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/localetcd"
)

// Time limits for starting etcd in a test. The build is slow only once per
// machine (about 90 s); the go test -timeout covers it.
const (
	startTimeout = 2 * time.Minute
	buildTimeout = 10 * time.Minute
)

// Embedded starts a single-node embedded etcd with a fresh data dir and
// closes it when the test ends.
func Embedded(t testing.TB) *localetcd.Embedded {
	t.Helper()
	return EmbeddedWithConfig(t, localetcd.EmbeddedConfig{})
}

// EmbeddedWithConfig is Embedded with a chosen configuration; an empty
// DataDir gets a fresh temporary one.
func EmbeddedWithConfig(t testing.TB, cfg localetcd.EmbeddedConfig) *localetcd.Embedded {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()
	m, err := localetcd.StartEmbedded(ctx, cfg)
	if err != nil {
		t.Fatalf("etcdtest: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("etcdtest: %v", err)
		}
	})
	return m
}

// EtcdBinary returns the etcd binary of the pinned version, building it on
// first use (see localetcd.BuildEtcd). It skips the test with -short, where
// a 90 s build is not welcome.
func EtcdBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("etcdtest: needs the etcd binary; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(t.Context(), buildTimeout)
	defer cancel()
	bin, err := localetcd.BuildEtcd(ctx)
	if err != nil {
		t.Fatalf("etcdtest: %v", err)
	}
	return bin
}

// ProcessCluster starts size etcd processes as one cluster, with quick
// elections (localetcd.FastElectionArgs) unless extraArgs say otherwise,
// and kills them when the test ends. If the test failed, the end of each
// member's log goes to the test output, since the temp dir holding the logs
// is removed.
func ProcessCluster(t testing.TB, size int, extraArgs ...string) *localetcd.ProcessCluster {
	t.Helper()
	return ProcessClusterWithConfig(t, localetcd.ProcessClusterConfig{Size: size, ExtraArgs: extraArgs})
}

// ProcessClusterWithConfig is ProcessCluster with a chosen configuration
// (e.g. AdvertisePeerURL); Binary and BaseDir are filled in, and quick
// elections come before cfg.ExtraArgs.
func ProcessClusterWithConfig(t testing.TB, cfg localetcd.ProcessClusterConfig) *localetcd.ProcessCluster {
	t.Helper()
	cfg.Binary = EtcdBinary(t)
	cfg.BaseDir = t.TempDir()
	cfg.ExtraArgs = append(localetcd.FastElectionArgs(), cfg.ExtraArgs...)
	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()
	c, err := localetcd.StartProcessCluster(ctx, cfg)
	if err != nil {
		t.Fatalf("etcdtest: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("etcdtest: %v", err)
		}
		if t.Failed() {
			logMemberTails(t, c)
		}
	})
	return c
}

// logTailBytes is how much of each member's log a failed test shows.
const logTailBytes = 3000

// logMemberTails writes the end of every member's log to the test output.
func logMemberTails(t testing.TB, c *localetcd.ProcessCluster) {
	t.Helper()
	for _, m := range c.Members() {
		b, err := os.ReadFile(m.LogPath())
		if err != nil {
			t.Logf("etcdtest: log of %s: %v", m.Name(), err)
			continue
		}
		if len(b) > logTailBytes {
			b = b[len(b)-logTailBytes:]
		}
		t.Logf("etcdtest: end of %s's log:\n%s", m.Name(), strings.TrimSpace(string(b)))
	}
}

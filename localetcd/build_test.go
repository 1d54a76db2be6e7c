package localetcd_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

func TestBuildEtcdIsCachedAndRuns(t *testing.T) {
	bin := etcdtest.EtcdBinary(t)
	want := filepath.Join("etcd-v"+localetcd.EtcdVersion(), "etcd")
	if !strings.HasSuffix(bin, want) {
		t.Errorf("binary %s, want a path ending in %s", bin, want)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", bin, err)
	}
	if !strings.Contains(string(out), "etcd Version: "+localetcd.EtcdVersion()) {
		t.Errorf("%s --version = %q, want version %s", bin, out, localetcd.EtcdVersion())
	}

	// Once built, every caller gets the same binary at once.
	if got, err := localetcd.BuildEtcd(t.Context()); got != bin || err != nil {
		t.Errorf("BuildEtcd again = %s, %v; want %s", got, err, bin)
	}
}

func TestBuildEtcdConcurrentBuildersShareOneBuild(t *testing.T) {
	// The shared binary first, so that Go's build cache is warm and the
	// build below is mostly a link.
	etcdtest.EtcdBinary(t)
	cache := t.TempDir()
	t.Setenv(localetcd.CacheDirEnv, cache)
	paths := make([]string, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range paths {
		wg.Go(func() { paths[i], errs[i] = localetcd.BuildEtcd(t.Context()) })
	}
	wg.Wait()
	for i := range paths {
		if errs[i] != nil || paths[i] != paths[0] || !strings.HasPrefix(paths[i], cache) {
			t.Errorf("builder %d: %s, %v; want one path under %s", i, paths[i], errs[i], cache)
		}
	}
	// Only the binary and the lock remain: no half-built leftovers.
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(paths[0]), "*"))
	if len(left) != 2 {
		t.Errorf("cache holds %v, want the binary and the lock", left)
	}
}

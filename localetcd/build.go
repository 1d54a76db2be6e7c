package localetcd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"go.etcd.io/etcd/api/v3/version"
)

// CacheDirEnv names the environment variable that overrides the folder where
// BuildEtcd keeps binaries (default: the user cache dir + "/etcdtune").
const CacheDirEnv = "ETCDTUNE_CACHE_DIR"

// etcdServerPackage is the main package of the etcd server module.
const etcdServerPackage = "go.etcd.io/etcd/server/v3"

// EtcdVersion returns the etcd version that go.mod pins, which is both the
// embedded server's version and the one BuildEtcd builds.
func EtcdVersion() string { return version.Version }

// BuildEtcd returns the path of an etcd binary built from the server module
// that go.mod pins, building it on first use (about a minute and a half)
// into <cache>/etcd-v<version>/etcd and reusing it afterwards. It must run
// inside this module (tests do), since the build resolves the module's
// dependencies. Concurrent callers, including other test binaries of the
// same `go test ./...`, build once: a file lock serialises them, and the
// binary appears under its final name only when complete (atomic rename).
func BuildEtcd(ctx context.Context) (string, error) {
	dir, err := CacheDir("etcd-v" + EtcdVersion())
	if err != nil {
		return "", fmt.Errorf("build etcd: %w", err)
	}
	if err := CachedBuild(ctx, dir, []string{"etcd"}, func(ctx context.Context, tmp string) error {
		return buildEtcdInto(ctx, tmp)
	}); err != nil {
		return "", fmt.Errorf("build etcd v%s: %w", EtcdVersion(), err)
	}
	return filepath.Join(dir, "etcd"), nil
}

// CacheDir is the folder name under the cache root ($ETCDTUNE_CACHE_DIR,
// default the user cache dir + "/etcdtune"), where built binaries are kept.
func CacheDir(name string) (string, error) {
	root := os.Getenv(CacheDirEnv)
	if root == "" {
		userCache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache dir (set %s): %w", CacheDirEnv, err)
		}
		root = filepath.Join(userCache, "etcdtune")
	}
	return filepath.Join(root, name), nil
}

// CachedBuild makes sure that dir holds the binaries bins, calling build
// with a fresh folder inside dir to make them the first time. Concurrent
// callers, in this process or others (the test binaries of one
// `go test ./...`), build once: a file lock in dir serialises them, and each
// binary appears under its final name only when all are complete (renamed
// from the build folder, the last one last), so nobody sees half a build.
func CachedBuild(ctx context.Context, dir string, bins []string, build func(ctx context.Context, tmp string) error) error {
	done := func() bool { return isRegularFile(filepath.Join(dir, bins[len(bins)-1])) }
	if done() {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cache dir: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, "build.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	// Another builder may have finished while this one waited for the lock.
	if done() {
		return nil
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := build(ctx, tmp); err != nil {
		return err
	}
	for _, b := range bins {
		if err := os.Rename(filepath.Join(tmp, b), filepath.Join(dir, b)); err != nil {
			return fmt.Errorf("install binary: %w", err)
		}
	}
	return nil
}

// buildEtcdInto builds the pinned etcd server into dir/etcd.
func buildEtcdInto(ctx context.Context, dir string) error {
	modDir, err := ModuleRoot(ctx)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "etcd"), etcdServerPackage)
	cmd.Dir = modDir
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s: %w: %s", etcdServerPackage, modDir, err, strings.TrimSpace(output.String()))
	}
	return nil
}

// ModuleRoot is the folder of the go.mod that governs the working directory,
// as the go command sees it: etcdtune's source tree, where the pinned etcd
// and the tools are built.
func ModuleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module: run from the etcdtune source tree")
	}
	return filepath.Dir(gomod), nil
}

// isRegularFile reports whether path exists and is a regular file.
func isRegularFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

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
	dir, err := etcdCacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "etcd")
	if isRegularFile(bin) {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("build etcd: cache dir: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, "build.lock"))
	if err != nil {
		return "", fmt.Errorf("build etcd: %w", err)
	}
	defer unlock()
	// Another builder may have finished while this one waited for the lock.
	if isRegularFile(bin) {
		return bin, nil
	}
	if err := buildEtcdInto(ctx, dir, bin); err != nil {
		return "", fmt.Errorf("build etcd v%s: %w", EtcdVersion(), err)
	}
	return bin, nil
}

// etcdCacheDir is the folder for the binary of the pinned version.
func etcdCacheDir() (string, error) {
	root := os.Getenv(CacheDirEnv)
	if root == "" {
		userCache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("build etcd: no cache dir (set %s): %w", CacheDirEnv, err)
		}
		root = filepath.Join(userCache, "etcdtune")
	}
	return filepath.Join(root, "etcd-v"+EtcdVersion()), nil
}

// buildEtcdInto runs go build into a temporary folder beside bin, then
// renames the result to bin, so that nobody ever sees half a binary.
func buildEtcdInto(ctx context.Context, dir, bin string) error {
	modDir, err := ModuleRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "etcd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, etcdServerPackage)
	cmd.Dir = modDir
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s: %w: %s", etcdServerPackage, modDir, err, strings.TrimSpace(output.String()))
	}
	if err := os.Rename(out, bin); err != nil {
		return fmt.Errorf("install binary: %w", err)
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

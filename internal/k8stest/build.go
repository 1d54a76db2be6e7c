// Package k8stest runs a real Kubernetes control plane on loopback for
// etcdtune's tests: an etcd (embedded), kube-apiserver, kube-controller-manager,
// kube-scheduler and N hollow nodes (kubemark's hollow kubelet with a fake
// runtime), all built once from the module k8s/reference pins into the cache
// folder (localetcd.CacheDirEnv) and started from there.
package k8stest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/etcdtune/etcdtune/localetcd"
)

// Version is the Kubernetes release k8s/reference/go.mod pins; the binaries
// report it (the -ldflags below), as clients check the server's version.
const (
	Version      = "v1.34.4"
	versionMajor = "1"
	versionMinor = "34"
)

// referenceDir is the module, relative to etcdtune's root, that pins
// k8s.io/kubernetes so that its dependencies stay out of etcdtune's go.mod.
const referenceDir = "k8s/reference"

// Binaries of the control plane, by name in the cache folder, and the
// package each is built from. hollownode is the reference module's own.
var packages = []struct{ bin, pkg string }{
	{"kube-apiserver", "k8s.io/kubernetes/cmd/kube-apiserver"},
	{"kube-controller-manager", "k8s.io/kubernetes/cmd/kube-controller-manager"},
	{"kube-scheduler", "k8s.io/kubernetes/cmd/kube-scheduler"},
	{"hollownode", "./hollownode"},
}

// Binaries are the paths of the built control plane.
type Binaries struct {
	APIServer, ControllerManager, Scheduler, HollowNode string
}

// Build returns the control plane's binaries, building them on first use
// into <cache>/k8s-<Version>-<hash>/ (about six minutes on 2 cores from an
// empty Go build cache, 3 GB of it) and reusing them afterwards. The hash
// is of the reference module's files and the build's flags, so that a
// changed hollow-node runner or pin is rebuilt, not run stale. Concurrent
// callers build once (localetcd.CachedBuild's lock). It must run inside
// etcdtune's source tree, as tests do.
func Build(ctx context.Context) (Binaries, error) {
	dir, err := CacheDir(ctx)
	if err != nil {
		return Binaries{}, fmt.Errorf("build Kubernetes: %w", err)
	}
	bins := make([]string, len(packages))
	for i, p := range packages {
		bins[i] = p.bin
	}
	if err := localetcd.CachedBuild(ctx, dir, bins, buildInto); err != nil {
		return Binaries{}, fmt.Errorf("build Kubernetes %s: %w", Version, err)
	}
	at := func(name string) string { return filepath.Join(dir, name) }
	return Binaries{APIServer: at("kube-apiserver"), ControllerManager: at("kube-controller-manager"),
		Scheduler: at("kube-scheduler"), HollowNode: at("hollownode")}, nil
}

// buildInto builds every binary into dir in one go build, which shares the
// work of their common packages.
func buildInto(ctx context.Context, dir string) error {
	root, err := localetcd.ModuleRoot(ctx)
	if err != nil {
		return err
	}
	args := []string{"build", "-ldflags", ldFlags(), "-o", dir + "/"}
	for _, p := range packages {
		args = append(args, p.pkg)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Join(root, referenceDir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s in %s: %w: %s", strings.Join(args, " "), cmd.Dir, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// CacheDir is the folder Build builds into and reuses: <cache>/k8s-<Version>-<hash>.
func CacheDir(ctx context.Context) (string, error) {
	root, err := localetcd.ModuleRoot(ctx)
	if err != nil {
		return "", err
	}
	hash, err := sourceHash(filepath.Join(root, referenceDir))
	if err != nil {
		return "", err
	}
	return localetcd.CacheDir("k8s-" + Version + "-" + hash)
}

// Cached says whether Build would find the binaries built.
func Cached(ctx context.Context) (bool, error) {
	dir, err := CacheDir(ctx)
	if err != nil {
		return false, err
	}
	for _, p := range packages {
		if fi, err := os.Stat(filepath.Join(dir, p.bin)); err != nil || !fi.Mode().IsRegular() {
			return false, nil
		}
	}
	return true, nil
}

// sourceHash is a short hash of the files of the module in dir (names and
// contents, in a fixed order) and of what the build is given besides.
func sourceHash(dir string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, ldFlags())
	for _, p := range packages {
		fmt.Fprintln(h, p.bin, p.pkg)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", dir, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// ldFlags are the build's: no symbol table and no DWARF (-s -w), which the
// tests never read and whose writing is much of linking four binaries of
// 100-150 MB, and the version variables.
func ldFlags() string { return "-s -w " + versionLDFlags() }

// versionLDFlags set the version variables of component-base (what the
// servers report) and client-go (what their clients send): unset, both say
// v0.0.0-master, which kubectl and the components' own clients refuse.
func versionLDFlags() string {
	var b strings.Builder
	for _, p := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		fmt.Fprintf(&b, " -X %[1]s.gitVersion=%[2]s -X %[1]s.gitMajor=%[3]s -X %[1]s.gitMinor=%[4]s"+
			" -X %[1]s.gitTreeState=clean -X %[1]s.buildDate=1970-01-01T00:00:00Z", p, Version, versionMajor, versionMinor)
	}
	return strings.TrimSpace(b.String())
}

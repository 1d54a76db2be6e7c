package main

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/etcdtune/etcdtune/localetcd"
)

// Packages that benchrun builds.
const (
	etcdtunePackage  = "./cmd/etcdtune"
	benchmarkPackage = "go.etcd.io/etcd/v3/tools/benchmark"
	// referenceDir is the small module, relative to the module root, that
	// pins etcd's root module, so that its dependencies stay out of ours.
	referenceDir = "bench/reference"
)

// etcdBuildTimeout bounds BuildEtcd, which takes about 90 s on 2 cores the
// first time and nothing once cached.
const etcdBuildTimeout = 10 * time.Minute

// tools are the binaries a pass runs, with what they were built from.
type tools struct {
	etcdtune, benchmark, etcd string
	etcdtuneDeps              depVersions
	benchmarkDeps             depVersions
}

// depVersions are the versions of the modules that decide a client's cost.
type depVersions struct {
	etcdRoot, client, grpc string
}

// buildTools builds etcdtune and etcd's benchmark into dir and gets the
// pinned etcd server from localetcd's cache, building it if needed.
func buildTools(ctx context.Context, dir string) (tools, error) {
	root, err := localetcd.ModuleRoot(ctx)
	if err != nil {
		return tools{}, err
	}
	t := tools{etcdtune: filepath.Join(dir, "etcdtune"), benchmark: filepath.Join(dir, "benchmark")}
	progress("building etcdtune")
	if err := goBuild(ctx, root, "-o", t.etcdtune, etcdtunePackage); err != nil {
		return tools{}, err
	}
	progress("building etcd's benchmark from %s", referenceDir)
	// -C must come first: it moves the build into the reference module.
	if err := goBuild(ctx, root, "-C", referenceDir, "-o", t.benchmark, benchmarkPackage); err != nil {
		return tools{}, err
	}
	progress("getting etcd %s (built once into the cache, about 90 s)", localetcd.EtcdVersion())
	bctx, cancel := context.WithTimeout(ctx, etcdBuildTimeout)
	defer cancel()
	if t.etcd, err = localetcd.BuildEtcd(bctx); err != nil {
		return tools{}, err
	}
	if t.etcdtuneDeps, err = readDepVersions(t.etcdtune); err != nil {
		return tools{}, err
	}
	t.benchmarkDeps, err = readDepVersions(t.benchmark)
	return t, err
}

// goBuild runs go build with args in dir; a failure carries the compiler's
// output.
func goBuild(ctx context.Context, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// readDepVersions reads from a binary's build info the versions of etcd's
// root module, etcd's client and gRPC it was linked with: two tools on
// different gRPC versions do not cost the same per request for that reason
// alone, so the header says which ones were compared.
func readDepVersions(bin string) (depVersions, error) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return depVersions{}, fmt.Errorf("build info of %s: %w", bin, err)
	}
	v := depVersions{etcdRoot: "-", client: "-", grpc: "-"}
	// A tool built from a dependency's package has that module as its main.
	for _, d := range append([]*debug.Module{&info.Main}, info.Deps...) {
		if d.Replace != nil {
			d = d.Replace
		}
		switch d.Path {
		case "go.etcd.io/etcd/v3":
			v.etcdRoot = d.Version
		case "go.etcd.io/etcd/client/v3":
			v.client = d.Version
		case "google.golang.org/grpc":
			v.grpc = d.Version
		}
	}
	return v, nil
}

// progress tells the person waiting what the pass is doing, on stderr, so
// that stdout holds only the tables.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchrun: "+format+"\n", args...)
}

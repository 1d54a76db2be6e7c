package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// The test helpers of the package: commands run in process by Main, and the
// built binary for the few tests that need a real process (Ctrl-C, agents
// with an environment each, the exit codes end to end).

// pkgDir is the package's folder, where the binary is built from; tests
// may change the working directory (runIn).
var pkgDir string

func TestMain(m *testing.M) {
	// Commands read ETCDCTL_* and JOB_COMPLETION_INDEX from the environment
	// in place of flags; the caller's must not reach the commands of the
	// tests, in process or as a process.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "ETCDCTL_") || k == jobIndexEnv {
			os.Unsetenv(k)
		}
	}
	var err error
	if pkgDir, err = os.Getwd(); err != nil {
		panic(err)
	}
	code := m.Run()
	if binaryDir != "" {
		os.RemoveAll(binaryDir)
	}
	os.Exit(code)
}

type runResult struct {
	code           int
	stdout, stderr string
}

// etcdtune runs the command line args in process, with the variables of
// env ("NAME=value") set for the call only.
func etcdtune(t *testing.T, env []string, args ...string) runResult {
	t.Helper()
	defer setEnv(t, env)()
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), args, &stdout, &stderr)
	return runResult{code, stdout.String(), stderr.String()}
}

// setEnv sets env and returns what puts the variables back as they were.
// t.Setenv refuses a parallel test, and puts them back at the test's end
// should the test stop before.
func setEnv(t *testing.T, env []string) (restore func()) {
	t.Helper()
	var undo []func()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		old, had := os.LookupEnv(k)
		t.Setenv(k, v)
		undo = append(undo, func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		})
	}
	return func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
}

// runIn runs the command line in process in dir (where the embedded etcd's
// default data dir goes) and says how long it took. The test stays in dir.
func runIn(t *testing.T, dir string, args ...string) (runResult, time.Duration) {
	t.Helper()
	t.Chdir(dir)
	start := time.Now()
	r := etcdtune(t, nil, args...)
	return r, time.Since(start)
}

var (
	buildBinary sync.Once
	binaryDir   string // holds the built binary, removed by TestMain
	binary      string
	buildErr    error
)

// needBinary builds etcdtune once, on first use, for the tests that run it
// as a user would: as the image's Dockerfile builds it (its flags and
// environment, image_test.go), so that these tests run the image's binary.
func needBinary(t *testing.T) {
	t.Helper()
	buildBinary.Do(func() {
		if binaryDir, buildErr = os.MkdirTemp("", "etcdtune-bin-"); buildErr != nil {
			return
		}
		binary = filepath.Join(binaryDir, "etcdtune")
		env, args, out, err := dockerBuild(repoRoot())
		if err != nil {
			buildErr = err
			return
		}
		args[out] = binary
		build := exec.Command(args[0], args[1:]...)
		build.Dir = repoRoot()
		build.Env = append(os.Environ(), env...)
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v: %v\n%s", args, err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// binaryCommand is the built binary's command line, with env added to the
// environment.
func binaryCommand(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	needBinary(t)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// etcdtuneProcess runs the built binary with args to its end.
func etcdtuneProcess(t *testing.T, env []string, args ...string) runResult {
	t.Helper()
	cmd := binaryCommand(t, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return runResult{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()}
}

// interruptAfter sends the started command Ctrl-C after a while, waits up
// to within for it to end, and checks it exits as an interrupted run.
func interruptAfter(t *testing.T, cmd *exec.Cmd, after, within time.Duration, stderr *bytes.Buffer) {
	t.Helper()
	time.Sleep(after)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(within):
		cmd.Process.Kill()
		t.Fatalf("%s did not stop within %v of Ctrl-C", cmd.Args[1:], within)
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit code %d, want %d; stderr %s", code, exitInterrupted, stderr.String())
	}
}

// assertOneLineError checks the contract for bad input: the exit code, one
// line on stderr that names the problem, and no trace.
func assertOneLineError(t *testing.T, r runResult, code int, want string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q: want one line naming %q", r.stderr, want)
	}
	if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
		t.Errorf("a trace reached the user: %s", r.stderr)
	}
}

// refusedArgs is a command line that etcdtune refuses as bad input: exit 2
// and one line naming want.
type refusedArgs struct {
	args []string
	want string
}

// assertRefused runs each case's arguments after those of command, in a
// subtest named by the case's arguments, and checks its refusal.
func assertRefused(t *testing.T, command []string, cases []refusedArgs) {
	t.Helper()
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append(append([]string{}, command...), c.args...)
			assertOneLineError(t, etcdtune(t, nil, args...), exitBadInput, c.want)
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// runFinding runs a command line that must succeed and decodes its stdout,
// JSON, into v.
func runFinding(t *testing.T, v any, args ...string) {
	t.Helper()
	r := etcdtune(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d, stderr %q", args, r.code, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("%v: %v in %q", args, err, r.stdout)
	}
}

// rewriteResult writes the result file from, rewritten through edit on its
// generic JSON, to the path to, and returns to.
func rewriteResult(t *testing.T, from, to string, edit func(map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	edit(res)
	if b, err = json.Marshal(res); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

// editResult rewrites a result file in place through edit.
func editResult(t *testing.T, path string, edit func(map[string]any)) {
	t.Helper()
	rewriteResult(t, path, path, edit)
}

// probeFindings runs `probe <name> args... -o json` for each entry and
// returns the findings by name, as a result file's probes section holds
// them.
func probeFindings(t *testing.T, probes map[string][]string) map[string]any {
	t.Helper()
	found := map[string]any{}
	for name, args := range probes {
		var finding any
		runFinding(t, &finding, append(append([]string{"probe", name}, args...), "-o", "json")...)
		found[name] = finding
	}
	return found
}

// realResult makes a result file in dir as a user would, against an
// embedded etcd: bench put, the fsync, host and rtt probes in its probes
// section, and the advice of `advise --from` on it.
func realResult(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "result.json")
	if r := etcdtune(t, nil, "bench", "put", "--total", "3000", "--clients", "16", "--conns", "4", "--out", path, "-o", "json"); r.code != 0 {
		t.Fatalf("bench put: exit %d: %s", r.code, r.stderr)
	}
	probes := probeFindings(t, map[string][]string{
		"fsync": {"--path", dir, "--size", "2300000"},
		"host":  {},
		"rtt":   {"--samples", "100"},
	})
	editResult(t, path, func(res map[string]any) { res["probes"] = probes })
	var advice any
	runFinding(t, &advice, "advise", "--from", path, "-o", "json")
	editResult(t, path, func(res map[string]any) { res["advice"] = advice })
	return path
}

// realResultFile runs bench put --out and the probes against a real
// three-member cluster and writes one result file holding them all, as
// `etcdtune run` will.
func realResultFile(t *testing.T) string {
	t.Helper()
	peerURLs := make([]string, 3)
	c := etcdtest.ProcessClusterWithConfig(t, localetcd.ProcessClusterConfig{Size: 3,
		AdvertisePeerURL: func(i int, listen string) (string, error) { peerURLs[i] = listen; return listen, nil }})
	eps := "--endpoints=" + strings.Join(c.Endpoints(), ",")
	var metrics []string
	for _, m := range c.Members() {
		metrics = append(metrics, m.MetricsURL())
	}
	putKubernetesObjects(t, c.Endpoints())

	dir := t.TempDir()
	path := filepath.Join(dir, "result.json")
	if r := etcdtune(t, nil, "bench", "put", eps, "--duration", "3s", "--clients", "8", "--conns", "3", "--out", path); r.code != 0 {
		t.Fatalf("bench put: exit %d, %s", r.code, r.stderr)
	}
	probes := probeFindings(t, map[string][]string{
		"rtt":      {eps, "--metrics-urls=" + strings.Join(metrics, ","), "--samples=20", "--peer-urls=" + strings.Join(peerURLs, ","), "--peer-samples=10"},
		"fsync":    {"--path", dir, "--size", "2300000"},
		"host":     {"--window", "500ms"},
		"cluster":  {eps, "--metrics-urls=" + strings.Join(metrics, ","), "--window", "2s"},
		"backup":   {eps, "--discard", "--baseline", "500ms"},
		"keyspace": {eps},
	})
	editResult(t, path, func(res map[string]any) { res["probes"] = probes })
	return path
}

// putKubernetesObjects writes a few objects in kube-apiserver's layout for
// probe keyspace to find (events among them).
func putKubernetesObjects(t *testing.T, endpoints []string) {
	t.Helper()
	cli := etcdtest.Client(t, endpoints...)
	for i := range 20 {
		for _, kind := range []string{"pods", "events", "configmaps"} {
			key := fmt.Sprintf("/registry/%s/default/obj-%d", kind, i)
			if _, err := cli.Put(t.Context(), key, strings.Repeat("x", 500)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/reports"
)

// binary is etcdtune built once for the tests that run it as a user would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "etcdtune-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "etcdtune")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type runResult struct {
	code           int
	stdout, stderr string
}

// etcdtune runs the binary with args and a clean ETCDCTL_* environment.
func etcdtune(t *testing.T, env []string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(cleanEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return runResult{code, stdout.String(), stderr.String()}
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ETCDCTL_") {
			env = append(env, kv)
		}
	}
	return env
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

func TestBadInputExits2(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"bench", "put", "--rate", "-5"}, "--rate"},
		{[]string{"bench", "put", "--clients", "0"}, "--clients"},
		{[]string{"bench", "put", "--clients", "4", "--conns", "8"}, "--conns 8 is more than --clients 4"},
		{[]string{"bench", "put", "--val-size", "1600000"}, "1.5 MiB"},
		{[]string{"bench", "put", "--key-dist", "pareto"}, "unknown --key-dist"},
		{[]string{"bench", "put", "--key-dist", "zipf", "--zipf-s", "0.5"}, "--zipf-s"},
		{[]string{"bench", "put", "--duration", "ten seconds"}, "--duration"},
		{[]string{"bench", "put", "--txn-ops", "500"}, "--txn-ops"},
		{[]string{"bench", "put", "--output", "xml"}, "--output"},
		{[]string{"bench", "put", "--no-such-flag"}, "no-such-flag"},
		{[]string{"bench", "put", "extra-arg"}, "extra-arg"},
		{[]string{"bench", "range", "--consistency", "x"}, "--consistency"},
		{[]string{"bench", "range", "--scope", "all"}, "--scope"},
		{[]string{"bench", "put", "--cert", "c.pem"}, "--cert and --key"},
		{[]string{"bench", "put", "--key-space", "1000", "--key-size", "2"}, "--key-size"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			assertOneLineError(t, etcdtune(t, nil, c.args...), exitBadInput, c.want)
		})
	}
	t.Run("env", func(t *testing.T) {
		r := etcdtune(t, []string{"ETCDCTL_DIAL_TIMEOUT=soon"}, "bench", "put")
		assertOneLineError(t, r, exitBadInput, "ETCDCTL_DIAL_TIMEOUT")
	})
}

func TestUnreachableEndpointExits3WithinDialTimeout(t *testing.T) {
	start := time.Now()
	r := etcdtune(t, nil, "bench", "put", "--endpoints", "127.0.0.1:1", "--dial-timeout", "1s")
	assertOneLineError(t, r, exitUnusable, "127.0.0.1:1")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v with --dial-timeout 1s", took)
	}
}

// Without --endpoints, bench starts an embedded etcd and says so first; -o
// json prints the result file.
func TestEmbeddedDefaultAndJSON(t *testing.T) {
	r := etcdtune(t, nil, "bench", "put", "--total", "300", "--clients", "4", "--conns", "2")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "no --endpoints: starting an embedded etcd") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "300 ok, 0 errors") {
		t.Errorf("summary lacks the count: %s", r.stdout)
	}

	r = etcdtune(t, nil, "bench", "range", "--total", "200", "--clients", "4", "--conns", "2", "--key-space", "100", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	res, err := reports.Read(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatalf("stdout is not a result file: %v\n%s", err, r.stdout)
	}
	if !res.Target.Embedded || res.Target.ServerVersion == "" || len(res.Workloads) != 1 || res.Workloads[0].Ops != 200 {
		t.Errorf("result: target %+v, workloads %d", res.Target, len(res.Workloads))
	}
	if !strings.HasPrefix(r.stderr, "no --endpoints") {
		t.Errorf("with -o json the embedded notice goes to stderr, got %q", r.stderr)
	}
}

// ETCDCTL_* variables stand in for flags, as with etcdctl; a key already
// under the prefix makes the run refuse with exit 3.
func TestEnvironmentAndPrefixInUse(t *testing.T) {
	e := etcdtest.Embedded(t)
	env := []string{"ETCDCTL_ENDPOINTS=" + strings.Join(e.Endpoints(), ",")}
	r := etcdtune(t, env, "bench", "put", "--total", "100", "--clients", "2", "--conns", "1", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var res reports.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.Target.Embedded || res.Target.Endpoints[0] != e.Endpoints()[0] {
		t.Fatalf("ETCDCTL_ENDPOINTS not used: %v %+v", err, res.Target)
	}

	c, err := clientv3.New(clientv3.Config{Endpoints: e.Endpoints(), Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Put(t.Context(), "/users/alice", "x"); err != nil {
		t.Fatal(err)
	}
	r = etcdtune(t, env, "bench", "put", "--total", "10", "--clients", "1", "--conns", "1", "--prefix", "/users/")
	assertOneLineError(t, r, exitUnusable, "already holds 1 keys")
	if resp, err := c.Get(t.Context(), "/users/alice"); err != nil || len(resp.Kvs) != 1 {
		t.Errorf("the user's key is gone: %v", err)
	}
}

// The first Ctrl-C stops the load, and the partial result is still written,
// with end_reason interrupted.
func TestInterruptWritesPartialResult(t *testing.T) {
	out := filepath.Join(t.TempDir(), "result.json")
	cmd := exec.Command(binary, "bench", "put", "--duration", "60s", "--clients", "4", "--conns", "2", "--out", out)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	interruptAfter(t, cmd, 4*time.Second, 30*time.Second, &stderr)
	res, err := reports.ReadFile(out)
	if err != nil {
		t.Fatalf("no partial result: %v; stderr %s", err, stderr.String())
	}
	if res.EndReason != "interrupted" || len(res.Workloads) != 1 || res.Workloads[0].Ops == 0 || res.Workloads[0].EndReason != "interrupted" {
		t.Errorf("partial result: end %q, workloads %+v", res.EndReason, res.Workloads)
	}
	if !strings.Contains(stdout.String(), "interrupted") {
		t.Errorf("the summary does not say the run was interrupted: %s", stdout.String())
	}
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

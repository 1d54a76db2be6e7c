package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

// Through the built binary: the exit code end to end, and the dial timeout
// bounds the whole process.
func TestUnreachableEndpointExits3WithinDialTimeout(t *testing.T) {
	start := time.Now()
	r := etcdtuneProcess(t, nil, "bench", "put", "--endpoints", "127.0.0.1:1", "--dial-timeout", "1s")
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
	res, err := result.Read(strings.NewReader(r.stdout))
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
// under the prefix makes the run refuse with exit 2.
func TestEnvironmentAndPrefixInUse(t *testing.T) {
	e := etcdtest.Embedded(t)
	env := []string{"ETCDCTL_ENDPOINTS=" + strings.Join(e.Endpoints(), ",")}
	r := etcdtune(t, env, "bench", "put", "--total", "100", "--clients", "2", "--conns", "1", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var res result.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.Target.Embedded || res.Target.Endpoints[0] != e.Endpoints()[0] {
		t.Fatalf("ETCDCTL_ENDPOINTS not used: %v %+v", err, res.Target)
	}

	c := etcdtest.Client(t, e.Endpoints()...)
	if _, err := c.Put(t.Context(), "/users/alice", "x"); err != nil {
		t.Fatal(err)
	}
	r = etcdtune(t, env, "bench", "put", "--total", "10", "--clients", "1", "--conns", "1", "--prefix", "/users/")
	assertOneLineError(t, r, exitBadInput, "already holds 1 keys")
	if resp, err := c.Get(t.Context(), "/users/alice"); err != nil || len(resp.Kvs) != 1 {
		t.Errorf("the user's key is gone: %v", err)
	}
}

// The first Ctrl-C stops the load, and the partial result is still written,
// with end_reason interrupted.
func TestInterruptWritesPartialResult(t *testing.T) {
	out := filepath.Join(t.TempDir(), "result.json")
	cmd := binaryCommand(t, nil, "bench", "put", "--duration", "60s", "--clients", "4", "--conns", "2", "--out", out)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	interruptAfter(t, cmd, 4*time.Second, 30*time.Second, &stderr)
	res, err := result.ReadFile(out)
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

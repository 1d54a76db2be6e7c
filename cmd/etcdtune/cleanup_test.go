package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// startKilled starts the binary with args and SIGKILLs it once the range
// [start, end) holds keys: what a run killed mid-load leaves.
func startKilled(t *testing.T, c *clientv3.Client, start, end string, args ...string) {
	t.Helper()
	cmd := binaryCommand(t, nil, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer time.Sleep(500 * time.Millisecond) // etcd applies the puts it had received when the process died
	defer func() {
		if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("%v ended before it was killed: %v\n%s", args, err, stderr.String())
		}
	}()
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		resp, err := c.Get(t.Context(), start, clientv3.WithRange(end), clientv3.WithCountOnly())
		if err != nil {
			t.Fatal(err)
		}
		if resp.Count > 0 {
			time.Sleep(500 * time.Millisecond) // a little more load, and leases
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("%v wrote nothing in 60 s: %s", args, stderr.String())
}

func countRange(t *testing.T, c *clientv3.Client, start, end string) int64 {
	t.Helper()
	resp, err := c.Get(t.Context(), start, clientv3.WithRange(end), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Count
}

func marked(t *testing.T, c *clientv3.Client, prefix string) int {
	t.Helper()
	resp, err := c.Leases(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range resp.Leases {
		if engine.LeaseOf(int64(l.ID), prefix) {
			n++
		}
	}
	return n
}

// A bench put and a bench lease run, each SIGKILLed, leave keys (and
// leases); the next run is refused naming etcdtune cleanup; cleanup without
// --yes counts them and deletes nothing; with --yes it deletes them, the
// leases too, and a user's key beside them and a key outside the prefix
// stay as they were; then a run is accepted.
func TestCleanupAfterSIGKILL(t *testing.T) {
	e := etcdtest.Embedded(t)
	ep := e.Endpoints()[0]
	env := []string{"ETCDCTL_ENDPOINTS=" + ep}
	c := etcdtest.Client(t, ep)
	ctx := t.Context()
	user := map[string]int64{}
	for _, k := range []string{"/etcdtune/users/alice", "/etcdtune", "/other/key", "/lease-run/notes"} {
		resp, err := c.Put(ctx, k, "mine")
		if err != nil {
			t.Fatal(err)
		}
		user[k] = resp.Header.Revision
	}
	keys := engine.KeySpec{Prefix: "/etcdtune/", Size: 8}
	start, end := keys.Range()
	startKilled(t, c, start, end, "bench", "put", "--endpoints", ep, "--force", "--duration", "60s", "--clients", "2", "--conns", "1")
	left := countRange(t, c, start, end)
	lstart, lend := engine.KeySpec{Prefix: "/lease-run/", Size: 8}.Range()
	startKilled(t, c, lstart, lend, "bench", "lease", "--endpoints", ep, "--prefix", "/lease-run/", "--force", "--duration", "60s",
		"--rate", "20", "--keepalives", "50") // leases that live seconds: some are there when it dies
	leases := marked(t, c, "/lease-run/")
	if left == 0 || leases == 0 {
		t.Fatalf("the killed runs left %d keys and %d leases: want some of each", left, leases)
	}
	t.Logf("the killed runs left %d put keys and %d leases", left, leases)

	r := etcdtune(t, env, "bench", "put", "--force", "--total", "10", "--clients", "1", "--conns", "1")
	assertOneLineError(t, r, exitBadInput, "etcdtune cleanup --prefix \"/etcdtune/\"")

	r = etcdtune(t, env, "cleanup")
	if r.code != 0 || !regexp.MustCompile(`keys +`+strconv.FormatInt(left, 10)+`\b`).MatchString(r.stdout) || !strings.Contains(r.stdout, "nothing deleted") {
		t.Fatalf("cleanup without --yes: exit %d, want %d keys counted:\n%s%s", r.code, left, r.stdout, r.stderr)
	}
	if n := countRange(t, c, start, end); n != left {
		t.Fatalf("cleanup without --yes deleted keys: %d left of %d", n, left)
	}
	r = etcdtune(t, env, "cleanup", "--prefix", "/lease-run/", "-o", "json")
	var rep cleanupReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); r.code != 0 || err != nil || rep.Leases != leases || rep.Deleted {
		t.Fatalf("cleanup -o json: exit %d, %v, %+v, want %d leases: %s", r.code, err, rep, leases, r.stderr)
	}

	for _, p := range []string{"/etcdtune/", "/lease-run/"} {
		if r := etcdtune(t, env, "cleanup", "--prefix", p, "--yes"); r.code != 0 || !strings.Contains(r.stdout, "deleted") {
			t.Fatalf("cleanup --yes %s: exit %d: %s%s", p, r.code, r.stdout, r.stderr)
		}
	}
	if n, m := countRange(t, c, start, end)+countRange(t, c, lstart, lend), marked(t, c, "/lease-run/"); n != 0 || m != 0 {
		t.Errorf("after cleanup --yes: %d keys and %d leases left", n, m)
	}
	for k, rev := range user {
		resp, err := c.Get(ctx, k)
		if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "mine" || resp.Kvs[0].ModRevision != rev {
			t.Errorf("the user's key %s changed: %v %+v", k, err, resp.Kvs)
		}
	}
	if r := etcdtune(t, env, "cleanup"); r.code != 0 || !strings.Contains(r.stdout, "nothing of etcdtune's") {
		t.Errorf("a second cleanup: exit %d: %s", r.code, r.stdout)
	}
	if r := etcdtune(t, env, "bench", "put", "--force", "--total", "100", "--clients", "1", "--conns", "1"); r.code != 0 {
		t.Errorf("a run after cleanup: exit %d: %s", r.code, r.stderr)
	}
}

// A user's key in the run's range refuses the run with exit 2, --force or
// not, naming the key, whose value stays; a key beside the range survives a
// forced run with its value and mod revision; for put, k8s and an agent.
func TestForceKeepsUsersKeys(t *testing.T) {
	e := etcdtest.Embedded(t)
	ep := e.Endpoints()[0]
	c := etcdtest.Client(t, ep)
	ctx := t.Context()
	cases := []struct {
		name           string
		inside, beside string
		args           []string
	}{
		{"put", "/etcdtune/00000042", "/etcdtune/users/alice", []string{"bench", "put", "--total", "200", "--clients", "2", "--conns", "1"}},
		{"k8s", "/etcdtune/registry/pods/ns-0/mine", "/etcdtune/registry", []string{"bench", "k8s", "--nodes", "2", "--pods-per-node", "5", "--total", "200", "--clients", "2", "--conns", "1"}},
		{"agent", "/etcdtune/agent-0/00000042", "/etcdtune/agent-1/notes", []string{"bench", "put", "--agents", "2", "--agent-index", "0", "--barrier-timeout", "2s",
			"--total", "200", "--clients", "2", "--conns", "1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := c.Delete(ctx, "/etcdtune/", clientv3.WithPrefix()); err != nil {
				t.Fatal(err)
			}
			in, err := c.Put(ctx, tc.inside, "mine")
			if err != nil {
				t.Fatal(err)
			}
			args := append(append(append([]string{}, tc.args[:2]...), "--endpoints", ep, "--force"), tc.args[2:]...)
			assertOneLineError(t, etcdtune(t, nil, args...), exitBadInput, tc.inside)
			if resp, err := c.Get(ctx, tc.inside); err != nil || len(resp.Kvs) != 1 || resp.Kvs[0].ModRevision != in.Header.Revision {
				t.Fatalf("the user's key in the range changed: %v %+v", err, resp)
			}
			if tc.name == "agent" {
				return // a run of one agent of two waits for the other: the refusal is what it shows
			}
			if _, err := c.Delete(ctx, tc.inside); err != nil {
				t.Fatal(err)
			}
			put, err := c.Put(ctx, tc.beside, "mine")
			if err != nil {
				t.Fatal(err)
			}
			if r := etcdtune(t, nil, args...); r.code != 0 {
				t.Fatalf("forced run: exit %d: %s", r.code, r.stderr)
			}
			resp, err := c.Get(ctx, "/etcdtune/", clientv3.WithPrefix())
			if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Key) != tc.beside || resp.Kvs[0].ModRevision != put.Header.Revision {
				t.Errorf("after a forced run the prefix holds %+v, want only %s as it was", resp.Kvs, tc.beside)
			}
		})
	}
}

// A killed bench k8s leaves its registry tree and its events' leases;
// cleanup counts the objects per resource and removes them and the leases.
func TestCleanupKilledK8s(t *testing.T) {
	e := etcdtest.Embedded(t)
	ep := e.Endpoints()[0]
	c := etcdtest.Client(t, ep)
	const p = "/k8s-run/"
	start, end := p+engine.RegistryDir+"events/", p+engine.RegistryDir+"events0"
	startKilled(t, c, start, end, "bench", "k8s", "--endpoints", ep, "--prefix", p, "--nodes", "3", "--pods-per-node", "10",
		"--duration", "60s", "--clients", "2", "--conns", "1")
	leases := marked(t, c, p)
	objects := countRange(t, c, p+engine.RegistryDir, p+"registry0")
	r := etcdtune(t, nil, "cleanup", "--endpoints", ep, "--prefix", p, "-o", "json")
	var rep cleanupReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); r.code != 0 || err != nil || rep.Leases != leases || leases == 0 ||
		rep.Keys[engine.ShapeK8s+"pods"] == 0 || rep.Keys[engine.ShapeK8s+"events"] == 0 {
		t.Fatalf("cleanup: exit %d, %v, %+v, want %d leases and pods and events: %s", r.code, err, rep, leases, r.stderr)
	}
	var sum int64
	for _, n := range rep.Keys {
		sum += n
	}
	if sum != objects {
		t.Errorf("cleanup counted %d objects, the registry holds %d", sum, objects)
	}
	t.Logf("the killed k8s run left %d objects (%v) and %d leases", objects, rep.Keys, leases)
	if r := etcdtune(t, nil, "cleanup", "--endpoints", ep, "--prefix", p, "--yes"); r.code != 0 {
		t.Fatalf("cleanup --yes: exit %d: %s", r.code, r.stderr)
	}
	if n, m := countRange(t, c, p, p+"\xff"), marked(t, c, p); n != 0 || m != 0 {
		t.Errorf("after cleanup --yes: %d keys and %d leases left", n, m)
	}
}

// cleanup's bad input: one line, exit 2, before connecting.
func TestCleanupBadInput(t *testing.T) {
	assertRefused(t, []string{"cleanup"}, []refusedArgs{
		{[]string{"--endpoints", "127.0.0.1:1", "-o", "yaml"}, "--output \"yaml\""},
		{[]string{"--endpoints", "127.0.0.1:1", "--prefix", ""}, "--prefix must not be empty"},
		{nil, "give --endpoints"},
		{[]string{"extra"}, "extra"},
	})
}

package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

// quickBound is how long run --quick may take in a test: the README
// promises 60 s on a 2-core machine; the test machine may be busier.
const quickBound = 120 * time.Second

func TestRunBadInputExits2(t *testing.T) {
	used := t.TempDir()
	if err := os.WriteFile(filepath.Join(used, "result.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--preset", "xxl"}, "unknown --preset"},
		{[]string{"run", "--dir", used}, "already holds files"},
		{[]string{"run", "--fail-on", "error"}, "unknown --fail-on"},
		{[]string{"run", "--write-p99", "0s"}, "--write-p99"},
		{[]string{"run", "--disk-path", filepath.Join(used, "nowhere")}, "--disk-path"},
		{[]string{"run", "--endpoints", "127.0.0.1:2379", "--data-dir", used}, "--data-dir"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			start := time.Now()
			assertOneLineError(t, etcdtune(t, nil, c.args...), exitBadInput, c.want)
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("bad input took %v to refuse: it must be checked before any measurement", took)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(used, "result.json")); err != nil || string(b) != "{}" {
		t.Errorf("the earlier run's file was touched: %q %v", b, err)
	}
}

// An endpoint that does not answer: exit 3 within the dial timeout, and no
// report folder left behind to refuse the next run.
func TestRunUnreachableExits3(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	r := etcdtune(t, nil, "run", "--endpoints", "127.0.0.1:1", "--dial-timeout", "1s", "--dir", dir)
	assertOneLineError(t, r, exitUnusable, "127.0.0.1:1")
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the report folder was left behind: %v", err)
	}
}

// run --quick on the embedded default: the whole sizing run, within the
// bound, with every part in the result and the report beside it.
func TestRunQuick(t *testing.T) {
	cwd := t.TempDir()
	r, took := runIn(t, cwd, "run", "--quick", "--dir", "out")
	t.Logf("run --quick took %v\n%s", took.Round(100*time.Millisecond), r.stdout)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
	}
	if took > quickBound {
		t.Errorf("run --quick took %v, over %v", took, quickBound)
	}
	res := readRunResult(t, filepath.Join(cwd, "out"))
	if res.EndReason != "completed" {
		t.Errorf("end_reason %q", res.EndReason)
	}
	p := res.Probes
	if p.Host == nil || p.Fsync == nil || p.Disk == nil || p.RTT == nil || p.Cluster == nil {
		t.Errorf("a probe is missing: host %v fsync %v disk %v rtt %v cluster %v", p.Host != nil, p.Fsync != nil, p.Disk != nil, p.RTT != nil, p.Cluster != nil)
	}
	verdicts := verdictsOf(res)
	var names []string
	for _, w := range res.Workloads {
		names = append(names, w.Name)
		if w.Ops == 0 {
			t.Errorf("workload %s sent nothing", w.Name)
		}
	}
	// The suite, then the capacity searches: writes, then the nodes.
	if got := strings.Join(names, " "); got != "put range watch mixed k8s put k8s" {
		t.Errorf("workloads %q, want the standard suite and the two capacity searches", got)
	}
	for _, w := range res.Workloads[len(res.Workloads)-2:] {
		if c := w.Capacity; c == nil || len(c.Steps) == 0 || (c.MaxRateOpsS <= 0 && c.MaxNodes <= 0) {
			t.Errorf("%s: no capacity found: %+v", w.Name, c)
		}
	}
	if v := verdicts["capacity"]; v != result.Pass && v != result.Warn && v != result.Fail {
		t.Errorf("verdict capacity is %q, want PASS, WARN or FAIL", v)
	}
	if !strings.Contains(r.stdout, "CAPACITY") {
		t.Errorf("the verdict screen lacks the CAPACITY line:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(cwd, "out", "charts", "workload-6-put-capacity.png")); err != nil {
		t.Errorf("no knee chart: %v", err)
	}
	if put := res.Workloads[0]; put.Mode != "open" || put.TargetRate != 150 {
		t.Errorf("put ran %s at %v/s, want open loop at preset s's 150/s", put.Mode, put.TargetRate)
	}
	for _, area := range []string{"disk", "network", "throughput", "latency", "stability"} {
		if v := verdicts[area]; v != result.Pass && v != result.Warn && v != result.Fail {
			t.Errorf("verdict %s is %q, want PASS, WARN or FAIL", area, v)
		}
	}
	if !strings.Contains(strings.ToUpper(r.stdout), "LATENCY") || !strings.Contains(r.stdout, "report") {
		t.Errorf("the verdict screen lacks the verdicts or the report's place:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "embedded etcd") || !strings.Contains(r.stderr, cwd) {
		t.Errorf("it does not say it started an embedded etcd on the current folder's disk: %s", r.stderr)
	}
	assertOnlyEntry(t, cwd, "out") // the embedded etcd's data dir is removed
}

// --fail-on: a p99 limit of 1 µs cannot be met by any write over gRPC (a
// round trip on loopback alone takes tens of µs), so the latency verdict
// fails whatever the machine, and --fail-on fail exits 1. The result and
// the report are still written.
func TestRunFailOn(t *testing.T) {
	cwd := t.TempDir()
	r, took := runIn(t, cwd, "run", "--quick", "--write-p99", "1us", "--fail-on", "fail", "--dir", "out")
	t.Logf("run --quick --fail-on took %v", took.Round(100*time.Millisecond))
	assertOneLineError(t, runResult{r.code, "", lastLine(r.stderr)}, exitCheckFailed, "latency FAIL")
	if v := verdictsOf(readRunResult(t, filepath.Join(cwd, "out")))["latency"]; v != result.Fail {
		t.Errorf("latency verdict %q, want FAIL", v)
	}
}

// Ctrl-C during the suite: the phase stops, result.json says interrupted,
// the report of what was measured is written, and the exit code is 130.
func TestRunInterrupted(t *testing.T) {
	cwd := t.TempDir()
	cmd := binaryCommand(t, nil, "run", "--quick", "--dir", "out")
	cmd.Dir = cwd
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// About when the probes are done and the workloads run.
	interruptAfter(t, cmd, 15*time.Second, 45*time.Second, &stderr)
	res := readRunResult(t, filepath.Join(cwd, "out"))
	if res.EndReason != "interrupted" || res.Probes.Host == nil {
		t.Errorf("end_reason %q, host probe %v: want interrupted with what was measured", res.EndReason, res.Probes.Host != nil)
	}
	t.Logf("interrupted after %d workloads", len(res.Workloads))
	assertOnlyEntry(t, cwd, "out")
}

// readRunResult reads dir's result.json and checks the report beside it.
func readRunResult(t *testing.T, dir string) *result.Result {
	t.Helper()
	res, err := result.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Schema != "etcdtune.result/v1" {
		t.Errorf("schema %q", res.Schema)
	}
	if fi, err := os.Stat(filepath.Join(dir, reports.ReportFile)); err != nil || fi.Size() == 0 {
		t.Errorf("no report.html: %v", err)
	}
	return res
}

func verdictsOf(res *result.Result) map[string]string {
	v := map[string]string{}
	for _, a := range res.Advice {
		if a.Scope == result.ScopeVerdict {
			v[a.Setting] = a.Value
		}
	}
	return v
}

// assertOnlyEntry checks that dir holds name and nothing else.
func assertOnlyEntry(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %v, want only %s (the embedded etcd's data dir must be removed)", dir, names, name)
	}
}

// run --repeat N --dir D runs into D-1 ... D-N, each folder checked as
// --dir is before any load: one that holds files refuses the whole run
// at once, and the folders made for it are removed.
func TestRunRepeatDirs(t *testing.T) {
	d := filepath.Join(t.TempDir(), "sizing")
	if err := os.MkdirAll(d+"-2", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d+"-2", "result.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	assertOneLineError(t, etcdtune(t, nil, "run", "--repeat", "2", "--dir", d), exitBadInput, d+"-2 already holds files")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v to refuse: the folders must be checked before any measurement", took)
	}
	if _, err := os.Stat(d + "-1"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("run 1's folder was left behind: %v", err)
	}
}

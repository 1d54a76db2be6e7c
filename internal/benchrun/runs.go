package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The reference settings of the comparison with etcd's benchmark: a put
// load of 64 clients over 8 connections, 8-byte keys, 256-byte values, and
// one key (the benchmark's default key space).
const (
	refClients = 64
	refConns   = 8
	refKeySize = 8
	refValSize = 256
)

// Tool names, as the tables show them.
const (
	nameEtcdtune  = "etcdtune"
	nameBenchmark = "benchmark"
)

// runStats is what one run of a load generator measured: its own figures
// (throughput, latency) and what the whole process cost (CPU, peak RSS).
type runStats struct {
	tool       string
	requests   int64
	throughput float64 // req/s, as the tool computes it
	p50, p99   float64 // ms
	p999       float64 // ms
	cpu        time.Duration
	maxRSSKB   int64
	wall       time.Duration
}

// cpuPerRequest is the process's user+sys CPU in µs per request. It counts
// the whole process, start-up, connecting and clean-up included, the same
// way for both tools.
func (r runStats) cpuPerRequest() float64 {
	return float64(r.cpu.Microseconds()) / float64(r.requests)
}

// putTool runs n puts at the reference settings with one load generator.
type putTool struct {
	name string
	run  func(ctx context.Context, n int64) (runStats, error)
}

// putTools are etcdtune and etcd's benchmark against endpoint, in the order
// they take turns.
func putTools(t tools, endpoint, work string) []putTool {
	return []putTool{
		{nameEtcdtune, func(ctx context.Context, n int64) (runStats, error) {
			return runEtcdtune(ctx, t.etcdtune, work, n, "--endpoints", endpoint, "--key-space", "1", "--force",
				"--total", strconv.FormatInt(n, 10))
		}},
		{nameBenchmark, func(ctx context.Context, n int64) (runStats, error) {
			return runBenchmark(ctx, t.benchmark, work, endpoint, n)
		}},
	}
}

// costResult holds every run of the client cost comparison, by tool.
type costResult map[string][]runStats

// runCost runs each tool p.costRepeats times, taking turns (A B A B ...)
// so that a slow spell of the shared machine hits both alike.
func runCost(ctx context.Context, srv *server, t tools, p plan, work string) (costResult, error) {
	res := costResult{}
	for i := range p.costRepeats {
		for _, pt := range putTools(t, srv.endpoint, work) {
			progress("client cost: %s, run %d of %d, %d puts", pt.name, i+1, p.costRepeats, p.costTotal)
			r, err := resetAndRun(ctx, srv, pt, p.costTotal)
			if err != nil {
				return nil, err
			}
			res[pt.name] = append(res[pt.name], r)
		}
	}
	return res, nil
}

// memResult holds, by tool, the run of p.memSmall and the run of p.memLarge
// requests.
type memResult map[string][2]runStats

// runMemory runs each tool once with the small and once with the large
// request count, to see whether its peak memory grows with the run.
func runMemory(ctx context.Context, srv *server, t tools, p plan, work string) (memResult, error) {
	res := memResult{}
	for i, n := range []int64{p.memSmall, p.memLarge} {
		for _, pt := range putTools(t, srv.endpoint, work) {
			progress("memory: %s, %d puts", pt.name, n)
			r, err := resetAndRun(ctx, srv, pt, n)
			if err != nil {
				return nil, err
			}
			pair := res[pt.name]
			pair[i] = r
			res[pt.name] = pair
		}
	}
	return res, nil
}

// resetAndRun compacts and defragments the server, then runs the tool.
func resetAndRun(ctx context.Context, srv *server, pt putTool, n int64) (runStats, error) {
	if err := srv.reset(ctx); err != nil {
		return runStats{}, err
	}
	return pt.run(ctx, n)
}

// runSweep runs etcdtune against its embedded etcd (no --endpoints) at each
// client count of the plan, with at most 8 connections.
func runSweep(ctx context.Context, t tools, p plan, work string) ([]runStats, error) {
	var res []runStats
	for _, c := range p.sweepClients {
		progress("embedded sweep: %d clients for %s", c, p.sweepFor)
		r, err := runEtcdtune(ctx, t.etcdtune, work, 0, "--clients", strconv.Itoa(c),
			"--conns", strconv.Itoa(min(c, refConns)), "--key-space", "10000", "--duration", p.sweepFor.String())
		if err != nil {
			return nil, err
		}
		res = append(res, r)
	}
	return res, nil
}

// runEtcdtune runs `etcdtune bench put` with the reference key and value
// sizes (and, unless extra says otherwise, clients and connections) and
// reads its JSON result. total is the expected request count, 0 for a
// timed run.
func runEtcdtune(ctx context.Context, bin, work string, total int64, extra ...string) (runStats, error) {
	args := append([]string{"bench", "put", "--clients", strconv.Itoa(refClients), "--conns", strconv.Itoa(refConns),
		"--key-size", strconv.Itoa(refKeySize), "--val-size", strconv.Itoa(refValSize), "-o", "json"}, extra...)
	cr, err := runChild(ctx, work, bin, args...)
	if err != nil {
		return runStats{}, err
	}
	r, err := parseEtcdtuneResult(cr.stdout)
	if err == nil && total != 0 && r.requests != total {
		err = fmt.Errorf("%d requests measured, want %d", r.requests, total)
	}
	if err != nil {
		return runStats{}, fmt.Errorf("etcdtune %s: %w", strings.Join(args, " "), err)
	}
	return cr.fill(r), nil
}

// runBenchmark runs etcd's benchmark for n puts at the reference settings
// against endpoint and reads its text summary.
func runBenchmark(ctx context.Context, bin, work, endpoint string, n int64) (runStats, error) {
	args := []string{"--endpoints", endpoint, "--clients", strconv.Itoa(refClients), "--conns", strconv.Itoa(refConns),
		"put", "--key-size", strconv.Itoa(refKeySize), "--val-size", strconv.Itoa(refValSize),
		"--total", strconv.FormatInt(n, 10)}
	cr, err := runChild(ctx, work, bin, args...)
	if err != nil {
		return runStats{}, err
	}
	r, err := parseBenchmarkSummary(cr.stdout)
	if err != nil {
		return runStats{}, fmt.Errorf("benchmark %s: %w", strings.Join(args, " "), err)
	}
	r.requests = n
	return cr.fill(r), nil
}

// childRun is a finished child process: its output and what it cost.
type childRun struct {
	stdout   []byte
	cpu      time.Duration // user + sys
	maxRSSKB int64
	wall     time.Duration
}

// fill adds the process figures to what the tool reported of itself.
func (c childRun) fill(r runStats) runStats {
	r.cpu, r.maxRSSKB, r.wall = c.cpu, c.maxRSSKB, c.wall
	return r
}

// childError is a child process that failed, with the end of its stderr.
type childError struct {
	cmd  string
	err  error
	tail string
}

func (e *childError) Error() string { return fmt.Sprintf("%s: %v", e.cmd, e.err) }
func (e *childError) Unwrap() error { return e.err }

// runChild runs bin to completion with its stdout in memory and its stderr
// (progress bars, notes) in a temporary file under work, which only a
// failure reads back.
func runChild(ctx context.Context, work, bin string, args ...string) (childRun, error) {
	errFile, err := os.CreateTemp(work, filepath.Base(bin)+"-*.stderr")
	if err != nil {
		return childRun{}, fmt.Errorf("stderr file: %w", err)
	}
	defer os.Remove(errFile.Name())
	defer errFile.Close()
	cmd := newCommand(ctx, bin, args...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, errFile
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b, _ := os.ReadFile(errFile.Name())
		return childRun{}, &childError{cmd: filepath.Base(bin) + " " + strings.Join(args, " "), err: err, tail: tail(b)}
	}
	ps := cmd.ProcessState
	return childRun{stdout: stdout.Bytes(), cpu: ps.UserTime() + ps.SystemTime(), maxRSSKB: maxRSSKB(ps), wall: wall}, nil
}

// interruptGrace is how long a child may take to stop after SIGINT: etcdtune
// then deletes the keys it wrote and stops its embedded etcd.
const interruptGrace = 10 * time.Second

// newCommand prepares bin to run until ctx ends, when it gets SIGINT as
// from Ctrl-C, and SIGKILL if it is still there after interruptGrace.
func newCommand(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.SysProcAttr = childProcAttr()
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = interruptGrace
	return cmd
}

// tailLines is how many lines of a child's stderr a failure shows.
const tailLines = 15

// tail returns the last lines of a child's output. Progress bars redraw
// with \r, so that counts as a line end too.
func tail(b []byte) string {
	lines := strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' || r == '\r' })
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return strings.Join(lines, "\n")
}

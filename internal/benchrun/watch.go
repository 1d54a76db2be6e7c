package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// The settings of the watch comparison with etcd's benchmark watch-latency,
// its own defaults but for the counts: every watcher watches the one key,
// 100 watchers a stream, the streams on one connection, 32-byte keys and
// values, puts at a fixed rate.
const (
	watchersPerStream = 100
	watchKeySize      = 32
	watchValSize      = 32
	// etcdtune's keys are its prefix and digits: "/etcdtune/" + 22 digits
	// is as long as the benchmark's 32 random bytes.
	watchKeyDigits = watchKeySize - len("/etcdtune/")
)

// watchPlan is the watch comparison of a pass.
type watchPlan struct {
	watchers []int // the watcher counts compared
	puts     int64 // puts per run: the events are watchers x puts
	rate     int   // puts per second
	repeats  int   // runs of each tool at each count, taking turns
	flat     int64 // the flatness run has flat x puts (at the largest count); 0: none
	only     bool  // the watch comparison only
}

// set applies the flags to the plan; zero (flat: negative) keeps a default.
func (p *watchPlan) set(only bool, watchers string, puts int64, rate, repeats int, flat int64) error {
	p.only = only
	if watchers != "" {
		p.watchers = nil
		for _, f := range strings.Split(watchers, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return fmt.Errorf("-watch-watchers: %q is not a watcher count", f)
			}
			p.watchers = append(p.watchers, n)
		}
	}
	for _, v := range []struct {
		name string
		val  int64
		dst  func(int64)
	}{
		{"-watch-puts", puts, func(v int64) { p.puts = v }},
		{"-watch-rate", int64(rate), func(v int64) { p.rate = int(v) }},
		{"-watch-repeats", int64(repeats), func(v int64) { p.repeats = int(v) }},
	} {
		switch {
		case v.val < 0:
			return fmt.Errorf("%s must not be negative, got %d", v.name, v.val)
		case v.val > 0:
			v.dst(v.val)
		}
	}
	if flat >= 0 {
		p.flat = flat
	}
	return nil
}

// watchRun is one run of a watch load generator.
type watchRun struct {
	runStats  // cpu, maxRSSKB, wall of the process; p99 of the delivery
	watchers  int
	events    int64 // received
	expected  int64
	bad       int64 // missing, duplicated, out of order or unexpected (etcdtune counts them)
	busy      float64
	saturated bool
}

// cpuPerEvent is the process's user+sys CPU in µs per event received.
func (r watchRun) cpuPerEvent() float64 {
	if r.events == 0 {
		return 0
	}
	return float64(r.cpu.Microseconds()) / float64(r.events)
}

// streamsFor is the streams of a watcher count.
func streamsFor(watchers int) int { return max(1, watchers/watchersPerStream) }

// watchTool runs one watch load with a load generator.
type watchTool struct {
	name string
	run  func(ctx context.Context, endpoint string, watchers int, puts int64) (watchRun, error)
}

func watchTools(t tools, p watchPlan, work string) []watchTool {
	return []watchTool{
		{nameEtcdtune, func(ctx context.Context, ep string, watchers int, puts int64) (watchRun, error) {
			return runEtcdtuneWatch(ctx, t.etcdtune, work, ep, watchers, puts, p.rate)
		}},
		{nameBenchmark, func(ctx context.Context, ep string, watchers int, puts int64) (watchRun, error) {
			return runBenchmarkWatch(ctx, t.benchmark, work, ep, watchers, puts, p.rate)
		}},
	}
}

// watchResult holds the comparison's runs by watcher count and tool, and
// the flatness run.
type watchResult struct {
	runs map[int]map[string][]watchRun
	flat *watchRun // etcdtune at the largest count with flat x puts
}

// runWatchComparison runs each tool at each watcher count, each run on an
// etcd process of its own so that none inherits another's watchers or
// memory, then etcdtune's longer run for the flatness of its memory.
func runWatchComparison(ctx context.Context, t tools, p watchPlan, work string) (watchResult, error) {
	res := watchResult{runs: map[int]map[string][]watchRun{}}
	for _, n := range p.watchers {
		res.runs[n] = map[string][]watchRun{}
		for i := range p.repeats {
			for _, wt := range watchTools(t, p, work) {
				progress("watch: %s, %d watchers, %d puts, run %d of %d", wt.name, n, p.puts, i+1, p.repeats)
				r, err := onFreshServer(ctx, t, work, func(ep string) (watchRun, error) { return wt.run(ctx, ep, n, p.puts) })
				if err != nil {
					return res, err
				}
				res.runs[n][wt.name] = append(res.runs[n][wt.name], r)
			}
		}
	}
	if p.flat > 1 && len(p.watchers) > 0 {
		n := p.watchers[len(p.watchers)-1]
		progress("watch memory: etcdtune, %d watchers, %d puts", n, p.flat*p.puts)
		et := watchTools(t, p, work)[0]
		r, err := onFreshServer(ctx, t, work, func(ep string) (watchRun, error) { return et.run(ctx, ep, n, p.flat*p.puts) })
		if err != nil {
			return res, err
		}
		res.flat = &r
	}
	return res, nil
}

// onFreshServer starts an etcd process on a new data dir, runs f against
// it, stops it and removes its data.
func onFreshServer(ctx context.Context, t tools, work string, f func(endpoint string) (watchRun, error)) (r watchRun, err error) {
	dir, err := os.MkdirTemp(work, "watch-")
	if err != nil {
		return r, fmt.Errorf("data dir: %w", err)
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(ctx, t.etcd, dir)
	if err != nil {
		return r, err
	}
	defer func() { err = errors.Join(err, srv.Close()) }()
	return f(srv.endpoint)
}

// runEtcdtuneWatch runs `etcdtune bench watch` at the comparison's
// settings and reads its JSON result. The guard is off, as the benchmark
// has none: a put p99 over a second must not stop the run.
func runEtcdtuneWatch(ctx context.Context, bin, work, endpoint string, watchers int, puts int64, rate int) (watchRun, error) {
	args := []string{"bench", "watch", "--endpoints", endpoint, "--no-guard", "--force", "--conns", "1",
		"--watchers", strconv.Itoa(watchers), "--streams", strconv.Itoa(streamsFor(watchers)),
		"--scope", "key", "--keys", "1", "--key-space", "1", "--key-size", strconv.Itoa(watchKeyDigits),
		"--val-size", strconv.Itoa(watchValSize), "--put-total", strconv.FormatInt(puts, 10), "--put-rate", strconv.Itoa(rate),
		"-o", "json"}
	cr, err := runChild(ctx, work, bin, args...)
	if err != nil {
		return watchRun{}, err
	}
	r, err := parseEtcdtuneWatch(cr.stdout)
	if err != nil {
		return watchRun{}, fmt.Errorf("etcdtune %s: %w", strings.Join(args, " "), err)
	}
	r.watchers, r.runStats = watchers, cr.fill(r.runStats)
	return r, nil
}

// runBenchmarkWatch runs etcd's benchmark watch-latency at the same
// settings. It ends only once every watcher has every event, so its events
// are watchers x puts.
func runBenchmarkWatch(ctx context.Context, bin, work, endpoint string, watchers int, puts int64, rate int) (watchRun, error) {
	streams := streamsFor(watchers)
	args := []string{"--endpoints", endpoint, "watch-latency", "--streams", strconv.Itoa(streams),
		"--watchers-per-stream", strconv.Itoa(watchers / streams), "--put-total", strconv.FormatInt(puts, 10),
		"--put-rate", strconv.Itoa(rate), "--key-size", strconv.Itoa(watchKeySize), "--val-size", strconv.Itoa(watchValSize)}
	cr, err := runChild(ctx, work, bin, args...)
	if err != nil {
		return watchRun{}, err
	}
	r, err := parseBenchmarkWatch(cr.stdout)
	if err != nil {
		return watchRun{}, fmt.Errorf("benchmark %s: %w", strings.Join(args, " "), err)
	}
	n := int64(streams*(watchers/streams)) * puts
	r.watchers, r.events, r.expected, r.runStats = watchers, n, n, cr.fill(r.runStats)
	return r, nil
}

// etcdtuneWatchResult is the part of a bench watch result that benchrun
// reads, by the documented JSON names.
type etcdtuneWatchResult struct {
	EndReason string `json:"end_reason"`
	Workloads []struct {
		Watch *struct {
			EventsExpected   int64 `json:"events_expected"`
			EventsReceived   int64 `json:"events_received"`
			EventsMissing    int64 `json:"events_missing"`
			EventsDuplicated int64 `json:"events_duplicated"`
			EventsOutOfOrder int64 `json:"events_out_of_order"`
			EventsUnexpected int64 `json:"events_unexpected"`
			DeliveryMs       struct {
				P50 float64 `json:"p50"`
				P99 float64 `json:"p99"`
			} `json:"delivery_latency_ms"`
			Client *struct {
				ReceiveBusyShare float64 `json:"receive_busy_share"`
				Saturated        bool    `json:"saturated"`
			} `json:"client"`
		} `json:"watch"`
	} `json:"workloads"`
}

func parseEtcdtuneWatch(out []byte) (watchRun, error) {
	var res etcdtuneWatchResult
	if err := json.Unmarshal(out, &res); err != nil {
		return watchRun{}, fmt.Errorf("read result JSON: %w", err)
	}
	if res.EndReason != "completed" || len(res.Workloads) != 1 || res.Workloads[0].Watch == nil {
		return watchRun{}, fmt.Errorf("run ended %q with %d workloads, want one completed watch workload", res.EndReason, len(res.Workloads))
	}
	w := res.Workloads[0].Watch
	r := watchRun{runStats: runStats{tool: nameEtcdtune, p50: w.DeliveryMs.P50, p99: w.DeliveryMs.P99},
		events: w.EventsReceived, expected: w.EventsExpected,
		bad: w.EventsMissing + w.EventsDuplicated + w.EventsOutOfOrder + w.EventsUnexpected}
	if w.Client != nil {
		r.busy, r.saturated = w.Client.ReceiveBusyShare, w.Client.Saturated
	}
	return r, nil
}

// parseBenchmarkWatch reads the delivery percentiles from the watch part
// of the benchmark's output, which follows the put's summary.
func parseBenchmarkWatch(out []byte) (watchRun, error) {
	_, events, ok := bytes.Cut(out, []byte("Watch events summary:"))
	if !ok {
		return watchRun{}, fmt.Errorf("no watch events summary in the output: %q", firstBytes(out, 200))
	}
	var r watchRun
	r.tool = nameBenchmark
	for _, f := range []struct {
		pct string
		dst *float64
	}{{"50", &r.p50}, {"99", &r.p99}} {
		secs, err := findFloat(events, benchPercentileLine(f.pct), f.pct+"% latency")
		if err != nil {
			return watchRun{}, err
		}
		*f.dst = secs * 1000
	}
	return r, nil
}

// The targets for etcdtune against the benchmark at 10,000 watchers on 100
// streams (3 million events at the default 300 puts): CPU per event, peak
// RSS and delivery p99, as ratios; other counts show their ratios only.
const (
	targetWatchers = 10_000
	watchCPUTarget = 0.5
	watchRSSTarget = 0.25
	watchP99Target = 1.0
)

// printWatch prints every run of the watch comparison, the medians'
// ratios against the targets, and the flatness run.
func printWatch(w io.Writer, res watchResult, p watchPlan) {
	fmt.Fprintf(w, "\nd) Watch fan-out vs etcd's benchmark watch-latency: every watcher on one key, %d watchers a stream,\n", watchersPerStream)
	fmt.Fprintf(w, "   one connection, %d puts at %d/s, key and value %d B; a fresh etcd process for each run, the tools\n", p.puts, p.rate, watchKeySize)
	fmt.Fprintf(w, "   taking turns, %d run(s) each\n", p.repeats)
	runs := newTable("watchers", "tool", "events", "lost/dup", "CPU s", "CPU µs/event", "peak RSS MB", "p50 ms", "p99 ms", "busy", "wall s")
	for _, n := range p.watchers {
		for i := range p.repeats {
			for _, name := range []string{nameEtcdtune, nameBenchmark} {
				r := res.runs[n][name][i]
				lost, busy := "-", "-"
				if name == nameEtcdtune {
					lost, busy = strconv.FormatInt(r.bad+max(0, r.expected-r.events), 10), f2(r.busy)
					if r.saturated {
						busy += " SATURATED"
					}
				}
				runs.add(strconv.Itoa(n), name, strconv.FormatInt(r.events, 10), lost, f1(r.cpu.Seconds()), f2(r.cpuPerEvent()),
					mb(r.maxRSSKB), f1(r.p50), f1(r.p99), busy, f1(r.wall.Seconds()))
			}
		}
	}
	runs.print(w)
	fmt.Fprintln(w, "   CPU and peak RSS (ru_maxrss) are the whole process's; delivery is each tool's own figure: etcdtune's from")
	fmt.Fprintln(w, "   the put's intended send time, the benchmark's from the put's response (an event before it counts 0 ms).")
	fmt.Fprintln(w, "   busy: share of etcdtune's receive loops' time spent handling responses rather than waiting for them.")
	fmt.Fprintln(w)
	ratios := newTable("etcdtune/benchmark", "CPU/event", "target", "peak RSS", "target", "delivery p99", "target")
	for _, n := range p.watchers {
		et, bm := res.runs[n][nameEtcdtune], res.runs[n][nameBenchmark]
		cpu := median(et, watchRun.cpuPerEvent) / median(bm, watchRun.cpuPerEvent)
		rss := median(et, watchRSS) / median(bm, watchRSS)
		p99 := median(et, watchP99) / median(bm, watchP99)
		if n != targetWatchers {
			ratios.add(strconv.Itoa(n)+" watchers", f2(cpu), "-", f2(rss), "-", f2(p99), "-")
			continue
		}
		ratios.add(strconv.Itoa(n)+" watchers", f2(cpu), judge(cpu, watchCPUTarget), f2(rss), judge(rss, watchRSSTarget), f2(p99), judge(p99, watchP99Target))
	}
	ratios.print(w)
	if res.flat != nil {
		printWatchFlatness(w, res, p)
	}
}

// printWatchFlatness compares etcdtune's peak RSS at the largest count
// with p.flat times the events.
func printWatchFlatness(w io.Writer, res watchResult, p watchPlan) {
	n := p.watchers[len(p.watchers)-1]
	small, large := res.runs[n][nameEtcdtune], *res.flat
	fmt.Fprintf(w, "\ne) Watch memory flatness: etcdtune's peak RSS with %d watchers, %d and %d puts (%s and %s events)\n",
		n, p.puts, p.flat*p.puts, count(int64(n)*p.puts), count(int64(n)*p.flat*p.puts))
	t := newTable("puts", "events", "lost/dup", "peak RSS MB", "CPU µs/event", "p99 ms", "busy")
	for i, r := range append(small, large) {
		puts := p.puts
		if i == len(small) {
			puts = p.flat * p.puts
		}
		t.add(strconv.FormatInt(puts, 10), strconv.FormatInt(r.events, 10), strconv.FormatInt(r.bad+max(0, r.expected-r.events), 10),
			mb(r.maxRSSKB), f2(r.cpuPerEvent()), f1(r.p99), f2(r.busy))
	}
	t.print(w)
	ratio := float64(large.maxRSSKB) / median(small, watchRSS)
	fmt.Fprintf(w, "   peak RSS %dx the events / the median of the shorter runs: %.2f (%s)\n", p.flat, ratio, judge(ratio, flatnessTarget))
}

func watchRSS(r watchRun) float64 { return float64(r.maxRSSKB) }
func watchP99(r watchRun) float64 { return r.p99 }

// judge says whether a ratio met its target (at most).
func judge(ratio, target float64) string {
	if ratio <= target {
		return fmt.Sprintf("<= %.2f met", target)
	}
	return fmt.Sprintf("<= %.2f NOT met", target)
}

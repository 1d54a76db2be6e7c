// Command benchrun measures etcdtune as a whole process, the way a user runs
// it, against a real etcd process on this machine, and measures etcd's own
// benchmark tool (tools/benchmark) at the same settings in the same run as the
// reference. It prints plain tables: client cost per request, peak memory as
// the request count grows, and throughput and latency by client count.
//
// Run it from the module root (make bench does): go run ./internal/benchrun [-quick].
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	quick := flag.Bool("quick", false, "fewer requests and shorter runs, for a faster, rougher pass")
	costOnly := flag.Bool("cost-only", false, "measure only the client cost comparison (table a)")
	repeats := flag.Int("repeats", 0, "runs of each tool in the client cost comparison (default 3); more rides over a noisy machine")
	watchOnly := flag.Bool("watch-only", false, "measure only the watch comparison (tables d and e)")
	watchers := flag.String("watch-watchers", "", "watcher counts of the watch comparison, comma-separated (default 1000,10000; quick 100,1000)")
	watchPuts := flag.Int64("watch-puts", 0, "puts per watch run: its events are watchers x puts (default 300; quick 100)")
	watchRate := flag.Int("watch-rate", 0, "puts per second of the watch runs (default 30)")
	watchRepeats := flag.Int("watch-repeats", 0, "runs of each tool at each watcher count, taking turns; the ratios are of the medians (default 1)")
	watchFlat := flag.Int64("watch-flat", -1, "etcdtune's memory flatness run has this many times the puts, at the largest count (default 10; 0: none)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	p := newPlan(*quick)
	if *repeats > 0 {
		p.costRepeats = *repeats
	}
	p.costOnly = *costOnly
	if err := p.watch.set(*watchOnly, *watchers, *watchPuts, *watchRate, *watchRepeats, *watchFlat); err != nil {
		fmt.Fprintf(os.Stderr, "benchrun: %v\n", err)
		os.Exit(2)
	}
	err := run(ctx, os.Stdout, p)
	stop()
	if err != nil {
		printError(os.Stderr, err)
		os.Exit(1)
	}
}

// plan is what a pass measures: request counts, repeats and durations.
type plan struct {
	quick        bool
	costOnly     bool          // table a) only
	costTotal    int64         // requests per run of the client cost comparison
	costRepeats  int           // runs of each tool, interleaved
	memSmall     int64         // requests of the smaller memory run
	memLarge     int64         // requests of the larger memory run
	sweepClients []int         // client counts of the embedded sweep
	sweepFor     time.Duration // length of each sweep run
	watch        watchPlan     // tables d) and e)
}

// newPlan returns the full plan, or the quick one.
func newPlan(quick bool) plan {
	p := plan{costTotal: 100_000, costRepeats: 3, memSmall: 100_000, memLarge: 1_000_000,
		sweepClients: []int{1, 16, 64, 256}, sweepFor: 10 * time.Second}
	p.watch = watchPlan{watchers: []int{1000, 10_000}, puts: 300, rate: 30, repeats: 1, flat: 10}
	if quick {
		p.quick, p.costTotal, p.memSmall, p.memLarge, p.sweepFor = true, 20_000, 20_000, 200_000, 3*time.Second
		p.watch.watchers, p.watch.puts = []int{100, 1000}, 100
	}
	return p
}

// run builds the tools, starts etcd and runs every measurement, printing
// each table as soon as it is complete.
func run(ctx context.Context, w io.Writer, p plan) error {
	work, err := os.MkdirTemp("", "etcdtune-benchrun-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(work)
	started := time.Now()
	t, err := buildTools(ctx, work)
	if err != nil {
		return err
	}
	printHeader(w, t, p, started)
	if !p.watch.only {
		if err := runAgainstServer(ctx, w, t, p, work); err != nil {
			return err
		}
		if p.costOnly {
			return nil
		}
		sweep, err := runSweep(ctx, t, p, work)
		if err != nil {
			return err
		}
		printSweep(w, sweep, p)
	}
	wres, err := runWatchComparison(ctx, t, p.watch, work)
	if err != nil {
		return err
	}
	printWatch(w, wres, p.watch)
	fmt.Fprintf(w, "\ntotal time: %s\n", time.Since(started).Round(time.Second))
	return nil
}

// runAgainstServer runs the client cost comparison and the memory runs
// against one etcd process, which it stops before returning so that the
// embedded sweep has the cores to itself.
func runAgainstServer(ctx context.Context, w io.Writer, t tools, p plan, work string) (err error) {
	srv, err := startServer(ctx, t.etcd, work)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, srv.Close()) }()
	cost, err := runCost(ctx, srv, t, p, work)
	if err != nil {
		return err
	}
	printCost(w, cost, p)
	if p.costOnly {
		return nil
	}
	mem, err := runMemory(ctx, srv, t, p, work)
	if err != nil {
		return err
	}
	printMemory(w, mem, p)
	return nil
}

// printError writes the error's first line as the one-line message, and
// anything more (a child's stderr tail, an etcd log tail) indented below it.
func printError(w io.Writer, err error) {
	first, rest, _ := strings.Cut(err.Error(), "\n")
	fmt.Fprintf(w, "benchrun: %s\n", first)
	var ce *childError
	if errors.As(err, &ce) && ce.tail != "" {
		rest = strings.TrimSpace(rest + "\nend of its stderr:\n" + ce.tail)
	}
	for _, line := range strings.Split(rest, "\n") {
		if line != "" {
			fmt.Fprintf(w, "  | %s\n", line)
		}
	}
}

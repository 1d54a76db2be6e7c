// Command etcdtune tells how an etcd cluster will behave and how to set it
// up: it drives real load, measures the machine and the network, and
// recommends the settings.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// defaultGCPercent is the garbage collector's target unless GOGC is set.
// etcdtune's live heap is small and bounded (histograms are allocated up
// front) and its garbage is the per-request objects of gRPC, so collecting
// less often costs a few MB and gives the CPU back to the load and, on the
// same machine, to the etcd under test (about 15% less CPU per request).
const defaultGCPercent = 400

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(defaultGCPercent)
	}
	os.Exit(run(os.Args[1:]))
}

// run executes the command line on the process's stdout and stderr and
// returns the exit code. The first Ctrl-C cancels the context, so the load
// stops and the partial result is still written; a second one exits at
// once.
func run(args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "etcdtune: interrupted: stopping the load and writing the partial result (Ctrl-C again to quit at once)")
		cancel()
		<-sigs
		os.Exit(exitInterrupted)
	}()
	return Main(ctx, args, os.Stdout, os.Stderr)
}

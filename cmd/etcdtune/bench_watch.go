package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads/watch"
)

type benchWatchOptions struct {
	benchOptions
	watchers  int
	streams   int
	scope     string
	keys      uint64
	history   int64
	fromRev   int64
	slow      int
	slowDelay time.Duration
}

func newBenchWatchCommand() *cobra.Command {
	o := &benchWatchOptions{}
	o.fixedWindows = true // the watchers' backlog stays in etcd, not in the client
	cmd := newBenchSubcommand(&cobra.Command{
		Use:   "watch",
		Short: "Watch keys while a driver puts them: event delivery latency, creation, catch-up and integrity",
		Example: `  etcdtune bench watch --watchers 1000 --streams 10 --put-rate 200 --put-total 2000
  etcdtune bench watch --scope key --keys 10 --key-space 1000 --watchers 500
  etcdtune bench watch --history 5000 --slow-watchers 2`,
		PreRun: func(cmd *cobra.Command, _ []string) {
			if fs := cmd.Flags(); fs.Changed("duration") && !fs.Changed("put-total") && !fs.Changed("total") {
				o.total = 0 // --duration instead of the default --put-total
			}
		},
	}, &o.benchOptions, o.workload)
	fs := cmd.Flags()
	// The driver's puts are the engine's load, open loop by default: its
	// --rate and --total under the names that say what they drive.
	fs.Float64Var(&o.rate, "put-rate", 100, "puts per second the driver sends, on schedule (0: closed loop with --clients)")
	fs.Int64Var(&o.total, "put-total", 1000, "puts the driver sends (0: for --duration)")
	fs.MarkHidden("rate")
	fs.MarkHidden("total")
	fs.IntVar(&o.watchers, "watchers", 100, "watchers that read as fast as they can")
	fs.IntVar(&o.streams, "streams", 1, "gRPC watch streams the watchers share, spread over --conns (gRPC allows about 100 streams a connection)")
	fs.StringVar(&o.scope, "scope", watch.ScopePrefix, "what each watcher watches: key (--keys consecutive keys) or prefix (every key of the run)")
	fs.Uint64Var(&o.keys, "keys", 1, "with --scope key: keys per watcher (1: one key)")
	fs.Int64Var(&o.history, "history", 0, "start the watchers this many revisions in the past, so they replay them first (as a resumed apiserver watch)")
	fs.Int64Var(&o.fromRev, "from-rev", 0, "start the watchers at this revision instead of --history")
	fs.IntVar(&o.slow, "slow-watchers", 0, "watchers that read slowly, each on a stream of its own, to see what etcd does with them")
	fs.DurationVar(&o.slowDelay, "slow-delay", 50*time.Millisecond, "how long a slow watcher waits before each read")
	return cmd
}

func (o *benchWatchOptions) workload() (engine.Workload, error) {
	return watch.New(watch.Options{Keys: o.keySpec(), ValSize: o.valSize,
		Watchers: o.watchers, Streams: o.streams, Scope: o.scope, KeysPer: o.keys,
		History: o.history, FromRev: o.fromRev, Slow: o.slow, SlowDelay: o.slowDelay})
}

package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads"
)

type benchRangeOptions struct {
	benchOptions
	preload     uint64
	scope       string
	consistency string
	limit       int64
	keysOnly    bool
	countOnly   bool
}

func newBenchRangeCommand() *cobra.Command {
	o := &benchRangeOptions{}
	cmd := newBenchSubcommand(&cobra.Command{
		Use:   "range",
		Short: "Read keys that it preloads first: one key a request, or the whole prefix",
		Example: `  etcdtune bench range --duration 10s
  etcdtune bench range --consistency s --key-dist zipf --preload 100000 --key-space 100000
  etcdtune bench range --scope prefix --limit 500 --keys-only`,
		PreRun: func(cmd *cobra.Command, _ []string) { preloadKeySpace(cmd, &o.preload, o.keySpace) },
	}, &o.benchOptions, o.workload)
	fs := cmd.Flags()
	addPreloadFlag(fs, &o.preload)
	fs.StringVar(&o.scope, "scope", workloads.ScopeKey, "key: one key a request; prefix: the whole prefix")
	fs.StringVar(&o.consistency, "consistency", workloads.Linearizable, "l: linearizable (read index through the leader); s: serializable (local)")
	fs.Int64Var(&o.limit, "limit", 0, "most keys a range returns (0: all)")
	fs.BoolVar(&o.keysOnly, "keys-only", false, "return keys without values")
	fs.BoolVar(&o.countOnly, "count-only", false, "return only the count")
	return cmd
}

func (o *benchRangeOptions) workload() (engine.Workload, error) {
	return workloads.NewRange(workloads.RangeOptions{Keys: o.keySpec(), ValSize: o.valSize,
		Preload: o.preload, Scope: o.scope, Consistency: o.consistency, Limit: o.limit,
		KeysOnly: o.keysOnly, CountOnly: o.countOnly})
}

// addPreloadFlag is --preload of the kinds that read what they wrote first.
func addPreloadFlag(fs *pflag.FlagSet, preload *uint64) {
	fs.Uint64Var(preload, "preload", 0, "keys written before the load (default: --key-space)")
}

// preloadKeySpace makes --preload, when not given, the whole key space, so
// that every read finds a key.
func preloadKeySpace(cmd *cobra.Command, preload *uint64, keySpace uint64) {
	if !cmd.Flags().Changed("preload") {
		*preload = keySpace
	}
}

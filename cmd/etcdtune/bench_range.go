package main

import (
	"github.com/spf13/cobra"

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
	o.findMax = addFindMaxFlags(cmd.Flags())
	return cmd
}

func (o *benchRangeOptions) workload() (engine.Workload, error) {
	return workloads.NewRange(workloads.RangeOptions{Keys: o.keySpec(), ValSize: o.valSize,
		Preload: o.preload, Scope: o.scope, Consistency: o.consistency, Limit: o.limit,
		KeysOnly: o.keysOnly, CountOnly: o.countOnly})
}

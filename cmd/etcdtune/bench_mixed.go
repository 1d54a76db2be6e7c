package main

import (
	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads"
)

type benchMixedOptions struct {
	benchOptions
	readRatio   float64
	txnRatio    float64
	preload     uint64
	consistency string
}

func newBenchMixedCommand() *cobra.Command {
	o := &benchMixedOptions{}
	cmd := newBenchSubcommand(&cobra.Command{
		Use:   "mixed",
		Short: "Reads, writes and optionally compare-and-swap txns on one key space in one run",
		Long: `Each request is a single-key range (--read-ratio of them), a compare-and-swap update as bench
txn sends it (--txn-ratio) or a put (the rest), chosen at random; each kind has its own latency.
The key space is preloaded first so that the reads find data.`,
		Example: `  etcdtune bench mixed --read-ratio 0.9 --duration 10s
  etcdtune bench mixed --read-ratio 0.7 --txn-ratio 0.1 --consistency s`,
		PreRun: func(cmd *cobra.Command, _ []string) { preloadKeySpace(cmd, &o.preload, o.keySpace) },
	}, &o.benchOptions, o.workload)
	fs := cmd.Flags()
	fs.Float64Var(&o.readRatio, "read-ratio", 0.5, "share of requests that are ranges, 0 to 1")
	fs.Float64Var(&o.txnRatio, "txn-ratio", 0, "share of requests that are compare-and-swap txns; the rest are puts")
	addPreloadFlag(fs, &o.preload)
	fs.StringVar(&o.consistency, "consistency", workloads.Linearizable, "reads: l linearizable, s serializable")
	o.findMax = addFindMaxFlags(cmd.Flags())
	return cmd
}

func (o *benchMixedOptions) workload() (engine.Workload, error) {
	return workloads.NewMixed(workloads.MixedOptions{Keys: o.keySpec(), ValSize: o.valSize,
		ReadRatio: o.readRatio, TxnRatio: o.txnRatio, Preload: o.preload, Consistency: o.consistency})
}

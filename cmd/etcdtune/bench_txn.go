package main

import (
	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads"
)

type benchTxnOptions struct {
	benchOptions
	mode     string
	txnOps   int
	txnReads int
}

func newBenchTxnCommand() *cobra.Command {
	o := &benchTxnOptions{}
	cmd := newBenchSubcommand(&cobra.Command{
		Use:   "txn",
		Short: "Send transactions: compare-and-swap updates that retry on conflict, or txns of reads and writes",
		Long: `With --mode cas (the default) each request is one successful update of a counter key, as
kube-apiserver's GuaranteedUpdate makes it: read the key, then Txn(If mod_revision == read,
Then Put, Else Get), retrying from the Else branch's value on a conflict. The latency is that of
the whole update, retries included; successes, conflicts and retries are counted.
With --mode rw each request is one Txn of --txn-ops operations on consecutive keys, --txn-reads
of them ranges and the rest puts (the key space is preloaded when there are reads).`,
		Example: `  etcdtune bench txn --key-space 16 --clients 64 --duration 10s
  etcdtune bench txn --mode rw --txn-ops 8 --txn-reads 4`,
		PreRun: func(cmd *cobra.Command, _ []string) {
			fs := cmd.Flags()
			if o.mode == workloads.TxnModeCAS && !fs.Changed("txn-ops") && !fs.Changed("txn-reads") {
				o.txnOps, o.txnReads = 0, 0 // the defaults shape rw txns only
			}
		},
	}, &o.benchOptions, o.workload)
	fs := cmd.Flags()
	fs.StringVar(&o.mode, "mode", workloads.TxnModeCAS, "cas: compare-and-swap updates, retried on conflict; rw: txns of reads and writes")
	fs.IntVar(&o.txnOps, "txn-ops", 4, "--mode rw: operations in each txn")
	fs.IntVar(&o.txnReads, "txn-reads", 2, "--mode rw: of --txn-ops, how many are ranges (the rest are puts)")
	o.findMax = addFindMaxFlags(cmd.Flags())
	return cmd
}

func (o *benchTxnOptions) workload() (engine.Workload, error) {
	return workloads.NewTxn(workloads.TxnOptions{Keys: o.keySpec(), ValSize: o.valSize,
		Mode: o.mode, TxnOps: o.txnOps, TxnReads: o.txnReads})
}

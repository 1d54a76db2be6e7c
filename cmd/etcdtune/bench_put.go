package main

import (
	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads"
)

type benchPutOptions struct {
	benchOptions
	txnOps int
}

func newBenchPutCommand() *cobra.Command {
	o := &benchPutOptions{}
	cmd := newBenchSubcommand(&cobra.Command{
		Use:   "put",
		Short: "Write values under the prefix (Put, or a Txn of puts with --txn-ops)",
		Example: `  etcdtune bench put --duration 10s
  etcdtune bench put --endpoints 10.0.0.1:2379 --clients 64 --conns 8 --key-space 1 --total 100000
  etcdtune bench put --rate 2000 --duration 30s -o json --out put.json`,
	}, &o.benchOptions, o.workload)
	cmd.Flags().IntVar(&o.txnOps, "txn-ops", 0, "send each write as one Txn of this many puts (0: plain Put)")
	o.findMax = addFindMaxFlags(cmd.Flags())
	return cmd
}

func (o *benchPutOptions) workload() (engine.Workload, error) {
	return workloads.NewPut(workloads.PutOptions{Keys: o.keySpec(), ValSize: o.valSize, TxnOps: o.txnOps})
}

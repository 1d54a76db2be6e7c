package main

import (
	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads"
)

type benchLeaseOptions struct {
	benchOptions
	ttl          int64
	keysPerLease int
	keepAlives   int
	expire       uint64
	expireTTL    int64
}

func newBenchLeaseCommand() *cobra.Command {
	o := &benchLeaseOptions{}
	cmd := newBenchSubcommand(&cobra.Command{
		Use:   "lease",
		Short: "Grant leases, put keys on them, keep them alive and revoke them; optionally let a burst expire",
		Long: `Each worker walks one lease at a time through its life, one request each: grant, --keys-per-lease
puts of keys attached to it, --keepalives keep-alives on the worker's stream, revoke. Each kind has
its own rate and latency.
--expire N first puts N keys, each on its own lease of --expire-ttl seconds, after the key space,
and watches them: the result gives the time from each lease's TTL end to its key's delete event,
and counts the leases expired, the delete events seen and missing. etcd revokes at most 1000
expired leases a second, so a large burst takes a while to clear; the run waits for it.`,
		Example: `  etcdtune bench lease --duration 10s
  etcdtune bench lease --keys-per-lease 4 --keepalives 10 --clients 16
  etcdtune bench lease --expire 10000 --expire-ttl 5 --clients 4 --duration 5s`,
	}, &o.benchOptions, o.workload)
	fs := cmd.Flags()
	fs.Int64Var(&o.ttl, "ttl", 60, "TTL in seconds of the leases the workers grant")
	fs.IntVar(&o.keysPerLease, "keys-per-lease", 1, "keys put on each lease after its grant")
	fs.IntVar(&o.keepAlives, "keepalives", 1, "keep-alives of each lease before its revoke")
	fs.Uint64Var(&o.expire, "expire", 0, "keys put on short leases before the load and left to expire during it (0: none)")
	fs.Int64Var(&o.expireTTL, "expire-ttl", 5, "TTL in seconds of the --expire leases (etcd's minimum is 2 at its default election timeout)")
	return cmd
}

func (o *benchLeaseOptions) workload() (engine.Workload, error) {
	return workloads.NewLease(workloads.LeaseOptions{Keys: o.keySpec(), ValSize: o.valSize,
		TTL: o.ttl, KeysPerLease: o.keysPerLease, KeepAlives: o.keepAlives,
		Expire: o.expire, ExpireTTL: o.expireTTL})
}

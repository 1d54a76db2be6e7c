package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

type probeKeyspaceOptions struct {
	conn     connOptions
	keyspace probes.KeyspaceOptions
	output   string
}

func newProbeKeyspaceCommand() *cobra.Command {
	o := &probeKeyspaceOptions{}
	cmd := newProbeSubcommand("keyspace", "What an existing cluster holds, per prefix (per Kubernetes resource), read-only and gently",
		`Reads the keys under --prefix (default /registry/, where Kubernetes keeps its
objects; when it holds nothing, the whole keyspace by top-level segment) with
serializable, paginated reads at --rate reads per second, and reports per
prefix the keys and their bytes, the largest objects, those over 1 MiB (near
etcd's 1.5 MiB request limit) and the share of Kubernetes events. It writes
nothing.`, &o.output, o.measure)
	fs := cmd.Flags()
	o.conn.addFlags(fs)
	fs.StringVar(&o.keyspace.Prefix, "prefix", probes.DefaultKeyspacePrefix, "root of the keys to read")
	fs.Int64Var(&o.keyspace.PageSize, "page-size", probes.DefaultKeyspacePageSize, "keys per read")
	fs.Float64Var(&o.keyspace.Rate, "rate", probes.DefaultKeyspaceRate, "reads per second, at most")
	fs.Int64Var(&o.keyspace.Sample, "sample", 0, "stop after this many keys (0: read them all)")
	fs.IntVar(&o.keyspace.Top, "top", probes.DefaultKeyspaceTop, "largest objects to list")
	return cmd
}

// measure reads an existing cluster only: without --endpoints there is
// nothing to read, so no embedded etcd is started.
func (o *probeKeyspaceOptions) measure(cmd *cobra.Command) (*result.Keyspace, error) {
	if err := checkProbeOutput(o.output); err != nil {
		return nil, err
	}
	if err := o.keyspace.Validate(); err != nil {
		return nil, badInput(err)
	}
	topts, err := o.conn.targetOptions(cmd.ErrOrStderr())
	if err != nil {
		return nil, err
	}
	if len(topts.Endpoints) == 0 {
		return nil, badInput(fmt.Errorf("probe keyspace reads an existing cluster: give --endpoints (or ETCDCTL_ENDPOINTS)"))
	}
	o.keyspace.Fallback = !cmd.Flags().Changed("prefix")
	ctx := cmd.Context()
	t, err := etcdconn.Open(ctx, topts, 1)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	ks, err := probes.Keyspace(ctx, t.Clients()[0], o.keyspace)
	if err != nil {
		return nil, probeError(cmd, err)
	}
	return ks, nil
}

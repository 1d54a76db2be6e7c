package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
)

type probeClusterOptions struct {
	conn        connOptions
	window      time.Duration
	metricsURLs []string
	output      string
}

func newProbeClusterCommand() *cobra.Command {
	o := &probeClusterOptions{}
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Members, leader, versions, raft state, db sizes, alarms, health, and the server metrics over a window",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	o.conn.addFlags(cmd.Flags())
	cmd.Flags().DurationVar(&o.window, "window", 30*time.Second, "how long to watch the server metrics (scraped before and after)")
	addMetricsURLsFlag(cmd, &o.metricsURLs)
	addProbeOutputFlag(cmd.Flags(), &o.output, "cluster")
	return cmd
}

func (o *probeClusterOptions) run(cmd *cobra.Command) error {
	cfg := probes.ClusterOptions{Window: o.window, MetricsURLs: o.metricsURLs, RequestTimeout: o.conn.commandTimeout}
	t, err := openProbeTarget(cmd, &o.conn, o.output, cfg.Validate)
	if err != nil {
		return err
	}
	defer t.Close()
	res, err := probes.Cluster(cmd.Context(), t, cfg)
	if err != nil {
		return probeError(cmd, err)
	}
	return writeFinding(cmd.OutOrStdout(), o.output, res)
}

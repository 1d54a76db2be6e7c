package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

type probeClusterOptions struct {
	conn        connOptions
	window      time.Duration
	metricsURLs []string
	output      string
}

func newProbeClusterCommand() *cobra.Command {
	o := &probeClusterOptions{}
	cmd := newProbeSubcommand("cluster", "Members, leader, versions, raft state, db sizes, alarms, health, and the server metrics over a window",
		"", &o.output, o.measure)
	o.conn.addFlags(cmd.Flags())
	cmd.Flags().DurationVar(&o.window, "window", 30*time.Second, "how long to watch the server metrics (scraped before and after)")
	addMetricsURLsFlag(cmd, &o.metricsURLs)
	return cmd
}

func (o *probeClusterOptions) measure(cmd *cobra.Command) (*result.Cluster, error) {
	cfg := probes.ClusterOptions{Window: o.window, MetricsURLs: o.metricsURLs, RequestTimeout: o.conn.commandTimeout}
	return measureOnTarget(cmd, &o.conn, o.output, cfg.Validate, probes.Cluster, cfg)
}

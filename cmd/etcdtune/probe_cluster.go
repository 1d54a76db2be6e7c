package main

import (
	"fmt"
	"io"
	"text/tabwriter"
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
	cmd.Flags().StringVarP(&o.output, "output", "o", outputTable, "output format: table or json (the result file's probes.cluster)")
	return cmd
}

func (o *probeClusterOptions) run(cmd *cobra.Command) error {
	cfg := probes.ClusterConfig{Window: o.window, MetricsURLs: o.metricsURLs, RequestTimeout: o.conn.commandTimeout}
	t, err := openProbeTarget(cmd, &o.conn, o.output, cfg.Validate)
	if err != nil {
		return err
	}
	defer t.Close()
	res, err := probes.ProbeCluster(cmd.Context(), t, cfg)
	if err != nil {
		return probeError(cmd, err)
	}
	return writeFinding(cmd.OutOrStdout(), o.output, res, func(w io.Writer) error { return clusterTable(w, res) })
}

func clusterTable(w io.Writer, c *probes.Cluster) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cluster %s, leader %s, %d alarms\n", c.ClusterID, c.Leader, len(c.Alarms))
	for _, a := range c.Alarms {
		fmt.Fprintf(tw, "ALARM %s on %s\n", a.Alarm, a.MemberID)
	}
	fmt.Fprintln(tw, "ID\tNAME\tENDPOINT\tVERSION\tROLE\tTERM\tINDEX\tDB MB\tIN USE MB\tHEALTHY")
	for _, m := range c.Members {
		role := "follower"
		switch {
		case m.IsLearner:
			role = "learner"
		case m.IsLeader:
			role = "leader"
		}
		healthy := "-"
		if m.Healthy != nil {
			healthy = fmt.Sprint(*m.Healthy)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%.1f\t%.1f\t%s\n", m.ID, m.Name, m.Endpoint, m.Version, role,
			m.RaftTerm, m.RaftIndex, float64(m.DBSizeBytes)/1e6, float64(m.DBInUseBytes)/1e6, healthy)
	}
	w8 := c.Window
	fmt.Fprintf(tw, "\nserver metrics over %.1f s\n", w8.WindowS)
	fmt.Fprintln(tw, "ID\tWAL FSYNC P99 ms\tCOMMIT P99 ms\tPEER RTT P99 ms\tLEADER CHANGES\tSLOW APPLIES\tFAILED\tPENDING\tCOMMIT-APPLY\tHAS LEADER")
	for _, m := range w8.Members {
		if m.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\n", m.ID, m.Error)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%v\n", m.ID, p99Text(m.WALFsync), p99Text(m.BackendCommit),
			m.PeerRTTP99Ms, m.LeaderChanges, m.SlowApplies, m.ProposalsFailed, m.ProposalsPending, m.CommittedMinusApplied, m.HasLeader)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "note: %s\n", w8.Note)
	return err
}

func p99Text(h probes.WindowHistogram) string {
	if h.P99 == nil {
		return "none"
	}
	return fmt.Sprintf("%.2f %s", h.P99.Ms, bucketText(*h.P99))
}

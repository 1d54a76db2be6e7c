package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/buildinfo"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/probes"
)

type probeRTTOptions struct {
	conn        connOptions
	samples     int
	metricsURLs []string
	peers       peerProbeOptions
	output      string
}

func newProbeRTTCommand() *cobra.Command {
	o := &probeRTTOptions{}
	cmd := &cobra.Command{
		Use:   "rtt",
		Short: "Round trip from here to each member, and between members as etcd measures it",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	o.conn.addFlags(cmd.Flags())
	cmd.Flags().IntVar(&o.samples, "samples", 1000, "timed requests to each member")
	addMetricsURLsFlag(cmd, &o.metricsURLs)
	o.peers.addFlags(cmd)
	cmd.Flags().StringVarP(&o.output, "output", "o", outputTable, "output format: table or json (the result file's probes.rtt)")
	return cmd
}

func addMetricsURLsFlag(cmd *cobra.Command, urls *[]string) {
	cmd.Flags().StringSliceVar(urls, "metrics-urls", nil, "each member's /metrics URL, one per endpoint in the same order (default: the client URL + /metrics)")
}

func (o *probeRTTOptions) run(cmd *cobra.Command) error {
	res, err := o.measure(cmd)
	if err != nil || res == nil {
		return err
	}
	return writeFinding(cmd.OutOrStdout(), o.output, res, func(w io.Writer) error { return rttTable(w, res) })
}

// measure times the client round trips and reads etcd's peer figures, and
// times the peer URLs when given; with peer URLs and no endpoints, only
// those (a cluster without a leader answers nothing else).
func (o *probeRTTOptions) measure(cmd *cobra.Command) (*probes.RTT, error) {
	only, err := onlyPeers(cmd, &o.peers, &o.conn)
	if err != nil {
		return nil, err
	}
	if only {
		if err := checkProbeOutput(o.output); err != nil {
			return nil, err
		}
		return peerOnlyRTT(cmd, &o.peers, &o.conn)
	}
	cfg := probes.RTTConfig{Samples: o.samples, RequestTimeout: o.conn.commandTimeout, MetricsURLs: o.metricsURLs}
	t, err := openProbeTarget(cmd, &o.conn, o.output, func() error {
		if err := cfg.Validate(); err != nil {
			return err
		}
		return o.peers.validate(&o.conn)
	})
	if err != nil {
		return nil, err
	}
	defer t.Close()
	res, err := probes.MeasureRTT(cmd.Context(), t, cfg)
	if err == nil && o.peers.given() {
		err = res.AddPeerProbing(cmd.Context(), o.peers.urls, o.peers.config(&o.conn))
	}
	if err != nil {
		return nil, probeError(cmd, err)
	}
	return res, nil
}

// openProbeTarget checks the flags (validate is the probe's own check),
// then connects as the bench commands do.
func openProbeTarget(cmd *cobra.Command, conn *connOptions, output string, validate func() error) (*etcdconn.Target, error) {
	if err := applyEnv(cmd.Flags()); err != nil {
		return nil, err
	}
	topts, err := conn.targetOptions(cmd.ErrOrStderr())
	if err != nil {
		return nil, err
	}
	if err := checkProbeOutput(output); err != nil {
		return nil, err
	}
	if err := validate(); err != nil {
		return nil, probeError(cmd, err)
	}
	if len(topts.Endpoints) == 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "no --endpoints: starting an embedded etcd %s on this machine (data dir: %s)\n",
			buildinfo.EtcdVersion(), describeDataDir(topts.DataDir))
	}
	return etcdconn.Open(cmd.Context(), topts, 1)
}

func rttTable(w io.Writer, r *probes.RTT) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(r.Members) > 0 { // none when only --peer-urls were timed
		fmt.Fprintf(tw, "client -> member (%s)\n", r.Method)
		fmt.Fprintln(tw, "ENDPOINT\tSAMPLES\tERRORS\tP50 ms\tP90 ms\tP99 ms\tMAX ms\tMEAN ms")
		for _, m := range r.Members {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", m.Endpoint, m.Samples, m.Errors, m.P50Ms, m.P90Ms, m.P99Ms, m.MaxMs, m.MeanMs)
		}
	}
	fmt.Fprintln(tw, "\npeer -> peer (etcd_network_peer_round_trip_time_seconds, or timed GET /raft/probing from this host)")
	fmt.Fprintln(tw, "FROM\tTO\tOBSERVATIONS\tMEAN ms\tP99 ms\tP99 BUCKET ms")
	for _, p := range r.Peers {
		bucket := bucketText(p.P99)
		if p.Source != "" {
			bucket = "exact (timed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%.2f\t%s\n", p.From, p.To, p.Observations, p.MeanMs, p.P99.Ms, bucket)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "note: %s\n", r.PeerNote)
	return err
}

// bucketText shows a quantile's bucket, the only thing certain about it.
func bucketText(q probes.Quantile) string {
	if q.UpperMs < 0 {
		return fmt.Sprintf("> %.1f", q.LowerMs)
	}
	return fmt.Sprintf("(%.1f, %.1f]", q.LowerMs, q.UpperMs)
}

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/buildinfo"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
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
	addProbeOutputFlag(cmd.Flags(), &o.output, "rtt")
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
	return writeFinding(cmd.OutOrStdout(), o.output, res)
}

// measure times the client round trips and reads etcd's peer figures, and
// times the peer URLs when given; with peer URLs and no endpoints, only
// those (a cluster without a leader answers nothing else).
func (o *probeRTTOptions) measure(cmd *cobra.Command) (*result.RTT, error) {
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
	cfg := probes.RTTOptions{Samples: o.samples, RequestTimeout: o.conn.commandTimeout, MetricsURLs: o.metricsURLs}
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
	res, err := probes.RTT(cmd.Context(), t, cfg)
	if err == nil && o.peers.given() {
		err = probes.AddPeerProbing(cmd.Context(), res, o.peers.urls, o.peers.config(&o.conn))
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

package main

import (
	"context"

	"github.com/spf13/cobra"

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
	cmd := newProbeSubcommand("rtt", "Round trip from here to each member, and between members as etcd measures it",
		"", &o.output, o.measure)
	o.conn.addFlags(cmd.Flags())
	cmd.Flags().IntVar(&o.samples, "samples", 1000, "timed requests to each member")
	addMetricsURLsFlag(cmd, &o.metricsURLs)
	o.peers.addFlags(cmd)
	return cmd
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
	validate := func() error {
		if err := cfg.Validate(); err != nil {
			return err
		}
		return o.peers.validate(&o.conn)
	}
	return measureOnTarget(cmd, &o.conn, o.output, validate, o.rttAndPeers, cfg)
}

// rttAndPeers times the client round trips, then the peer URLs when given.
func (o *probeRTTOptions) rttAndPeers(ctx context.Context, t *etcdconn.Target, cfg probes.RTTOptions) (*result.RTT, error) {
	res, err := probes.RTT(ctx, t, cfg)
	if err == nil && o.peers.given() {
		err = probes.AddPeerProbing(ctx, res, o.peers.urls, o.peers.config(&o.conn))
	}
	return res, err
}

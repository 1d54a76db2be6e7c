package main

import (
	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

// peerProbeOptions are the flags of the peer round trips timed here, shared
// by probe rtt and advise.
type peerProbeOptions struct {
	urls    []string
	samples int
}

func (o *peerProbeOptions) addFlags(cmd *cobra.Command) {
	urlsVar(cmd.Flags(), &o.urls, "peer-urls", httpURL, "to time no peer URL",
		"each member's advertised peer URL: time GET "+probes.ProbingPath+" on each from here (works without a leader; run it from a member's host)")
	cmd.Flags().IntVar(&o.samples, "peer-samples", 20, "timed GETs to each peer URL")
}

// given reports whether peer URLs were asked for.
func (o *peerProbeOptions) given() bool { return len(o.urls) > 0 }

func (o *peerProbeOptions) config(conn *connOptions) probes.PeerOptions {
	return probes.PeerOptions{Samples: o.samples, RequestTimeout: conn.commandTimeout}
}

// onlyPeers reports whether the peer URLs are all there is to probe: no
// --endpoints (nor ETCDCTL_ENDPOINTS), so no client port is touched and no
// embedded etcd is started.
func onlyPeers(cmd *cobra.Command, peers *peerProbeOptions, conn *connOptions) (bool, error) {
	if !peers.given() {
		return false, nil
	}
	return len(conn.endpoints) == 0, nil
}

// validate checks the peer flags, when given, before anything connects.
func (o *peerProbeOptions) validate(conn *connOptions) error {
	if !o.given() {
		return nil
	}
	return o.config(conn).Validate(o.urls)
}

// peerOnlyRTT times the peer URLs alone. A nil result with a nil error
// means the command was interrupted.
func peerOnlyRTT(cmd *cobra.Command, peers *peerProbeOptions, conn *connOptions) (*result.RTT, error) {
	res, err := probes.PeerRTT(cmd.Context(), peers.urls, peers.config(conn))
	if err != nil {
		return nil, probeError(cmd, err)
	}
	return res, nil
}

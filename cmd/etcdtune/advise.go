package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/advisor"
	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

type adviseOptions struct {
	conn           connOptions
	from           string
	samples        int
	window         time.Duration
	metricsURLs    []string
	peers          peerProbeOptions
	currentConfig  string
	manifest       string
	current        string
	nodes          int
	podsPerNode    int
	tolerate       int
	kubernetes     bool
	eventEndpoints []string
	output         string
}

func newAdviseCommand() *cobra.Command {
	o := &adviseOptions{}
	cmd := newNoArgsCommand(&cobra.Command{
		Use:   "advise",
		Short: "Recommend etcd and kube-apiserver settings from measured figures, each with its reason",
		Long: `advise turns measured figures into settings: live, by probing the cluster at
--endpoints (round trips and a window of server metrics), or from a result file
(--from) of an earlier run. Each recommendation names the figure, the rule and
its source; a rule whose figure was not measured says so instead of guessing.
With --peer-urls alone it times GET /raft/probing on each member's peer URL and
advises the timing from that: it works on a cluster that cannot elect a leader.`,
		Example: `  etcdtune advise --from etcdtune-report/result.json
  etcdtune advise --endpoints https://10.0.0.1:2379 --cacert ca.crt --cert c.crt --key c.key -o kubeadm
  etcdtune advise --from result.json --manifest /etc/kubernetes/manifests/etcd.yaml -o flags
  etcdtune advise --peer-urls http://10.0.0.1:2380,http://10.0.0.2:2380,http://10.0.0.3:2380 -o flags`,
	}, o.run)
	fs := cmd.Flags()
	o.conn.addFlags(fs)
	fs.StringVar(&o.from, "from", "", "advise from this result file instead of probing a cluster")
	fs.IntVar(&o.samples, "samples", 200, "live: timed round trips to each member")
	fs.DurationVar(&o.window, "window", 10*time.Second, "live: how long to watch the server metrics")
	addMetricsURLsFlag(cmd, &o.metricsURLs)
	o.peers.addFlags(cmd)
	fs.StringVar(&o.currentConfig, "current-config", "", "the current settings: an etcd YAML config file")
	fs.StringVar(&o.manifest, "manifest", "", "the current settings: a kubeadm static pod manifest (/etc/kubernetes/manifests/etcd.yaml)")
	fs.StringVar(&o.current, "current", "", "the current settings: name=value,... (default: etcd's defaults)")
	fs.IntVar(&o.nodes, "nodes", 0, "Kubernetes nodes the cluster is for")
	fs.IntVar(&o.podsPerNode, "pods-per-node", 30, "Kubernetes pods per node")
	fs.IntVar(&o.tolerate, "tolerate", 1, "members that may fail at once (1: 3 members, 2: 5)")
	fs.BoolVar(&o.kubernetes, "kubernetes", false, "the cluster serves Kubernetes (implied by --nodes)")
	urlsVar(fs, &o.eventEndpoints, "events-endpoints", clientEndpoint, "when events share the cluster", "client URLs of a separate events cluster, for --etcd-servers-overrides")
	addOutputFlag(fs, &o.output, reports.AdviceFormats, "")
	return cmd
}

func (o *adviseOptions) run(cmd *cobra.Command) error {
	write, err := reports.AdviceFormats.Writer(o.output)
	if err != nil {
		return badInput(err)
	}
	current, err := o.currentSettings()
	if err != nil {
		return badInput(err)
	}
	if o.tolerate < 1 || o.tolerate > 2 {
		return badInput(fmt.Errorf("--tolerate must be 1 or 2, got %d", o.tolerate))
	}
	res, err := o.findingsSource(cmd)
	if err != nil || res == nil {
		return err
	}
	f := reports.Findings(res, reports.Scale{Nodes: o.nodes, PodsPerNode: o.podsPerNode, ForKubernetes: o.kubernetes,
		FailuresTolerated: o.tolerate, EventEndpoints: o.eventEndpoints})
	if f.Members == 0 && o.peers.given() {
		f.Members = len(o.peers.urls) // only the peer URLs were probed: one per member
	}
	f.Current = current
	return write(cmd.OutOrStdout(), advisor.Advise(f))
}

// findingsSource reads the result file, or probes the live cluster.
func (o *adviseOptions) findingsSource(cmd *cobra.Command) (*result.Result, error) {
	if o.from != "" {
		if cmd.Flags().Changed("endpoints") || o.peers.given() {
			return nil, badInput(fmt.Errorf("give --from or --endpoints/--peer-urls, not both"))
		}
		res, err := result.ReadFile(o.from)
		if err != nil {
			return nil, badInput(err)
		}
		return res, nil
	}
	only, err := onlyPeers(cmd, &o.peers, &o.conn)
	if err != nil {
		return nil, err
	}
	if only {
		return o.probePeersOnly(cmd)
	}
	if len(o.conn.endpoints) == 0 {
		return nil, badInput(fmt.Errorf("give --endpoints (or --peer-urls) of the cluster to probe, or --from a result file"))
	}
	return o.probeLive(cmd)
}

// probeLive measures what the rules need from a running cluster: the round
// trips and a window of its server metrics.
func (o *adviseOptions) probeLive(cmd *cobra.Command) (*result.Result, error) {
	rttCfg := probes.RTTOptions{Samples: o.samples, RequestTimeout: o.conn.commandTimeout, MetricsURLs: o.metricsURLs}
	clusterCfg := probes.ClusterOptions{Window: o.window, MetricsURLs: o.metricsURLs, RequestTimeout: o.conn.commandTimeout}
	t, err := openProbeTarget(cmd, &o.conn, reports.FormatTable, func() error {
		if err := rttCfg.Validate(); err != nil {
			return err
		}
		if err := o.peers.validate(&o.conn); err != nil {
			return err
		}
		return clusterCfg.Validate()
	})
	if err != nil {
		return nil, err
	}
	defer t.Close()
	ctx := cmd.Context()
	res := newResult(cmd)
	res.Target = t.Info(ctx)
	if res.Probes.RTT, err = probes.RTT(ctx, t, rttCfg); err != nil {
		return nil, probeError(cmd, err)
	}
	if o.peers.given() {
		if err := probes.AddPeerProbing(ctx, res.Probes.RTT, o.peers.urls, o.peers.config(&o.conn)); err != nil {
			return nil, probeError(cmd, err)
		}
	}
	if res.Probes.Cluster, err = probes.Cluster(ctx, t, clusterCfg); err != nil {
		return nil, probeError(cmd, err)
	}
	return res, nil
}

// probePeersOnly times the peer URLs alone: the one figure that a cluster
// without a leader still lets us measure, and the one its timing needs.
func (o *adviseOptions) probePeersOnly(cmd *cobra.Command) (*result.Result, error) {
	rtt, err := peerOnlyRTT(cmd, &o.peers, &o.conn)
	if err != nil || rtt == nil {
		return nil, err
	}
	res := newResult(cmd)
	res.Probes.RTT = rtt
	return res, nil
}

func (o *adviseOptions) currentSettings() (advisor.Settings, error) {
	given := 0
	for _, s := range []string{o.currentConfig, o.manifest, o.current} {
		if s != "" {
			given++
		}
	}
	switch {
	case given > 1:
		return nil, fmt.Errorf("give one of --current-config, --manifest and --current")
	case o.currentConfig != "":
		return advisor.CurrentFromConfigFile(o.currentConfig)
	case o.manifest != "":
		return advisor.CurrentFromManifest(o.manifest)
	case o.current != "":
		return advisor.ParseCurrent(o.current)
	}
	return nil, nil
}

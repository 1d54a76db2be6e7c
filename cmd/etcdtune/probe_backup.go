package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
)

type probeBackupOptions struct {
	conn     connOptions
	endpoint string
	dir      string
	discard  bool
	prefix   string
	rate     int
	baseline time.Duration
	output   string
}

func newProbeBackupCommand() *cobra.Command {
	o := &probeBackupOptions{}
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Stream a snapshot as etcdctl snapshot save does: its speed and its effect on a light load",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	o.conn.addFlags(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&o.endpoint, "endpoint", "", "the member to snapshot, one of --endpoints (default: the first)")
	fs.StringVar(&o.dir, "dir", "", "folder of the temporary snapshot file, removed afterwards (default: the system's temp folder)")
	fs.BoolVar(&o.discard, "discard", false, "stream the snapshot to nowhere instead of a file")
	fs.StringVar(&o.prefix, "prefix", "/etcdtune/", "the light load reads and writes one key under this prefix, deleted at the end")
	fs.IntVar(&o.rate, "rate", 50, "requests per second of the light load (serializable reads and puts, alternating)")
	fs.DurationVar(&o.baseline, "baseline", 3*time.Second, "how long the light load runs before the snapshot")
	addProbeOutputFlag(fs, &o.output, "backup")
	return cmd
}

func (o *probeBackupOptions) run(cmd *cobra.Command) error {
	cfg := probes.BackupOptions{Endpoint: o.endpoint, Dir: o.dir, Discard: o.discard, Prefix: o.prefix,
		Rate: o.rate, Baseline: o.baseline, RequestTimeout: o.conn.commandTimeout}
	validate := func() error {
		if err := cfg.Validate(); err != nil {
			return err
		}
		return o.checkEndpoint()
	}
	t, err := openProbeTarget(cmd, &o.conn, o.output, validate)
	if err != nil {
		return err
	}
	defer t.Close()
	res, err := probes.Backup(cmd.Context(), t, cfg)
	if err != nil {
		return probeError(cmd, err)
	}
	return writeFinding(cmd.OutOrStdout(), o.output, res)
}

// checkEndpoint makes sure --endpoint is one of the endpoints, so that the
// snapshot comes from the cluster under test and with its settings.
func (o *probeBackupOptions) checkEndpoint() error {
	if o.endpoint == "" {
		return nil
	}
	for _, ep := range o.conn.endpoints {
		if ep == o.endpoint {
			return nil
		}
	}
	return badInput(fmt.Errorf("--endpoint %s is not one of --endpoints", o.endpoint))
}

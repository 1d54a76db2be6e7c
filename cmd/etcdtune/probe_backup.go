package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
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
	cmd := newProbeSubcommand("backup", "Stream a snapshot as etcdctl snapshot save does: its speed and its effect on a light load",
		"", &o.output, o.measure)
	fs := cmd.Flags()
	o.conn.addFlags(fs)
	urlVar(fs, &o.endpoint, "endpoint", clientEndpoint, "for the first of --endpoints", "the member to snapshot, one of --endpoints (default: the first)")
	fs.StringVar(&o.dir, "dir", "", "folder of the temporary snapshot file, removed afterwards (default: the system's temp folder)")
	markOutputPath(fs, "dir", outputInFolder)
	fs.BoolVar(&o.discard, "discard", false, "stream the snapshot to nowhere instead of a file")
	fs.StringVar(&o.prefix, "prefix", "/etcdtune/", "the light load reads and writes one key under this prefix, deleted at the end")
	fs.IntVar(&o.rate, "rate", 50, "requests per second of the light load (serializable reads and puts, alternating)")
	fs.DurationVar(&o.baseline, "baseline", 3*time.Second, "how long the light load runs before the snapshot")
	return cmd
}

func (o *probeBackupOptions) measure(cmd *cobra.Command) (*result.Backup, error) {
	cfg := probes.BackupOptions{Endpoint: o.endpoint, Dir: o.dir, Discard: o.discard, Prefix: o.prefix,
		Rate: o.rate, Baseline: o.baseline, RequestTimeout: o.conn.commandTimeout}
	validate := func() error {
		if err := cfg.Validate(); err != nil {
			return err
		}
		return o.checkEndpoint()
	}
	return measureOnTarget(cmd, &o.conn, o.output, validate, probes.Backup, cfg)
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

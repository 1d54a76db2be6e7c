package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/reports"
)

func newProbeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Measure one thing etcd's behaviour rests on: network, disk, host, cluster",
		Args:  noArgs,
	}
	cmd.AddCommand(newProbeFsyncCommand(), newProbeDiskCommand(), newProbeHostCommand(), newProbeKeyspaceCommand(),
		newProbeRTTCommand(), newProbeClusterCommand(), newProbeBackupCommand())
	return cmd
}

// writeFinding prints a probe's finding in format: json is the object the
// result file holds under probes.<name>; table is its human form.
func writeFinding(w io.Writer, format string, finding any) error {
	write, err := reports.ProbeFormats.Writer(format)
	if err != nil {
		return badInput(err)
	}
	return write(w, finding)
}

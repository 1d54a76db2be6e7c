package main

import (
	"github.com/spf13/cobra"
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

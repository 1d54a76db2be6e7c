package main

import (
	"encoding/json"
	"fmt"
	"io"

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

// writeFinding prints a probe's finding in format: json is the object the
// result file holds under probes.<name>; table is its human form.
func writeFinding(w io.Writer, format string, finding any, table func(io.Writer) error) error {
	switch format {
	case outputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(finding)
	case outputTable:
		return table(w)
	}
	return badInput(fmt.Errorf("unknown --output %q: use table or json", format))
}

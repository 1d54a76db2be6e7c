package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
)

type probeHostOptions struct {
	window time.Duration
	output string
}

func newProbeHostCommand() *cobra.Command {
	o := &probeHostOptions{}
	cmd := &cobra.Command{
		Use:   "host",
		Short: "Describe this machine: CPUs, memory, swap, load, steal time, kernel",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	cmd.Flags().DurationVar(&o.window, "window", probes.DefaultStealWindow, "how long to watch the CPU counters for steal time")
	addProbeOutputFlag(cmd.Flags(), &o.output, "host")
	return cmd
}

func (o *probeHostOptions) run(cmd *cobra.Command) error {
	if err := checkProbeOutput(o.output); err != nil {
		return err
	}
	h, err := probes.Host(cmd.Context(), probes.HostOptions{Window: o.window})
	if err != nil {
		return probeError(cmd, err)
	}
	warn(cmd, h.Warnings)
	return writeFinding(cmd.OutOrStdout(), o.output, h)
}

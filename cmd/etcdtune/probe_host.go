package main

import (
	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

type probeHostOptions struct {
	host   probes.HostOptions
	output string
}

func newProbeHostCommand() *cobra.Command {
	o := &probeHostOptions{}
	cmd := newProbeSubcommand("host", "Describe this machine: CPUs, memory, swap, load, steal time, kernel", "", &o.output, o.measure)
	cmd.Flags().DurationVar(&o.host.Window, "window", probes.DefaultStealWindow, "how long to watch the CPU counters for steal time")
	return cmd
}

func (o *probeHostOptions) measure(cmd *cobra.Command) (*result.ProbedHost, error) {
	return measureHere(cmd, o.output, o.host.Validate, probes.Host, o.host,
		func(h *result.ProbedHost) []string { return h.Warnings })
}

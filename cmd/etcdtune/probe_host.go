package main

import (
	"fmt"
	"io"
	"text/tabwriter"
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
	cmd.Flags().StringVarP(&o.output, "output", "o", outputTable, "output format: table or json (the result file's probes.host)")
	return cmd
}

func (o *probeHostOptions) run(cmd *cobra.Command) error {
	if err := checkProbeOutput(o.output); err != nil {
		return err
	}
	h, err := probes.HostProbe(cmd.Context(), o.window)
	if err != nil {
		return probeError(cmd, err)
	}
	warn(cmd, h.Warnings)
	return writeFinding(cmd.OutOrStdout(), o.output, h, func(w io.Writer) error { return writeHostTable(w, h) })
}

func writeHostTable(w io.Writer, h *probes.Host) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "host\t%s, %s %s, kernel %s, %s\n", h.Hostname, h.OS, h.Platform, h.Kernel, orNone(h.Virtualization))
	fmt.Fprintf(tw, "CPU\t%d x %s\n", h.CPUs, orNone(h.CPUModel))
	fmt.Fprintf(tw, "memory\t%s, %s available\n", mib(h.MemoryBytes), mib(h.AvailableBytes))
	fmt.Fprintf(tw, "swap\t%s, %s used\n", mib(h.SwapBytes), mib(h.SwapUsedBytes))
	fmt.Fprintf(tw, "load\t%.2f %.2f %.2f\n", h.Load1, h.Load5, h.Load15)
	fmt.Fprintf(tw, "steal\t%.1f%% over %.1f s\n", h.StealPct, h.WindowS)
	return tw.Flush()
}

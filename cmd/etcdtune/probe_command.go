package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/reports"
)

// newProbeSubcommand builds `probe <name>`: no arguments, -o for its
// finding (the result file's probes.<name>), and a run that prints the
// finding measure returns. measure checks the flags and measures; its
// errors are the command's. A nil finding with a nil error is an
// interrupted probe, which prints nothing.
func newProbeSubcommand[F any](name, short, long string, output *string, measure func(*cobra.Command) (*F, error)) *cobra.Command {
	cmd := newNoArgsCommand(&cobra.Command{Use: name, Short: short, Long: long}, func(cmd *cobra.Command) error {
		finding, err := measure(cmd)
		if err != nil || finding == nil {
			return err
		}
		return writeFinding(cmd.OutOrStdout(), *output, finding)
	})
	addProbeOutputFlag(cmd.Flags(), output, name)
	return cmd
}

// measureHere runs probe, a probe of this machine, with opts: -o and
// validate (the probe's own check, bad input) first, then the probe; its
// warnings go to stderr.
func measureHere[O, F any](cmd *cobra.Command, output string, validate func() error,
	probe func(context.Context, O) (*F, error), opts O, warnings func(*F) []string) (*F, error) {
	if err := checkProbeOutput(output); err != nil {
		return nil, err
	}
	if err := validate(); err != nil {
		return nil, badInput(err)
	}
	finding, err := probe(cmd.Context(), opts)
	if err != nil {
		return nil, probeError(cmd, err)
	}
	warn(cmd, warnings(finding))
	return finding, nil
}

// measureOnTarget runs probe, a probe of the cluster, with opts: the flags
// are checked and the target opened as openProbeTarget does (validate is
// the probe's own check), and closed after the probe.
func measureOnTarget[O, F any](cmd *cobra.Command, conn *connOptions, output string, validate func() error,
	probe func(context.Context, *etcdconn.Target, O) (*F, error), opts O) (*F, error) {
	t, err := openProbeTarget(cmd, conn, output, validate)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	finding, err := probe(cmd.Context(), t, opts)
	if err != nil {
		return nil, probeError(cmd, err)
	}
	return finding, nil
}

// openProbeTarget checks the flags (validate is the probe's own check),
// then connects as the bench commands do.
func openProbeTarget(cmd *cobra.Command, conn *connOptions, output string, validate func() error) (*etcdconn.Target, error) {
	topts, err := conn.targetOptionsOf(cmd)
	if err != nil {
		return nil, err
	}
	if err := checkProbeOutput(output); err != nil {
		return nil, err
	}
	if err := validate(); err != nil {
		return nil, probeError(cmd, err)
	}
	if len(topts.Endpoints) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), embeddedEtcdNote(topts))
	}
	return etcdconn.Open(cmd.Context(), topts, 1)
}

// addMetricsURLsFlag is --metrics-urls of the commands that read the
// members' server metrics.
func addMetricsURLsFlag(cmd *cobra.Command, urls *[]string) {
	urlsVar(cmd.Flags(), urls, "metrics-urls", httpURL, "for the client URL + /metrics", "each member's /metrics URL, one per endpoint in the same order (default: the client URL + /metrics)")
}

// addDiskPathFlag is --path of the probes that measure a disk.
func addDiskPathFlag(fs *pflag.FlagSet, dir *string) {
	fs.StringVar(dir, "path", ".", "folder on the disk to measure (etcd's data dir, or where it will be)")
	markOutputPath(fs, "path", outputInFolder)
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

// checkProbeOutput refuses an unknown -o before any measurement.
func checkProbeOutput(format string) error {
	return badInput(reports.ProbeFormats.Check(format))
}

// probeError is a probe's error, but an interrupted probe returns
// nothing, so that main exits 130; the user's input stays exit 2.
func probeError(cmd *cobra.Command, err error) error {
	if cmd.Context().Err() != nil && !fault.Is(err, fault.BadInput) {
		return nil
	}
	return err
}

// warn prints a probe's warnings on stderr, where they do not mix with -o
// json on stdout.
func warn(cmd *cobra.Command, warnings []string) {
	for _, s := range warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", s)
	}
}

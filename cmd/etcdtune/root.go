package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "etcdtune",
		Short: "Measure how an etcd cluster behaves under load and recommend its settings",
		Long: `etcdtune drives real load against etcd, measures the machine and the network,
and recommends the settings. Without --endpoints it starts an embedded etcd
on this machine's disk, so it works out of the box.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	root.AddCommand(newRunCommand(), newVersionCommand(), newBenchCommand(), newProbeCommand(), newAdviseCommand(), newReportCommand(), newCompareCommand(), newMergeCommand(), newCleanupCommand())
	// Checked for every command before it runs: ETCDCTL_*, numbers, paths.
	root.PersistentPreRunE = checkInput
	refuseUnknownSubcommands(root)
	return root
}

// noArgs refuses positional arguments as bad input (exit 2).
var noArgs = argsAsBadInput(cobra.NoArgs)

// argsAsBadInput is check, a check of the positional arguments, with its
// refusals marked as bad input (exit 2).
func argsAsBadInput(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		if err != nil && len(args) > 0 && !strings.Contains(err.Error(), args[len(args)-1]) {
			// cobra's count ("accepts 1 arg(s), received 2") names none.
			err = fmt.Errorf("%v: %q", err, args)
		}
		return badInput(err)
	}
}

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Main runs the etcdtune command line args (without the program's name)
// until it ends or ctx is cancelled, writing to stdout and stderr, and
// returns the exit code. It touches no process state (signals, exit, the
// process's own stdout and stderr), so the tests run commands in process.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	root := newRootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	unknownHelpTopicOn(root, stdout, stderr)
	err := root.ExecuteContext(ctx)
	code := exitCode(err)
	if err != nil && !isSilent(err) {
		fmt.Fprintf(stderr, "etcdtune: %s\n", oneLine(err))
	}
	if code == exitOK && ctx.Err() != nil {
		return exitInterrupted
	}
	return code
}

// unknownHelpTopicOn keeps `etcdtune help <unknown>` on stderr: cobra
// prints it and the usage after it to OutOrStderr, which SetOut turns into
// stdout.
func unknownHelpTopicOn(root *cobra.Command, stdout, stderr io.Writer) {
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		if c.Name() != "help" || c.Run == nil {
			continue
		}
		help := c.Run
		c.Run = func(c *cobra.Command, args []string) {
			if cmd, _, err := root.Find(args); cmd == nil || err != nil {
				root.SetOut(stderr)
				defer root.SetOut(stdout)
			}
			help(c, args)
		}
	}
}

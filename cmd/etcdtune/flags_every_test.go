package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// leafCommands walks the command tree: every command that runs something.
func leafCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
			continue
		}
		if sub.HasSubCommands() {
			out = append(out, leafCommands(sub)...)
		} else {
			out = append(out, sub)
		}
	}
	return out
}

// unparsable is a value no flag of the type accepts; "" for types that
// take anything (strings) or nothing (booleans).
func unparsable(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "int", "int64", "uint64", "uint", "int32", "float64", "duration", "intSlice", "float64Slice", "durationSlice":
		return "not-a-number"
	}
	return ""
}

// Every command refuses an unknown flag, a value its flag cannot parse and
// (where it takes none) a stray argument, with one line and exit 2; no
// trace ever reaches the user. The table is the command tree itself, so a
// command or flag added later is covered without editing this test.
func TestEveryCommandRefusesBadFlags(t *testing.T) {
	type tc struct {
		args []string
		want string
	}
	var cases []tc
	for _, c := range leafCommands(newRootCommand()) {
		path := strings.Fields(c.CommandPath())[1:]
		cases = append(cases, tc{append(append([]string{}, path...), "--no-such-flag"), "no-such-flag"})
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if v := unparsable(f); v != "" {
				cases = append(cases, tc{append(append([]string{}, path...), "--"+f.Name, v), f.Name})
			}
		})
		if f := c.Flags().Lookup("output"); f != nil {
			// Commands that take arguments may name the missing argument
			// first; either way it is one line and exit 2.
			cases = append(cases, tc{append(append([]string{}, path...), "--output", "xml"), ""})
		}
	}
	if len(cases) < 100 {
		t.Fatalf("only %d cases: the command tree was not walked", len(cases))
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Parallel()
			assertOneLineError(t, etcdtune(t, nil, c.args...), exitBadInput, c.want)
		})
	}
}

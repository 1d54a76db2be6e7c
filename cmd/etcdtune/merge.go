package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

type mergeOptions struct {
	out    string
	output string
}

func newMergeCommand() *cobra.Command {
	o := &mergeOptions{}
	cmd := &cobra.Command{
		Use:     "merge RESULT.json RESULT.json...",
		Short:   "Join the results of several agents of one distributed benchmark into one",
		Example: `  etcdtune merge agent-0.json agent-1.json agent-2.json --out merged.json`,
		Args:    argsAsBadInput(cobra.MinimumNArgs(2)),
		RunE:    func(cmd *cobra.Command, args []string) error { return runMerge(cmd, o, args) },
	}
	cmd.Flags().StringVar(&o.out, "out", "", "write the merged result file here")
	markOutputPath(cmd.Flags(), "out", outputFile)
	addOutputFlag(cmd.Flags(), &o.output, reports.ResultFormats, resultFileHelp)
	return cmd
}

func runMerge(cmd *cobra.Command, o *mergeOptions, paths []string) error {
	if err := reports.ResultFormats.Check(o.output); err != nil {
		return badInput(err)
	}
	results, err := readResults(paths)
	if err != nil {
		return err
	}
	merged, err := reports.Merge(results)
	if err != nil {
		return badInput(err)
	}
	return emit(cmd.OutOrStdout(), o.output, o.out, merged)
}

// readResults reads result files; a file that is not one is bad input.
func readResults(paths []string) ([]*result.Result, error) {
	var rs []*result.Result
	for _, p := range paths {
		r, err := result.ReadFile(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, badInput(fmt.Errorf("result %s does not exist", p))
			}
			return nil, badInput(err)
		}
		rs = append(rs, r)
	}
	return rs, nil
}

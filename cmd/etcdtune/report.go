package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

// defaultReportDir is where report (and run) put the report folder.
const defaultReportDir = "./etcdtune-report"

type reportOptions struct {
	dir    string
	output string
	force  bool
}

func newReportCommand() *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report RESULT.json",
		Short: "Make the report of a result file: an HTML page with PNG charts, Markdown, the verdict or JSON",
		Long: `report turns a result file (--out of bench, result.json of run) into a report:
-o html (the default) writes a folder with report.html, one self-contained page that
opens offline, and the charts as PNG files; -o md prints a Markdown summary for a
pull-request comment, -o text the terminal verdict, -o json the result itself.`,
		Example: `  etcdtune report result.json --dir ./etcdtune-report
  etcdtune report result.json -o md >> "$GITHUB_STEP_SUMMARY"`,
		Args: argsAsBadInput(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.dir, "dir", defaultReportDir, "html: the report folder")
	markOutputPath(fs, "dir", outputFolder)
	addOutputFlag(fs, &o.output, reports.ReportFormats, " (to stdout)")
	fs.BoolVar(&o.force, "force", false, "html: write into a folder that is not empty (files of the report's names are replaced, nothing is deleted)")
	return cmd
}

func (o *reportOptions) run(cmd *cobra.Command, path string) error {
	write, err := reports.ReportFormats.Writer(o.output)
	if err != nil {
		return badInput(err)
	}
	if o.output == reports.FormatHTML {
		if err := checkReportDir(o.dir, o.force); err != nil {
			return err
		}
	}
	res, err := result.ReadFile(path)
	if err != nil {
		return badInput(fmt.Errorf("report: %w", err))
	}
	return write(cmd.OutOrStdout(), res, o.dir)
}

// checkReportDir refuses a folder that holds anything, unless force: a
// report must never mix with, or silently replace, an earlier one.
func checkReportDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return badInput(fmt.Errorf("report folder %s: %w", dir, err))
	case len(entries) > 0 && !force:
		return badInput(fmt.Errorf("report folder %s exists and is not empty: give another --dir, or --force to write into it", dir))
	}
	return nil
}

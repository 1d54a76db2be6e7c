package main

import (
	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/reports"
)

// resultFileHelp ends the -o help of the commands that make a result.
const resultFileHelp = " (the result file)"

// addOutputFlag adds -o/--output, its default and help from the table of
// formats; tail, when not "", ends the help.
func addOutputFlag[W any](fs *pflag.FlagSet, p *string, formats reports.Formats[W], tail string) {
	fs.StringVarP(p, "output", "o", formats.Default(), formats.Help(tail))
}

// addProbeOutputFlag is -o of the probe whose finding the result file
// holds under probes.<name>.
func addProbeOutputFlag(fs *pflag.FlagSet, p *string, name string) {
	addOutputFlag(fs, p, reports.ProbeFormats, " (the result file's probes."+name+")")
}

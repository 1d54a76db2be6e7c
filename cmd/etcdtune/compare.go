package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/reports"
)

// compareOptions are compare's arguments: the two sides' result files, the
// gate and the output format.
type compareOptions struct {
	base, new []string
	baseLast  int
	gate      string
	output    string
}

var compareUsage = `Usage:
  etcdtune compare BASE.json NEW.json [flags]
  etcdtune compare --base a1.json a2.json ... --new b1.json b2.json ... [flags]

Flags:
  --base FILE...            the base runs (repeated runs of one setup; all files up to the next flag)
                            or folders of past results (a CI job's history: their *.json and */result.json)
  --base-last K             of the base, only the K newest runs (by their start time)
  --new FILE...             the new runs
  --max-regression LIST     the gate, e.g. throughput=5%,p99=10%,error_rate=0.1% (error_rate in points):
                            exit 1 when a metric regresses significantly past its limit
  -o, --output FORMAT       ` + reports.ComparisonFormats.Names() + ` (default ` + reports.ComparisonFormats.Default() + `)
  -h, --help                this help
`

func newCompareCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compare BASE NEW | --base FILE... --new FILE...",
		Short: "Compare two sets of runs: medians, confidence intervals, significance, and a regression gate",
		Long: `compare reads result files of the same workloads, a base and a new side, each one
run or several repeated runs (bench --repeat N), or for the base a folder of past
results (a CI job's history). Per workload and metric it prints the medians with
their 95% intervals, the change, its p-value and the evidence it rests on: between
runs (Mann-Whitney U) with 5 or more runs a side, else within runs (the runs'
per-second series in batches, Welch's t, with the spread between runs of a side that
has 3 or more). A difference that is not significant (p >= 0.05) shows as ~.
With --max-regression it is a CI gate: exit 1 when a metric regresses
significantly past its limit, 0 otherwise, 2 on bad input.`,
		// The sides are lists of files after --base and --new, which a
		// flag parser would take as positional arguments: compare reads
		// its arguments itself.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, help, err := parseCompareArgs(args)
			if err != nil {
				return badInput(err)
			}
			if help {
				_, err := io.WriteString(cmd.OutOrStdout(), cmd.Long+"\n\n"+compareUsage)
				return err
			}
			return runCompare(cmd.OutOrStdout(), o)
		},
	}
	return cmd
}

// parseCompareArgs reads compare's command line.
func parseCompareArgs(args []string) (*compareOptions, bool, error) {
	o := &compareOptions{output: reports.ComparisonFormats.Default()}
	var positional []string
	side := &positional
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		takeValue := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		var err error
		switch name {
		case "-h", "--help":
			return nil, true, nil
		case "--base", "--new":
			side = &o.base
			if name == "--new" {
				side = &o.new
			}
			if hasVal {
				*side = append(*side, strings.Split(val, ",")...)
			}
		case "--max-regression":
			o.gate, err = takeValue()
		case "--base-last":
			var v string
			if v, err = takeValue(); err == nil {
				o.baseLast, err = positiveCount("--base-last", v)
			}
		case "-o", "--output":
			o.output, err = takeValue()
		default:
			if strings.HasPrefix(a, "-") {
				return nil, false, fmt.Errorf("unknown flag %s for compare; see etcdtune compare --help", a)
			}
			*side = append(*side, a)
		}
		if err != nil {
			return nil, false, err
		}
	}
	return o, false, o.sides(positional)
}

// sides checks that the files name two sides, one way or the other.
func (o *compareOptions) sides(positional []string) error {
	switch {
	case len(o.base) == 0 && len(o.new) == 0 && len(positional) == 2:
		o.base, o.new = positional[:1], positional[1:]
	case len(o.base) == 0 && len(o.new) == 0:
		return fmt.Errorf("compare needs a base and a new side: BASE NEW, or --base FILE... --new FILE... (got %d files)", len(positional))
	case len(positional) > 0:
		return fmt.Errorf("compare takes BASE NEW, or --base FILE... --new FILE..., not both (extra %v)", positional)
	case len(o.base) == 0 || len(o.new) == 0:
		return fmt.Errorf("compare needs a base and a new side: BASE NEW, or --base FILE... --new FILE...")
	}
	return reports.ComparisonFormats.Check(o.output)
}

func runCompare(w io.Writer, o *compareOptions) error {
	gate, err := reports.ParseGate(o.gate)
	if err != nil {
		return badInput(err)
	}
	base, source, err := baseSide(o.base, o.baseLast)
	if err != nil {
		return err
	}
	news, err := readResults(o.new)
	if err != nil {
		return err
	}
	c, err := reports.Compare(base, news, gate)
	if err != nil {
		return badInput(err)
	}
	c.Source = source
	write, err := reports.ComparisonFormats.Writer(o.output)
	if err != nil {
		return badInput(err)
	}
	if err := write(w, c); err != nil {
		return err
	}
	return gateError(c)
}

// positiveCount reads a flag's count of at least 1.
func positiveCount(flag, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s %q: give a count of 1 or more", flag, v)
	}
	return n, nil
}

// gateError is exit 1 naming every metric past the gate.
func gateError(c *reports.Comparison) error {
	regs := c.Regressions()
	if len(regs) == 0 {
		return nil
	}
	var names []string
	for _, r := range regs {
		change, unit := fmt.Sprintf("%+.1f%%", r.DeltaPct), "%"
		if r.Unit == "%" { // error rate: percentage points
			change, unit = fmt.Sprintf("%+.3f pts", r.DeltaPts), " pts"
		}
		names = append(names, fmt.Sprintf("%s %s %s (gate %g%s, p=%.3f)", r.Workload, r.Metric, change, *r.Limit, unit, r.P))
	}
	return fault.Checkf("regression past the gate: %s", strings.Join(names, "; "))
}

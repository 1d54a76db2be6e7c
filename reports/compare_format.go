package reports

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// WriteCompareText writes the comparison as an aligned table, benchstat's
// way: each side's median ± the confidence interval's half-width in
// percent, the change, the p-value and the sample sizes, the verdict.
func WriteCompareText(w io.Writer, c *Comparison) error {
	if c.Source != "" {
		fmt.Fprintln(w, c.Source)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tmetric\tbase\tnew\tdelta\tp, n\tevidence\tverdict")
	for _, r := range c.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Workload, r.Metric+" ("+r.Unit+")",
			statString(r.Base), statString(r.New), deltaString(r), pString(r), r.Evidence, verdictString(r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeFootnotes(w, c)
}

// WriteCompareMarkdown writes the comparison as a Markdown table, for a
// CI job summary or a pull request comment.
func WriteCompareMarkdown(w io.Writer, c *Comparison) error {
	regs := c.Regressions()
	switch {
	case len(regs) > 0:
		fmt.Fprintf(w, "### etcdtune compare: %d regression(s)\n\n", len(regs))
	default:
		fmt.Fprintf(w, "### etcdtune compare: no regression\n\n")
	}
	if c.Source != "" {
		fmt.Fprintf(w, "%s\n\n", c.Source)
	}
	fmt.Fprintln(w, "| workload | metric | base | new | delta | p, n | evidence | verdict |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---|---|---|")
	for _, r := range c.Rows {
		v := verdictString(r)
		if r.Verdict == VerdictRegression {
			v = "**" + v + "**"
		}
		fmt.Fprintf(w, "| %s | %s (%s) | %s | %s | %s | %s | %s | %s |\n", r.Workload, r.Metric, r.Unit,
			statString(r.Base), statString(r.New), deltaString(r), pString(r), r.Evidence, v)
	}
	fmt.Fprintln(w)
	return writeFootnotes(w, c)
}

// WriteCompareJSON writes the comparison as JSON.
func WriteCompareJSON(w io.Writer, c *Comparison) error { return writeIndentedJSON(w, c) }

func writeFootnotes(w io.Writer, c *Comparison) error {
	seen := map[string]bool{}
	for _, r := range c.Rows {
		for _, n := range r.Notes {
			if !seen[n] {
				seen[n] = true
				fmt.Fprintf(w, "note: %s\n", n)
			}
		}
	}
	fmt.Fprintln(w, "medians ± their 95% interval (between runs: distribution-free, ±∞ under 6 runs; within runs: from the runs' seconds); [lo, hi]: the change's 95% interval")
	_, err := fmt.Fprintf(w, "p: Mann-Whitney U over the runs (between runs) or Welch's t on batch means of their seconds (within runs); ~: not significant at alpha %g; regression: significant and past the gate\n", c.Alpha)
	return err
}

func statString(s Stat) string {
	v := formatValue(s.Median)
	infinite := math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0)
	switch {
	case s.Median == 0 || (s.N < 2 && infinite):
		return v
	case infinite:
		return v + " ±∞"
	}
	half := math.Max(s.Hi/s.Median-1, 1-s.Lo/s.Median)
	return fmt.Sprintf("%s ±%.0f%%", v, 100*half)
}

func formatValue(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func deltaString(r Row) string {
	d := "~"
	switch {
	case r.Verdict == VerdictSame:
	case r.Unit == "%":
		d = fmt.Sprintf("%+.3f pts", r.DeltaPts)
	case math.Abs(r.DeltaPct) == math.MaxFloat64:
		d = "from 0"
	default:
		d = fmt.Sprintf("%+.1f%%", r.DeltaPct)
	}
	if r.DeltaLo == nil || r.DeltaHi == nil {
		return d
	}
	if r.Unit == "%" {
		return fmt.Sprintf("%s [%+.3f, %+.3f]", d, *r.DeltaLo, *r.DeltaHi)
	}
	return fmt.Sprintf("%s [%+.1f%%, %+.1f%%]", d, *r.DeltaLo, *r.DeltaHi)
}

func pString(r Row) string {
	n := fmt.Sprintf("n=%d+%d", r.Base.N, r.New.N)
	if r.Base.N == r.New.N {
		n = fmt.Sprintf("n=%d", r.Base.N)
	}
	return fmt.Sprintf("p=%.3f %s", r.P, n)
}

func verdictString(r Row) string {
	if r.Limit == nil {
		return r.Verdict
	}
	unit := "%"
	if r.Unit == "%" {
		unit = " pts"
	}
	return fmt.Sprintf("%s (gate %s%s)", r.Verdict, strings.TrimSuffix(fmt.Sprintf("%g", *r.Limit), ".0"), unit)
}

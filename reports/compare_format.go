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
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tmetric\tbase\tnew\tdelta\tp, n\tverdict")
	for _, r := range c.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Workload, r.Metric+" ("+r.Unit+")",
			statString(r.Base), statString(r.New), deltaString(r), pString(r), verdictString(r))
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
	fmt.Fprintln(w, "| workload | metric | base | new | delta | p, n | verdict |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---|---|")
	for _, r := range c.Rows {
		v := verdictString(r)
		if r.Verdict == VerdictRegression {
			v = "**" + v + "**"
		}
		fmt.Fprintf(w, "| %s | %s (%s) | %s | %s | %s | %s | %s |\n", r.Workload, r.Metric, r.Unit,
			statString(r.Base), statString(r.New), deltaString(r), pString(r), v)
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
	_, err := fmt.Fprintf(w, "medians ± their 95%% confidence interval (±∞: fewer than 6 runs); ~: no significant difference (Mann-Whitney U, alpha %g)\n", c.Alpha)
	return err
}

func statString(s Stat) string {
	v := formatValue(s.Median)
	switch {
	case s.N < 2 || s.Median == 0:
		return v
	case math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0):
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
	if r.Verdict == VerdictSame {
		return "~"
	}
	if r.Unit == "%" {
		return fmt.Sprintf("%+.3f pts", r.DeltaPts)
	}
	if math.Abs(r.DeltaPct) == math.MaxFloat64 {
		return "from 0"
	}
	return fmt.Sprintf("%+.1f%%", r.DeltaPct)
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

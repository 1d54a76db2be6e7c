package reports

import (
	"fmt"
	"strings"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/result"
)

// capacityLine is the one-line answer of a capacity search, as the HTML
// and Markdown reports print it: the figure, what stopped the search, "a
// lower bound" when the figure is not the server's, and the SLO used. A
// Kubernetes search counts in nodes and names the kind that broke.
func capacityLine(c *result.Capacity) string {
	var b strings.Builder
	if c.MaxNodes > 0 {
		fmt.Fprintf(&b, "capacity %d nodes at %d pods per node", c.MaxNodes, c.PodsPerNode)
		if c.BrokeKind != "" {
			fmt.Fprintf(&b, ", %s broke first", c.BrokeKind)
		}
	} else {
		fmt.Fprintf(&b, "capacity %s/s", rate(c.MaxRateOpsS))
	}
	fmt.Fprintf(&b, " (limited by %s", c.LimitedBy)
	if c.LowerBound {
		b.WriteString("; a lower bound: the server may carry more")
	}
	b.WriteString(")")
	if c.MaxNodes > 0 {
		fmt.Fprintf(&b, "; %s/s at that size", rate(c.MaxRateOpsS))
		if c.Burst > 0 {
			fmt.Fprintf(&b, " (%gx the cluster's own rate)", c.Burst)
		}
		if c.DBSizeBytes > 0 {
			fmt.Fprintf(&b, ", db %.1f MB", float64(c.DBSizeBytes)/1e6)
		}
	}
	if !c.Confirmed {
		b.WriteString("; not confirmed by a re-run")
	}
	fmt.Fprintf(&b, "; SLO %s", capacity.Describe(c.SLO))
	if c.SLO.Source != "" {
		fmt.Fprintf(&b, " (%s)", c.SLO.Source)
	}
	return b.String()
}

// capacitySearchLine says how the search ran: steps, window, precision,
// time taken.
func capacitySearchLine(c *result.Capacity) string {
	return fmt.Sprintf("%d steps of %gs (after %gs warm-up each), precision %.1f%%, %.0f s in all",
		len(c.Steps), c.StepS, c.WarmupS, 100*c.Precision, c.DurationS)
}

// stepRow is one step of a capacity search as the tables print it.
type stepRow struct {
	Nodes, Target, Achieved, P50, P99, P999, Errors, Outcome string
	Pass, Confirm                                            bool
}

// stepRows are the steps in the order the search ran them; Nodes is empty
// unless the search counts in nodes.
func stepRows(c *result.Capacity) []stepRow {
	var rows []stepRow
	for _, s := range c.Steps {
		r := stepRow{Target: rate(s.TargetRate) + "/s", Achieved: rate(s.AchievedRate) + "/s",
			P50: ms(s.P50Ms), P99: ms(s.P99Ms), P999: ms(s.P999Ms), Errors: fmt.Sprint(s.Errors),
			Pass: s.Pass, Confirm: s.Confirm}
		if c.MaxNodes > 0 {
			r.Nodes = fmt.Sprint(s.Nodes)
		}
		if s.Ops > 0 && s.Errors > 0 {
			r.Errors += fmt.Sprintf(" (%.2f%%)", 100*float64(s.Errors)/float64(s.Ops))
		}
		switch {
		case s.Pass:
			r.Outcome = "pass"
		case s.Why != "":
			r.Outcome = "fail: " + s.Why
		default:
			r.Outcome = "fail"
		}
		if s.Confirm {
			r.Outcome += " (confirmation re-run)"
		}
		rows = append(rows, r)
	}
	return rows
}

// rate prints a request rate as people read it: 15200, 150, 2.5.
func rate(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

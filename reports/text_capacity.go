package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/result"
)

// writeCapacityText is a capacity search's block, after its workload's
// (whose figures are the confirmation's, or the best pass's): the step
// table, then the capacity line. A figure that is not the server's limit
// (the generator's, --max-rate's, the step budget's, or a search cut
// short) is called a lower bound, never the capacity.
func writeCapacityText(w io.Writer, name string, c *result.Capacity) {
	nodes := c.MaxNodes > 0 || c.PodsPerNode > 0
	head := stepTextRow("target/s", "achieved/s", "p50", "p99", "p99.9", "errors", "result")
	if nodes {
		head = fmt.Sprintf("%6s %s", "nodes", head)
	}
	fmt.Fprintf(w, "  steps\t%s\n", head)
	for i, st := range c.Steps {
		label := strconv.Itoa(i + 1)
		if st.Confirm {
			label += " confirm"
		}
		if st.Retry {
			label += " retry"
		}
		verdict := "pass"
		if !st.Pass {
			verdict = st.LimitedBy + ": " + kindOf(&result.Capacity{}, &st) + st.Why
		}
		row := stepTextRow(thousands(st.TargetRate), thousands(st.AchievedRate), ms(st.P50Ms), ms(st.P99Ms), ms(st.P999Ms),
			strconv.FormatInt(st.Errors, 10), verdict)
		if nodes {
			row = fmt.Sprintf("%6d %s", st.Nodes, row)
		}
		fmt.Fprintf(w, "  %s\t%s\n", label, row)
	}
	fmt.Fprintf(w, "  capacity\t%s\n", capacityLine(name, c))
}

func stepTextRow(target, achieved, p50, p99, p999, errs, verdict string) string {
	return fmt.Sprintf("%10s %10s %7s %7s %7s %7s  %s", target, achieved, p50, p99, p999, errs, verdict)
}

// capacityLine is a capacity search's one-line answer, in every format:
// the figure, its SLO and what bounds it, e.g. "8,400 puts/s at p99 <= 25
// ms, p99.9 <= 100 ms, errors <= 0.1% (slo: p99 31.2 ms over 25 ms at
// 8,800/s), confirmed". A Kubernetes search counts in nodes and names the
// kind that broke. A figure that is not the server's limit says it is a
// lower bound.
func capacityLine(name string, c *result.Capacity) string {
	at := "at " + sloLimits(c.SLO)
	fail := boundingFail(c)
	figure := thousands(c.MaxRateOpsS) + " " + opsUnit(name)
	where := func(st *result.CapacityStep) string { return thousands(st.TargetRate) + "/s" }
	if nodes := c.MaxNodes > 0 || (name == "k8s" && c.PodsPerNode > 0); nodes {
		figure = fmt.Sprintf("%d nodes at %d pods per node (%s requests/s", c.MaxNodes, c.PodsPerNode, thousands(c.MaxRateOpsS))
		if c.Burst > 0 {
			figure += fmt.Sprintf(", %gx the cluster's own rate", c.Burst)
		}
		if c.DBSizeBytes > 0 {
			figure += fmt.Sprintf(", db %.1f MB", float64(c.DBSizeBytes)/1e6)
		}
		figure += ")"
		where = func(st *result.CapacityStep) string { return fmt.Sprintf("%d nodes", st.Nodes) }
	}
	if c.MaxRateOpsS == 0 && c.MaxNodes == 0 {
		s := "no step passed " + at
		if fail != nil {
			s += fmt.Sprintf(": the lowest, %s, failed (%s: %s); try a lower start", where(fail), fail.LimitedBy, fail.Why)
		}
		return s
	}
	var why string
	switch c.LimitedBy {
	case result.LimitedBySLO, result.LimitedByErrors:
		s := figure + " " + at
		if fail != nil {
			s += fmt.Sprintf(" (%s: %s%s at %s)", c.LimitedBy, kindOf(c, fail), fail.Why, where(fail))
		}
		switch {
		case c.Confirmed:
			s += ", confirmed"
		case confirmTried(c):
			s += ", not confirmed (its re-run failed and the steps ran out)"
		default:
			s += ", not confirmed (the re-run of the best pass did not happen)"
		}
		return s + unsteadyNote(c)
	case result.LimitedByGenerator:
		why = "etcdtune itself could not keep the schedule"
		if fail != nil {
			why += fmt.Sprintf(" at %s (%s%s)", where(fail), kindOf(c, fail), fail.Why)
		}
		why += "; run it from more agents or a bigger machine, or raise --max-inflight"
	case result.LimitedByMaxRate:
		why = "every step up to the search's bound (--max-rate, --max-nodes) passed"
	case result.LimitedByQuota:
		why = "the next step would have filled the backend quota"
	case result.EndInterrupted:
		why = "the search was interrupted"
	case result.EndAborted:
		why = "the guard stopped a step"
	default: // max-steps
		why = "--max-steps ran out before the search closed in"
	}
	return fmt.Sprintf("at least %s %s: a LOWER BOUND, not the server's capacity (%s)", figure, at, why) + unsteadyNote(c)
}

// confirmTried says whether a confirmation step ran.
func confirmTried(c *result.Capacity) bool {
	for _, st := range c.Steps {
		if st.Confirm {
			return true
		}
	}
	return false
}

// unsteadyNote is what the line adds when the server's pace changed during
// the search: the figure is then one moment's, not the server's.
func unsteadyNote(c *result.Capacity) string {
	if c.Unsteady == "" {
		return ""
	}
	return "; UNSTEADY: " + c.Unsteady + ", so the figure depends on when it ran (run it again, on a quieter machine, to know)"
}

// kindOf names the operation kind a failing step's figures are of, else
// the kind the Kubernetes search says broke: its kinds have SLOs of their
// own.
func kindOf(c *result.Capacity, st *result.CapacityStep) string {
	switch {
	case st.Kind != "":
		return st.Kind + " "
	case c.BrokeKind != "":
		return c.BrokeKind + " "
	}
	return ""
}

// boundingFail is the lowest failing step above the figure, nil if none.
func boundingFail(c *result.Capacity) *result.CapacityStep {
	var f *result.CapacityStep
	for i := range c.Steps {
		st := &c.Steps[i]
		above, lower := st.TargetRate > c.MaxRateOpsS, f == nil || st.TargetRate < f.TargetRate
		if c.MaxNodes > 0 {
			above, lower = st.Nodes > c.MaxNodes, f == nil || st.Nodes < f.Nodes
		}
		if !st.Pass && above && lower {
			f = st
		}
	}
	return f
}

// sloLimits says the SLO as limits: "p99 <= 25 ms, p99.9 <= 100 ms, errors <= 0.1%".
func sloLimits(s result.SLO) string {
	var parts []string
	for _, l := range capacity.Limits(s) {
		parts = append(parts, fmt.Sprintf("%s <= %g ms", l.Name, l.Ms))
	}
	return strings.Join(append(parts, fmt.Sprintf("errors <= %g%%", 100*s.ErrorRate)), ", ")
}

// opsUnit names what a workload's rate counts.
func opsUnit(name string) string {
	switch name {
	case "put":
		return "puts/s"
	case "range":
		return "reads/s"
	case "txn":
		return "txns/s"
	}
	return "requests/s"
}

// thousands prints a rate rounded to a whole number, with thousands
// separators: 8400 is "8,400".
func thousands(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/etcdtune/etcdtune/result"
)

// writeCapacityText is a capacity search's block, after its workload's
// (whose figures are the confirmation's, or the best pass's): the step
// table, then the capacity line. A figure that is not the server's limit
// (the generator's, --max-rate's, the step budget's, or a search cut
// short) is called a lower bound, never the capacity.
func writeCapacityText(w io.Writer, name string, c *result.Capacity) {
	fmt.Fprintf(w, "  steps\t%s\n", stepRow("target/s", "achieved/s", "p50", "p99", "p99.9", "errors", "result"))
	for i, st := range c.Steps {
		label := strconv.Itoa(i + 1)
		if st.Confirm {
			label += " confirm"
		}
		verdict := "pass"
		if !st.Pass {
			verdict = st.LimitedBy + ": " + st.Why
		}
		fmt.Fprintf(w, "  %s\t%s\n", label, stepRow(thousands(st.TargetRate), thousands(st.AchievedRate), ms(st.P50Ms), ms(st.P99Ms), ms(st.P999Ms),
			strconv.FormatInt(st.Errors, 10), verdict))
	}
	fmt.Fprintf(w, "  capacity\t%s\n", capacityLine(name, c))
}

func stepRow(target, achieved, p50, p99, p999, errs, verdict string) string {
	return fmt.Sprintf("%10s %10s %7s %7s %7s %7s  %s", target, achieved, p50, p99, p999, errs, verdict)
}

// capacityLine is the figure, its SLO and what bounds it, e.g. "8,400
// puts/s at p99 <= 25 ms, p99.9 <= 100 ms, errors <= 0.1% (slo: p99 31.2 ms
// over 25 ms at 8,800/s), confirmed".
func capacityLine(name string, c *result.Capacity) string {
	unit := opsUnit(name)
	at := "at " + sloLimits(c.SLO)
	fail := boundingFail(c)
	if c.MaxRateOpsS == 0 {
		s := "no step passed " + at
		if fail != nil {
			s += fmt.Sprintf(": the lowest, %s/s, failed (%s: %s); try a lower --start-rate", thousands(fail.TargetRate), fail.LimitedBy, fail.Why)
		}
		return s
	}
	figure := thousands(c.MaxRateOpsS) + " " + unit
	var why string
	switch c.LimitedBy {
	case result.LimitedBySLO, result.LimitedByErrors:
		s := figure + " " + at
		if fail != nil {
			s += fmt.Sprintf(" (%s: %s at %s/s)", c.LimitedBy, fail.Why, thousands(fail.TargetRate))
		}
		if c.Confirmed {
			return s + ", confirmed"
		}
		return s + ", not confirmed (the re-run of the best pass did not happen)"
	case result.LimitedByGenerator:
		why = "etcdtune itself could not keep the schedule"
		if fail != nil {
			why += fmt.Sprintf(" at %s/s (%s)", thousands(fail.TargetRate), fail.Why)
		}
		why += "; run it from more agents or a bigger machine, or raise --max-inflight"
	case result.LimitedByMaxRate:
		why = "every step up to --max-rate passed"
	case result.EndInterrupted:
		why = "the search was interrupted"
	case result.EndAborted:
		why = "the guard stopped a step"
	default: // max-steps
		why = "--max-steps ran out before the search closed in"
	}
	return fmt.Sprintf("at least %s %s: a LOWER BOUND, not the server's capacity (%s)", figure, at, why)
}

// boundingFail is the lowest failing step above the figure, nil if none.
func boundingFail(c *result.Capacity) *result.CapacityStep {
	var f *result.CapacityStep
	for i := range c.Steps {
		st := &c.Steps[i]
		if !st.Pass && st.TargetRate > c.MaxRateOpsS && (f == nil || st.TargetRate < f.TargetRate) {
			f = st
		}
	}
	return f
}

// sloLimits says the SLO as limits: "p99 <= 25 ms, p99.9 <= 100 ms, errors <= 0.1%".
func sloLimits(s result.SLO) string {
	var parts []string
	for _, l := range []struct {
		name string
		ms   float64
	}{{"p50", s.P50Ms}, {"p99", s.P99Ms}, {"p99.9", s.P999Ms}} {
		if l.ms > 0 {
			parts = append(parts, fmt.Sprintf("%s <= %g ms", l.name, l.ms))
		}
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

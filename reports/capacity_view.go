package reports

import (
	"fmt"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/result"
)

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
		if s.Retry {
			r.Outcome += " (retry)"
		}
		rows = append(rows, r)
	}
	return rows
}

// rate prints a request rate as people read it: 15200, 150, 2.5.
var rate = capacity.FormatRate

package reports

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// plainTicks are gonum's default ticks labelled as people write numbers:
// 2500, not 2500.00.
type plainTicks struct{}

// Ticks relabels plot.DefaultTicks.
func (plainTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', -1, 64)
		}
	}
	return ticks
}

// logTicks125 labels a log axis at 1, 2 and 5 of each decade, so a chart
// spanning one decade still has labels (plot.LogTicks labels only the
// powers of ten); on an axis shorter than that, which would keep one label
// or none, every major tick is labelled.
type logTicks125 struct{}

// Ticks marks 1-2-5 steps between min and max, and minor ticks between.
func (logTicks125) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= min {
		return nil
	}
	var ticks []plot.Tick
	labelled := 0
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		base := math.Pow(10, e)
		for m := 1.0; m < 10; m++ {
			v := m * base
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = tickLabel(v)
				labelled++
			}
			ticks = append(ticks, t)
		}
	}
	if labelled < 2 {
		for i := range ticks {
			ticks[i].Label = tickLabel(ticks[i].Value)
		}
	}
	return ticks
}

// tickLabel prints a tick's value as people read an axis: 10000, not
// 1e+04; 0.5; 2.5.
func tickLabel(v float64) string {
	if v >= 1000 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

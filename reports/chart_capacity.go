package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/etcdtune/etcdtune/result"
)

// achievedPassPct is the share of the target a step must achieve to pass
// (capacity.Judge's 1%), drawn on the knee chart's lower panel.
const achievedPassPct = 99

// capacityChart draws the knee of a capacity search: latency p50 and p99
// of each step against its target rate (or cluster size), both on log
// axes, so the knee where the queue starts to grow stands out; the SLO's
// p99 limit and the capacity found as lines; failing steps as red
// crosses. The lower panel is the rate each step achieved, as a share of
// its target: a step that fell behind the schedule fails there even when
// its latency looks fine.
func capacityChart(i int, wl *result.Workload) (*Chart, error) {
	c := wl.Capacity
	if c == nil || len(c.Steps) == 0 {
		return nil, nil
	}
	nodes := c.MaxNodes > 0
	x := func(s result.CapacityStep) float64 {
		if nodes {
			return float64(s.Nodes)
		}
		return s.TargetRate
	}
	steps := slices.Clone(c.Steps)
	slices.SortStableFunc(steps, func(a, b result.CapacityStep) int { return cmp.Compare(x(a), x(b)) })
	label := workloadLabel(i, wl)
	xLabel := "target rate of the step (requests/s"
	if nodes {
		xLabel = "modelled cluster (nodes"
	}
	lo, hi := math.Inf(1), 0.0
	for _, s := range steps {
		if v := x(s); v > 0 {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi == 0 {
		return nil, nil
	}
	logX := hi/lo >= 8 // doubling from a low rate spans decades
	if logX {
		xLabel += ", log"
	}
	xLabel += ")"
	lat := newPlot(label+": capacity search", "", "latency (ms, log)")
	thr := newPlot("", xLabel, "achieved, % of target")
	for _, p := range []*plot.Plot{lat, thr} {
		if logX {
			p.X.Scale = plot.LogScale{}
			p.X.Tick.Marker = logTicks125{}
		}
	}
	lat.Y.Scale = plot.LogScale{}
	lat.Y.Tick.Marker = logTicks125{}
	yLo, yHi, err := kneeLatency(lat, steps, x)
	if err != nil {
		return nil, err
	}
	if c.SLO.P99Ms > 0 {
		if err := addHLine(lat, c.SLO.P99Ms, fmt.Sprintf("SLO: p99 under %g ms", c.SLO.P99Ms), errorColor, lo, hi); err != nil {
			return nil, err
		}
		yLo, yHi = math.Min(yLo, c.SLO.P99Ms), math.Max(yHi, c.SLO.P99Ms)
	}
	if err := kneeAchieved(thr, steps, x, lo, hi); err != nil {
		return nil, err
	}
	if at := capacityX(c); at > 0 {
		if yHi > 0 {
			if err := addVSegment(lat, at, yLo, yHi, capacityLabel(c)); err != nil {
				return nil, err
			}
		}
		if err := addVSegment(thr, at, thr.Y.Min, thr.Y.Max, ""); err != nil {
			return nil, err
		}
	}
	png, err := renderPNG(chartHeight*3/2, lat, thr)
	if err != nil {
		return nil, err
	}
	what := "target rate"
	if nodes {
		what = "modelled cluster size (at its own request rate times the burst)"
	}
	return &Chart{File: fmt.Sprintf("workload-%d-%s-capacity.png", i+1, fileSafe(wl.Name)), Title: label + ": capacity",
		Caption: fmt.Sprintf("Each step of the capacity search at its %s: latency p50 and p99 from the intended send time (top, log axes) and the rate achieved as a share of the target (bottom; a step needs %d%%). Red crosses are failing steps, the ring the confirmation re-run of the best passing step; the dashed red line is the SLO's p99 limit, the green line the capacity found.", what, achievedPassPct),
		PNG:     png}, nil
}

// kneeLatency draws p50 and p99 of the steps (sorted by x) as lines, the
// passing steps as dots, the failing ones as crosses and the confirmation
// as a ring; it returns the latency range drawn.
func kneeLatency(p *plot.Plot, steps []result.CapacityStep, x func(result.CapacityStep) float64) (lo, hi float64, err error) {
	lo = math.Inf(1)
	var fails, confirm plotter.XYs
	for qi, q := range []struct {
		name string
		v    func(result.CapacityStep) float64
	}{{"p50", func(s result.CapacityStep) float64 { return s.P50Ms }}, {"p99", func(s result.CapacityStep) float64 { return s.P99Ms }}} {
		var line, pass plotter.XYs
		for _, s := range steps {
			v, at := q.v(s), x(s)
			if v <= 0 || at <= 0 { // a log axis cannot show 0
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			pt := plotter.XY{X: at, Y: v}
			switch {
			case s.Confirm:
				confirm = append(confirm, pt)
				continue // the re-run sits on its step: the line goes once through it
			case s.Pass:
				pass = append(pass, pt)
			default:
				fails = append(fails, pt)
			}
			line = append(line, pt)
		}
		if len(line) == 0 {
			continue
		}
		colour := colorAt([]int{0, 4}[qi])
		l, err := plotter.NewLine(line)
		if err != nil {
			return 0, 0, fmt.Errorf("knee %s: %w", q.name, err)
		}
		l.Color, l.Width = colour, vg.Points(1.5)
		p.Add(l)
		if len(pass) == 0 {
			p.Legend.Add(q.name, l)
			continue
		}
		dots, err := plotter.NewScatter(pass)
		if err != nil {
			return 0, 0, err
		}
		dots.Color, dots.Radius, dots.Shape = colour, vg.Points(2.5), draw.CircleGlyph{}
		p.Add(dots)
		p.Legend.Add(q.name+" of a passing step", l, dots)
	}
	if err := addMarks(p, fails, draw.CrossGlyph{}, errorColor, 5, "failing step"); err != nil {
		return 0, 0, err
	}
	if err := addMarks(p, confirm, draw.RingGlyph{}, colorAt(6), 6, "confirmation re-run"); err != nil {
		return 0, 0, err
	}
	if hi == 0 {
		lo = 0
	}
	return lo, hi, nil
}

// kneeAchieved draws each step's achieved rate as a share of its target,
// with the share a step needs to pass.
func kneeAchieved(p *plot.Plot, steps []result.CapacityStep, x func(result.CapacityStep) float64, lo, hi float64) error {
	var line, fails plotter.XYs
	least := 100.0
	for _, s := range steps {
		if s.Confirm || s.TargetRate <= 0 || x(s) <= 0 {
			continue
		}
		pt := plotter.XY{X: x(s), Y: 100 * s.AchievedRate / s.TargetRate}
		line = append(line, pt)
		least = math.Min(least, pt.Y)
		if !s.Pass {
			fails = append(fails, pt)
		}
	}
	if len(line) > 0 {
		if err := addLinePoints(p, line, "achieved rate", colorAt(5)); err != nil {
			return err
		}
	}
	if err := addMarks(p, fails, draw.CrossGlyph{}, errorColor, 5, "failing step"); err != nil {
		return err
	}
	if err := addHLine(p, achievedPassPct, fmt.Sprintf("%d%%: a step's minimum", achievedPassPct), thresholdColor, lo, hi); err != nil {
		return err
	}
	// The axis starts near the worst step, not at 0: the steps that kept
	// the schedule would otherwise be one flat line under the 99% line.
	p.Y.Min, p.Y.Max = math.Max(0, math.Min(90, 10*math.Floor((least-5)/10))), math.Max(p.Y.Max, 101)
	return nil
}

// capacityX is where the capacity sits on the knee chart's x axis.
func capacityX(c *result.Capacity) float64 {
	if c.MaxNodes > 0 {
		return float64(c.MaxNodes)
	}
	return c.MaxRateOpsS
}

// capacityLabel is the text beside the capacity line: the figure and what
// stopped the search.
func capacityLabel(c *result.Capacity) string {
	figure := fmt.Sprintf("capacity %s/s", rate(c.MaxRateOpsS))
	if c.MaxNodes > 0 {
		figure = fmt.Sprintf("capacity %d nodes", c.MaxNodes)
	}
	why := "limited by " + c.LimitedBy
	if c.LowerBound {
		why += ", a lower bound"
	}
	return figure + "\n(" + why + ")"
}

// addVSegment draws a solid vertical line at x from y0 to y1 and, unless
// label is empty, writes label left of its top: the passing steps, left
// of the capacity, are low there, the failing ones are right of it.
func addVSegment(p *plot.Plot, x, y0, y1 float64, label string) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: y0}, {X: x, Y: y1}})
	if err != nil {
		return err
	}
	l.Color, l.Width = colorAt(2), vg.Points(2)
	p.Add(l)
	if label == "" {
		return nil
	}
	p.Legend.Add("capacity found", l)
	t, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: y1}}, Labels: []string{label}})
	if err != nil {
		return err
	}
	for i := range t.TextStyle {
		t.TextStyle[i].XAlign, t.TextStyle[i].YAlign = draw.XRight, draw.YTop
		t.TextStyle[i].Font.Size = vg.Points(10)
		t.TextStyle[i].Color = colorAt(2)
	}
	t.Offset = vg.Point{X: -vg.Points(4)}
	p.Add(t)
	return nil
}

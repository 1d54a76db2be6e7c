package reports

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/etcdtune/etcdtune/result"
)

// seriesChart draws one workload second by second: latency p50, p99 and
// max on a log axis above (a stall is a jump of the max by orders of
// magnitude, which a linear axis would flatten the median under), and
// throughput below, with the seconds that had errors marked in red.
func seriesChart(i int, wl *result.Workload) (*Chart, error) {
	if len(wl.Series) == 0 {
		return nil, nil
	}
	label := workloadLabel(i, wl)
	lat := newPlot(label+": latency per second", "", "latency (ms, log)")
	lat.Y.Scale = plot.LogScale{}
	lat.Y.Tick.Marker = logTicks125{}
	lines := []struct {
		name string
		v    func(result.SeriesPoint) float64
		c    color.Color
	}{
		{"max", func(s result.SeriesPoint) float64 { return s.MaxMs }, colorAt(1)},
		{"p99", func(s result.SeriesPoint) float64 { return s.P99Ms }, colorAt(4)},
		{"p50", func(s result.SeriesPoint) float64 { return s.P50Ms }, colorAt(0)},
	}
	drawn := 0
	for _, l := range lines {
		// A log axis cannot show 0: a second without requests has no
		// latency, and is left out rather than drawn at the bottom.
		var xys plotter.XYs
		for _, s := range wl.Series {
			if v := l.v(s); v > 0 {
				xys = append(xys, plotter.XY{X: float64(s.T), Y: v})
			}
		}
		if len(xys) == 0 {
			continue
		}
		if err := addLinePoints(lat, xys, l.name, l.c); err != nil {
			return nil, err
		}
		drawn++
	}
	thr, err := throughputPlot(wl)
	if err != nil {
		return nil, err
	}
	plots := []*plot.Plot{thr}
	height := chartHeight
	if drawn > 0 {
		// One time axis for both panels: a second sits above itself.
		lo, hi := math.Min(lat.X.Min, thr.X.Min), math.Max(lat.X.Max, thr.X.Max)
		lat.X.Min, lat.X.Max, thr.X.Min, thr.X.Max = lo, hi, lo, hi
		plots = []*plot.Plot{lat, thr}
		height = chartHeight * 3 / 2
	}
	png, err := renderPNG(height, plots...)
	if err != nil {
		return nil, err
	}
	return &Chart{File: fmt.Sprintf("workload-%d-%s-series.png", i+1, fileSafe(wl.Name)), Title: label + " over time",
		Caption: "Per second of the measured window: latency p50, p99 and max (top, log axis) and requests completed (bottom); red crosses mark seconds with errors, at their count; triangles on the time axis mark leader changes (seen by the guard on a remote cluster).",
		PNG:     png}, nil
}

// throughputPlot is the lower panel: completed requests and errors per
// second.
func throughputPlot(wl *result.Workload) (*plot.Plot, error) {
	p := newPlot("", "seconds into the measured window", "requests/s")
	var ops, errs, elections plotter.XYs
	for _, s := range wl.Series {
		ops = append(ops, plotter.XY{X: float64(s.T), Y: float64(s.Ops)})
		if s.Errors > 0 {
			errs = append(errs, plotter.XY{X: float64(s.T), Y: float64(s.Errors)})
		}
		if s.LeaderChanges > 0 {
			elections = append(elections, plotter.XY{X: float64(s.T), Y: 0})
		}
	}
	if err := addLinePoints(p, ops, "completed", colorAt(2)); err != nil {
		return nil, err
	}
	if err := addMarks(p, errs, draw.CrossGlyph{}, errorColor, 4, fmt.Sprintf("errors (%d in all)", wl.Errors)); err != nil {
		return nil, err
	}
	// Leader changes sit on the time axis, where the load's dip is.
	if err := addMarks(p, elections, draw.TriangleGlyph{}, thresholdColor, 5, fmt.Sprintf("leader change (%d in all)", wl.Counters["leader_changes"])); err != nil {
		return nil, err
	}
	p.Y.Min = 0
	if wl.Mode == result.ModeOpen && wl.TargetRate > 0 {
		if err := addHLine(p, wl.TargetRate, fmt.Sprintf("target %.0f/s", wl.TargetRate), thresholdColor, 0, float64(len(wl.Series))); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// addLinePoints adds a line with a dot at each point: a short run of a few
// seconds is then still readable.
func addLinePoints(p *plot.Plot, xys plotter.XYs, name string, c color.Color) error {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return fmt.Errorf("chart line %s: %w", name, err)
	}
	l.Color, l.Width = c, vg.Points(1.5)
	s.Color, s.Radius, s.Shape = c, vg.Points(1.5), draw.CircleGlyph{}
	p.Add(l, s)
	p.Legend.Add(name, l, s)
	return nil
}

// addHLine draws a dashed horizontal line at y from x0 to x1.
func addHLine(p *plot.Plot, y float64, name string, c color.Color, x0, x1 float64) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}})
	if err != nil {
		return err
	}
	l.Color, l.Dashes = c, []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// fileSafe keeps a name to letters, digits and dashes for a file name.
func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	return string(b)
}

// addMarks draws points as glyphs of one kind, with their legend; none
// when there are no points.
func addMarks(p *plot.Plot, points plotter.XYs, glyph draw.GlyphDrawer, c color.Color, radius float64, label string) error {
	if len(points) == 0 {
		return nil
	}
	sc, err := plotter.NewScatter(points)
	if err != nil {
		return err
	}
	sc.Shape = glyph
	sc.Color = c
	sc.Radius = vg.Points(radius)
	p.Add(sc)
	p.Legend.Add(label, sc)
	return nil
}

package reports

import (
	"fmt"
	"image/color"
	"math"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/etcdtune/etcdtune/result"
)

// spectrumNines is how far right the spectrum goes: 99.999%.
const spectrumNines = 5

// spectrumChart draws the latency percentile spectrum as HdrHistogram's
// plotter does: x is the percentile on a log axis, plotted as
// -log10(1-p), so 90%, 99%, 99.9% ... sit at equal steps and the tail,
// where etcd's trouble shows, gets as much room as the median. Open-loop
// runs get two lines: the corrected latency (from the intended send) and
// the service time (from the actual send); the gap between them is the
// queueing a closed-loop benchmark would hide.
func spectrumChart(wls []*result.Workload) (*Chart, error) {
	p := newPlot("Latency by percentile", "percentile", "latency (ms, log)")
	// A log axis keeps a slow workload (a range of 200 ms at the tail)
	// from flattening a fast one (puts of 2 ms) against the bottom.
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks125{}
	lines := 0
	for i, wl := range wls {
		label := workloadLabel(i, wl)
		h, err := decodeHistogram(wl.Histogram)
		if err != nil {
			return nil, fmt.Errorf("workload %s: %w", label, err)
		}
		if h == nil {
			continue
		}
		if wl.Mode == result.ModeOpen {
			label += " corrected"
		}
		if err := addSpectrumLine(p, h, label, colorAt(i), false); err != nil {
			return nil, err
		}
		lines++
		svc, err := decodeHistogram(wl.ServiceHistogram)
		if err != nil {
			return nil, fmt.Errorf("workload %s service: %w", label, err)
		}
		if svc != nil {
			if err := addSpectrumLine(p, svc, workloadLabel(i, wl)+" service", colorAt(i), true); err != nil {
				return nil, err
			}
		}
	}
	if lines == 0 {
		return nil, nil
	}
	p.X.Min, p.X.Max = 0, spectrumNines
	p.X.Tick.Marker = percentileTicks{}
	png, err := renderPNG(chartHeight, p)
	if err != nil {
		return nil, err
	}
	return &Chart{File: "latency-spectrum.png", Title: "Latency by percentile",
		Caption: "Each workload's latency at every percentile (log axis up to 99.999%; latency on a log axis too, so a slow workload does not flatten a fast one). For open-loop runs the solid line is the latency from the intended send time (corrected for coordinated omission), the dashed line the service time from the actual send.",
		PNG:     png}, nil
}

// addSpectrumLine adds h (µs) as latency in ms against -log10(1-p). The
// line stops where the samples run out: past 1-1/count every percentile is
// the maximum.
func addSpectrumLine(p *plot.Plot, h *hdr.Histogram, label string, c color.Color, dashed bool) error {
	last := math.Min(spectrumNines, math.Log10(float64(h.TotalCount())))
	floor := math.Max(float64(h.Min()), 1)
	var xys plotter.XYs
	for x := 0.0; x <= last+1e-9; x += 0.02 {
		pct := 100 * (1 - math.Pow(10, -x))
		// The 0th percentile reads 0 from the histogram, which a log axis
		// cannot show: no value is below the fastest request.
		xys = append(xys, plotter.XY{X: x, Y: math.Max(float64(h.ValueAtPercentile(pct)), floor) / 1000})
	}
	// The maximum closes the line, so the worst request is on the chart.
	xys = append(xys, plotter.XY{X: last, Y: math.Max(float64(h.Max()), floor) / 1000})
	l, err := plotter.NewLine(xys)
	if err != nil {
		return fmt.Errorf("spectrum %s: %w", label, err)
	}
	l.Color = c
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	p.Add(l)
	p.Legend.Add(label, l)
	return nil
}

// percentileTicks labels the -log10(1-p) axis in percentiles.
type percentileTicks struct{}

// Ticks marks 0%, 90%, 99% ... 99.999%.
func (percentileTicks) Ticks(min, max float64) []plot.Tick {
	labels := []string{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"}
	var ticks []plot.Tick
	for x, l := range labels {
		if float64(x) >= min && float64(x) <= max {
			ticks = append(ticks, plot.Tick{Value: float64(x), Label: l})
		}
	}
	return ticks
}

// workloadLabel names a workload in charts and headings: its position
// too, as a result may hold the same kind twice (closed, then open loop).
func workloadLabel(i int, wl *result.Workload) string {
	mode := wl.Mode
	if mode == "" {
		mode = result.ModeClosed
	}
	return fmt.Sprintf("#%d %s (%s)", i+1, wl.Name, mode)
}

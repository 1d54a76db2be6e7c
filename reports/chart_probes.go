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

// Disk bounds drawn on the fsync chart: etcd's hardware guide wants the WAL
// fsync p99 under 10 ms; some vendors allow 20 ms.
const (
	fsyncBoundMs       = 10
	fsyncVendorBoundMs = 20
)

// binsPerDecade sets the fsync histogram's resolution: ten bins from 1 ms
// to 10 ms, as many from 0.1 ms to 1 ms.
const binsPerDecade = 10

// fsyncChart draws the distribution of fdatasync latencies on a log axis
// (a local SSD sits near 0.1 ms, a network volume at a few ms, a spinning
// disk near 10 ms: one chart shows them all), with etcd's 10 ms and the
// vendors' 20 ms bounds as vertical lines.
func fsyncChart(f *result.Fsync) (*Chart, error) {
	if f == nil {
		return nil, nil
	}
	h, err := decodeHistogram(f.Histogram)
	if err != nil || h == nil {
		return nil, err
	}
	bins := logBins(h)
	p := newPlot(fmt.Sprintf("fdatasync latency on %s (p99 %s ms)", f.Path, ms(f.P99)), "fdatasync latency (ms, log)", "% of fdatasyncs")
	p.Legend.Left = false
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logTicks125{}
	hist := &plotter.Histogram{Bins: bins, FillColor: colorAt(0), Width: 1}
	hist.LineStyle.Width = vg.Points(0.5)
	hist.LineStyle.Color = colorAt(6)
	p.Add(hist)
	p.Legend.Add(fmt.Sprintf("%d fdatasyncs of %d B", f.Samples, f.BlockBytes), hist)
	ymax := 0.0
	for _, b := range bins {
		ymax = math.Max(ymax, b.Weight)
	}
	for _, bound := range []struct {
		ms   float64
		name string
	}{{fsyncBoundMs, "10 ms: etcd's p99 bound"}, {fsyncVendorBoundMs, "20 ms: some vendors' bound"}} {
		if err := addVLine(p, bound.ms, ymax*1.05, bound.name); err != nil {
			return nil, err
		}
	}
	if err := addVLine(p, f.P99, ymax*1.05, fmt.Sprintf("p99 %s ms", ms(f.P99))); err != nil {
		return nil, err
	}
	p.X.Max = math.Max(p.X.Max, 30)
	p.Y.Min = 0
	png, err := renderPNG(chartHeight, p)
	if err != nil {
		return nil, err
	}
	return &Chart{File: "fsync.png", Title: "Disk: fdatasync latency",
		Caption: fmt.Sprintf("The fsync probe's %d fdatasyncs after %d-byte writes (%s pattern), as etcd's WAL does them, binned on a log axis; etcd wants the p99 left of the 10 ms line.", f.Samples, f.BlockBytes, f.Pattern),
		PNG:     png}, nil
}

// logBins spreads h (µs) over bins of equal width on a log axis, in ms,
// weighted as the percentage of samples.
func logBins(h *hdr.Histogram) []plotter.HistogramBin {
	lo := math.Floor(math.Log10(math.Max(float64(h.Min()), 1)/1000) * binsPerDecade)
	hi := math.Ceil(math.Log10(float64(h.Max()+1)/1000)*binsPerDecade) + 1
	bins := make([]plotter.HistogramBin, int(hi-lo))
	for i := range bins {
		bins[i].Min = math.Pow(10, (lo+float64(i))/binsPerDecade)
		bins[i].Max = math.Pow(10, (lo+float64(i)+1)/binsPerDecade)
	}
	total := float64(h.TotalCount())
	for _, b := range h.Distribution() {
		if b.Count == 0 {
			continue
		}
		// A bucket of the HdrHistogram is far narrower than a bin (3
		// significant digits), so its midpoint decides its bin.
		mid := float64(b.From+b.To) / 2 / 1000
		i := int(math.Floor(math.Log10(math.Max(mid, 1e-3))*binsPerDecade - lo))
		i = min(max(i, 0), len(bins)-1)
		bins[i].Weight += 100 * float64(b.Count) / total
	}
	return bins
}

// addVLine draws a dashed vertical line at x up to y.
func addVLine(p *plot.Plot, x, y float64, name string) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: y}})
	if err != nil {
		return err
	}
	var c color.Color = thresholdColor
	switch x {
	case fsyncBoundMs:
		c = errorColor
	case fsyncVendorBoundMs:
		c = colorAt(4)
	}
	l.Color, l.Width, l.Dashes = c, vg.Points(1.5), []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// rttChart draws the round trips as bars: from this machine to each member
// (p50 and p99 of the probe's timed requests) and between peers (etcd's
// own mean and p99).
func rttChart(r *result.RTT) (*Chart, error) {
	if r == nil || (len(r.Members) == 0 && len(r.Peers) == 0) {
		return nil, nil
	}
	var names []string
	var mid, tail plotter.Values
	for _, m := range r.Members {
		names = append(names, "client to\n"+m.Endpoint)
		mid, tail = append(mid, m.P50), append(tail, m.P99)
	}
	for _, peer := range r.Peers {
		if peer.Observations == 0 {
			continue
		}
		names = append(names, fmt.Sprintf("peer %s\nto %s", short(peer.From), short(peer.To)))
		mid, tail = append(mid, peer.MeanMs), append(tail, peer.P99.Ms)
	}
	if len(names) == 0 {
		return nil, nil
	}
	p := newPlot("Round-trip time", "", "ms")
	w := vg.Points(min(40, 300/float64(len(names))))
	for i, v := range []plotter.Values{mid, tail} {
		bars, err := plotter.NewBarChart(v, w)
		if err != nil {
			return nil, fmt.Errorf("rtt chart: %w", err)
		}
		bars.Color = colorAt(i)
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(2*i-1) / 2
		p.Add(bars)
		p.Legend.Add([]string{"p50 (client) / mean (peer)", "p99"}[i], bars)
	}
	p.NominalX(names...)
	p.Y.Min = 0
	png, err := renderPNG(chartHeight, p)
	if err != nil {
		return nil, err
	}
	return &Chart{File: "rtt.png", Title: "Network: round-trip time",
		Caption: "Client bars: Maintenance.Status round trips from this machine to each member. Peer bars: etcd's own etcd_network_peer_round_trip_time_seconds (buckets doubling, so each figure is only known within its bucket); etcd wants peer p99 under 50 ms.",
		PNG:     png}, nil
}

// short keeps a member ID readable on an axis.
func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

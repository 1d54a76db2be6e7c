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

// rttChart draws each round trip's spread: min, p50, mean, p90, p99 and
// max of the client's timed requests to each member, one line per member
// on a log axis, and etcd's own mean and p99 between peers. Bars of p50
// and p99 said less: with one member they were two lonely bars, and the
// tail (a max a hundred times the median) did not show.
func rttChart(r *result.RTT) (*Chart, error) {
	if r == nil || (len(r.Members) == 0 && len(r.Peers) == 0) {
		return nil, nil
	}
	p := newPlot("Round-trip time by percentile", "", "ms (log)")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks125{}
	p.NominalX(rttColumns...)
	lines := 0
	for _, m := range r.Members {
		l := m.LatencyMs
		xys := rttPoints(map[int]float64{0: l.Min, 1: l.P50, 2: l.Mean, 3: l.P90, 4: l.P99, 5: l.Max})
		if len(xys) == 0 {
			continue
		}
		if err := addLinePoints(p, xys, "client to "+m.Endpoint, colorAt(lines)); err != nil {
			return nil, err
		}
		lines++
	}
	peers := 0
	for _, peer := range r.Peers {
		xys := rttPoints(map[int]float64{2: peer.MeanMs, 4: peer.P99.Ms})
		if peer.Observations == 0 || len(xys) == 0 {
			continue
		}
		if err := addLinePoints(p, xys, fmt.Sprintf("peer %s to %s", short(peer.From), short(peer.To)), colorAt(lines)); err != nil {
			return nil, err
		}
		lines++
		peers++
	}
	if lines == 0 {
		return nil, nil
	}
	if peers > 0 {
		if err := addHLine(p, peerRTTBoundMs, "50 ms: etcd's peer p99 bound", errorColor, 0, float64(len(rttColumns)-1)); err != nil {
			return nil, err
		}
	}
	png, err := renderPNG(chartHeight, p)
	if err != nil {
		return nil, err
	}
	return &Chart{File: "rtt.png", Title: "Network: round-trip time",
		Caption: "Client lines: Maintenance.Status round trips from this machine to each member, from the fastest to the slowest. Peer lines: etcd's own etcd_network_peer_round_trip_time_seconds, mean and p99 (buckets doubling, so each figure is only known within its bucket); etcd wants peer p99 under 50 ms.",
		PNG:     png}, nil
}

// rttColumns are the x positions of the round-trip chart.
var rttColumns = []string{"min", "p50", "mean", "p90", "p99", "max"}

// peerRTTBoundMs is etcd's tuning guide's bound on the peer round trip.
const peerRTTBoundMs = 50

// rttPoints are the figures of one round trip at their columns, in column
// order; a log axis cannot show 0, so a figure not measured is left out.
func rttPoints(byColumn map[int]float64) plotter.XYs {
	var xys plotter.XYs
	for x := range rttColumns {
		if v := byColumn[x]; v > 0 {
			xys = append(xys, plotter.XY{X: float64(x), Y: v})
		}
	}
	return xys
}

// short keeps a member ID readable on an axis.
func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

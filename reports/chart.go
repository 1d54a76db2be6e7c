package reports

import (
	"bytes"
	"fmt"
	"image/color"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/etcdtune/etcdtune/result"
)

// Chart is one PNG of the report.
type Chart struct {
	File    string // file name under charts/, e.g. "latency-spectrum.png"
	Title   string
	Caption string // what the chart shows and how to read it
	PNG     []byte
}

// Charts draws every chart the result has the data for: a bench result
// without probes gets its latency charts only, a probe-only result its
// disk and network charts only. The knee charts of capacity searches come
// first.
func Charts(r *result.Result) ([]Chart, error) {
	var out []Chart
	add := func(c *Chart, err error) error {
		if err != nil {
			return err
		}
		if c != nil {
			out = append(out, *c)
		}
		return nil
	}
	// The capacity leads: it is the answer of a sizing run.
	for i, wl := range r.Workloads {
		if err := add(capacityChart(i, wl)); err != nil {
			return nil, err
		}
	}
	if err := add(spectrumChart(r.Workloads)); err != nil {
		return nil, err
	}
	for i, wl := range r.Workloads {
		if err := add(seriesChart(i, wl)); err != nil {
			return nil, err
		}
	}
	if err := add(fsyncChart(r.Probes.Fsync)); err != nil {
		return nil, err
	}
	if err := add(rttChart(r.Probes.RTT)); err != nil {
		return nil, err
	}
	return out, nil
}

// Chart sizes: wide enough to read on a laptop screen, small enough to
// inline several in one HTML page.
const (
	chartWidth  = 22 * vg.Centimeter
	chartHeight = 11 * vg.Centimeter
	// dpi of the PNGs: 1.5x the 96 dpi of a screen keeps lines sharp on
	// high-density displays at a modest file size.
	chartDPI = 144
)

// palette is a colour-blind-safe set (Okabe and Ito), in the order lines
// are given colours.
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{0, 158, 115, 255},   // bluish green
	color.RGBA{204, 121, 167, 255}, // reddish purple
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{86, 180, 233, 255},  // sky blue
	color.RGBA{0, 0, 0, 255},       // black
}

var (
	errorColor     = color.RGBA{200, 0, 0, 255}
	thresholdColor = color.RGBA{120, 120, 120, 255}
)

func colorAt(i int) color.Color { return palette[i%len(palette)] }

// newPlot is a plot with the report's look: a title, labelled axes and a
// light grid behind the data.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(3) // room for a glyph between two entries
	p.X.Tick.Marker = plainTicks{}
	p.Y.Tick.Marker = plainTicks{}
	return p
}

// renderPNG draws plots stacked top to bottom, sharing one x alignment,
// into a PNG. Each plot's legend goes into a column right of the data,
// level with its plot: inside the data area a legend covers the lines it
// names, and the legends of two plots can run into each other.
func renderPNG(height vg.Length, plots ...*plot.Plot) ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(chartWidth, height), vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	legends := make([]plot.Legend, len(plots))
	var legendW vg.Length
	for i, p := range plots {
		legends[i] = p.Legend
		legends[i].Top, legends[i].Left = true, true
		if w := legends[i].Rectangle(dc).Size().X; w > 0 {
			legendW = max(legendW, w+legendGap)
		}
		p.Legend = plot.NewLegend() // drawn beside the plot, not by it
	}
	rows := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		rows[i] = []*plot.Plot{p}
	}
	area := draw.Crop(dc, 0, -legendW, 0, 0)
	canvases := plot.Align(rows, draw.Tiles{Rows: len(plots), Cols: 1, PadY: vg.Centimeter / 2}, area)
	for i, p := range plots {
		c := canvases[i][0]
		p.Draw(c)
		strip := c
		strip.Min.X, strip.Max.X = c.Max.X+legendGap, dc.Max.X
		legends[i].Draw(strip)
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	return b.Bytes(), nil
}

// legendGap separates the data area from the legend column.
const legendGap = vg.Millimeter * 3

// decodeHistogram reads a histogram of the result file (µs), nil when
// absent or empty.
func decodeHistogram(enc string) (*hdr.Histogram, error) {
	if enc == "" {
		return nil, nil
	}
	h, err := result.DecodeHistogram(enc)
	if err != nil {
		return nil, fmt.Errorf("decode histogram: %w", err)
	}
	if h.TotalCount() == 0 {
		return nil, nil
	}
	return h, nil
}

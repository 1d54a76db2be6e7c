package probes

import (
	"math"

	"github.com/etcdtune/etcdtune/result"
)

// Histogram is a Prometheus histogram: cumulative counts per upper bound,
// the last bound +Inf.
type Histogram struct {
	Count   uint64
	Sum     float64
	Buckets []Bucket
}

// Bucket is the number of observations at or below UpperBound.
type Bucket struct {
	UpperBound float64
	Count      uint64
}

// add merges two histograms with the same buckets (or h empty).
func (h Histogram) add(o Histogram) Histogram {
	if len(h.Buckets) == 0 {
		return o
	}
	out := Histogram{Count: h.Count + o.Count, Sum: h.Sum + o.Sum}
	for i, b := range h.Buckets {
		if i < len(o.Buckets) && o.Buckets[i].UpperBound == b.UpperBound {
			b.Count += o.Buckets[i].Count
		}
		out.Buckets = append(out.Buckets, b)
	}
	return out
}

// Sub returns the observations made between before and h (a later scrape
// of the same series). A counter that went down means the member restarted;
// then h itself is the window.
func (h Histogram) Sub(before Histogram) Histogram {
	if before.Count > h.Count || len(before.Buckets) != len(h.Buckets) {
		return h
	}
	out := Histogram{Count: h.Count - before.Count, Sum: h.Sum - before.Sum}
	for i, b := range h.Buckets {
		c := b.Count - min(b.Count, before.Buckets[i].Count)
		out.Buckets = append(out.Buckets, Bucket{UpperBound: b.UpperBound, Count: c})
	}
	return out
}

// MeanMs returns the mean observation in milliseconds (exact: from the sum).
func (h Histogram) MeanMs() float64 {
	if h.Count == 0 {
		return 0
	}
	return h.Sum / float64(h.Count) * 1000
}

// Quantile returns the q-quantile (0..1) of the observations in
// milliseconds, false when there are none.
func (h Histogram) Quantile(q float64) (result.Quantile, bool) {
	if h.Count == 0 || len(h.Buckets) == 0 {
		return result.Quantile{}, false
	}
	rank := q * float64(h.Count)
	lower, below := 0.0, uint64(0)
	for _, b := range h.Buckets {
		if float64(b.Count) >= rank && b.Count > below {
			if math.IsInf(b.UpperBound, 1) {
				// Beyond the last bound the value is unknown: quote the bound.
				return result.Quantile{Ms: lower * 1000, LowerMs: lower * 1000, UpperMs: -1}, true
			}
			frac := (rank - float64(below)) / float64(b.Count-below)
			v := lower + (b.UpperBound-lower)*frac
			return result.Quantile{Ms: v * 1000, LowerMs: lower * 1000, UpperMs: b.UpperBound * 1000}, true
		}
		lower, below = b.UpperBound, b.Count
	}
	return result.Quantile{}, false
}

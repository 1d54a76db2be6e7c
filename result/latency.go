package result

import hdr "github.com/HdrHistogram/hdrhistogram-go"

// Latency is the usual cut through a latency histogram, in milliseconds:
// the one latency type of the result file. The workloads write it under
// plain names (min, p99, ...); the probes under *_ms names, as LatencyMs.
type Latency struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

// LatencyMs is Latency as the probes write it, each name ending in _ms
// (probes.fsync, probes.rtt, probes.backup). It has Latency's fields, so
// LatencyMs(l) and Latency(m) convert; only the JSON names differ, which
// the result file has had since its first version.
type LatencyMs struct {
	Min  float64 `json:"min_ms"`
	Mean float64 `json:"mean_ms"`
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	P999 float64 `json:"p999_ms"`
	Max  float64 `json:"max_ms"`
}

// Summarize cuts a histogram of microseconds into a Latency.
func Summarize(h *hdr.Histogram) Latency {
	if h == nil || h.TotalCount() == 0 {
		return Latency{}
	}
	return Latency{
		Min:  float64(h.Min()) / 1000,
		Mean: h.Mean() / 1000,
		P50:  quantileMs(h, 50),
		P90:  quantileMs(h, 90),
		P99:  quantileMs(h, 99),
		P999: quantileMs(h, 99.9),
		Max:  maxMs(h),
	}
}

func quantileMs(h *hdr.Histogram, percentile float64) float64 {
	if h.TotalCount() == 0 {
		return 0
	}
	return float64(h.ValueAtPercentile(percentile)) / 1000
}

func maxMs(h *hdr.Histogram) float64 {
	if h.TotalCount() == 0 {
		return 0
	}
	return float64(h.Max()) / 1000
}

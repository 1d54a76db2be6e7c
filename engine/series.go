package engine

import (
	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// SeriesPoint is one second of a run: what completed in it.
type SeriesPoint struct {
	T      int     `json:"t_s"` // seconds since the measured window began; the point covers (T-1, T]
	Ops    int64   `json:"ops"`
	Errors int64   `json:"errors"`
	P50Ms  float64 `json:"p50_ms"`
	P99Ms  float64 `json:"p99_ms"`
	MaxMs  float64 `json:"max_ms"`
	// LeaderChanges are the elections seen in this second, when a guard
	// watched the cluster (a remote target).
	LeaderChanges int64 `json:"leader_changes,omitempty"`
}

// Tick closes the current second and appends it to the series as second t.
// Each shard's current-second histogram is swapped for a cleared spare under
// the shard's lock, which keeps workers waiting for a pointer swap only; the
// merge happens outside the lock.
func (r *Recorder) Tick(t int) {
	r.second.Reset()
	var ops, errs int64
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		s.second, r.spare[i] = r.spare[i], s.second
		ops, errs = ops+s.secOps, errs+s.secErrs
		s.secOps, s.secErrs = 0, 0
		s.mu.Unlock()
		r.second.Merge(r.spare[i])
		r.spare[i].Reset()
	}
	r.series = append(r.series, SeriesPoint{T: t, Ops: ops, Errors: errs,
		P50Ms: quantileMs(r.second, 50), P99Ms: quantileMs(r.second, 99), MaxMs: maxMs(r.second)})
}

// Series returns the seconds closed so far.
func (r *Recorder) Series() []SeriesPoint { return r.series }

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

// pending reports whether anything was recorded since the last Tick.
func (r *Recorder) pending() bool {
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		n := s.secOps + s.secErrs
		s.mu.Unlock()
		if n > 0 {
			return true
		}
	}
	return false
}

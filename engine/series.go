package engine

import "github.com/etcdtune/etcdtune/result"

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
	s := result.Summarize(r.second)
	r.series = append(r.series, result.SeriesPoint{T: t, Ops: ops, Errors: errs, P50Ms: s.P50, P99Ms: s.P99, P999Ms: s.P999, MaxMs: s.Max})
}

// Series returns the seconds closed so far.
func (r *Recorder) Series() []result.SeriesPoint { return r.series }

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

package engine

import (
	"runtime"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/etcdtune/etcdtune/result"
)

// Recorder takes the outcome of every request of a run. Workers record into
// shards, each with its own lock, so that workers on different cores do not
// contend; the per-second series swaps each shard's current-second
// histogram for an empty one under that lock, and merges outside it.
type Recorder struct {
	kinds  []string
	open   bool
	shards []recorderShard
	spare  []*hdr.Histogram // one per shard, swapped in by Tick
	second *hdr.Histogram   // scratch for the merged second
	series []result.SeriesPoint
}

type recorderShard struct {
	mu       sync.Mutex
	kinds    []kindRecord
	errKinds map[string]int64
	second   *hdr.Histogram
	secOps   int64
	secErrs  int64
	warmOps  int64
	warmErrs int64
	clamped  int64
	_padding [64]byte // keep neighbouring shards' locks off one cache line
}

type kindRecord struct {
	latency *hdr.Histogram // from the intended send time (closed loop: the actual one)
	service *hdr.Histogram // from the actual send time; open loop only
	ops     int64
	errs    int64
}

// NewRecorder returns a recorder for the given operation kinds. With open
// set, it keeps the service time beside the latency.
func NewRecorder(kinds []string, open bool) *Recorder {
	n := 2 * runtime.GOMAXPROCS(0)
	r := &Recorder{kinds: kinds, open: open, shards: make([]recorderShard, n),
		spare: make([]*hdr.Histogram, n), second: result.NewHistogram()}
	for i := range r.shards {
		s := &r.shards[i]
		s.kinds = make([]kindRecord, len(kinds))
		for k := range s.kinds {
			s.kinds[k].latency = result.NewHistogram()
			if open {
				s.kinds[k].service = result.NewHistogram()
			}
		}
		s.errKinds = map[string]int64{}
		s.second = result.NewHistogram()
		r.spare[i] = result.NewHistogram()
	}
	return r
}

// Kinds returns the operation kinds the recorder was made for.
func (r *Recorder) Kinds() []string { return r.kinds }

// Record takes one measured request of worker w and kind k. latency counts
// from the intended send time, service from the actual send; in closed loop
// they are the same. A failed request counts by its error kind and its
// latency is not recorded.
func (r *Recorder) Record(w, k int, latency, service time.Duration, err error) {
	s := &r.shards[w%len(r.shards)]
	if err != nil {
		kind := ErrorKind(err) // outside the lock: it may allocate
		s.mu.Lock()
		s.kinds[k].errs++
		s.secErrs++
		s.errKinds[kind]++
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	kr := &s.kinds[k]
	us := s.micros(latency)
	kr.latency.RecordValue(us)
	if kr.service != nil {
		kr.service.RecordValue(s.micros(service))
	}
	s.second.RecordValue(us)
	kr.ops++
	s.secOps++
	s.mu.Unlock()
}

// RecordWarmup counts a request sent during the warm-up, which is kept out
// of every figure but the warm-up counts.
func (r *Recorder) RecordWarmup(w int, err error) {
	s := &r.shards[w%len(r.shards)]
	s.mu.Lock()
	if err != nil {
		s.warmErrs++
	} else {
		s.warmOps++
	}
	s.mu.Unlock()
}

// micros converts to whole microseconds within the histogram's range,
// counting the values that had to be clamped; the caller holds the lock.
func (s *recorderShard) micros(d time.Duration) int64 {
	us := d.Microseconds()
	switch {
	case us < result.HistMinMicros:
		return result.HistMinMicros
	case us > result.HistMaxMicros:
		s.clamped++
		return result.HistMaxMicros
	}
	return us
}

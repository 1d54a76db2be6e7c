package engine

import (
	"fmt"
	"maps"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// LatencySummary is the usual cut through a latency histogram, in
// milliseconds.
type LatencySummary struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

// Summarize cuts a histogram of microseconds into a LatencySummary.
func Summarize(h *hdr.Histogram) LatencySummary {
	if h == nil || h.TotalCount() == 0 {
		return LatencySummary{}
	}
	return LatencySummary{
		Min:  float64(h.Min()) / 1000,
		Mean: h.Mean() / 1000,
		P50:  quantileMs(h, 50),
		P90:  quantileMs(h, 90),
		P99:  quantileMs(h, 99),
		P999: quantileMs(h, 99.9),
		Max:  maxMs(h),
	}
}

// EncodeHistogram returns HdrHistogram's compressed V2 encoding in base64,
// which HdrHistogram tools in every language read, and merge keeps exact.
func EncodeHistogram(h *hdr.Histogram) string {
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		return "" // the only error is an unknown encoding version
	}
	return string(b)
}

// DecodeHistogram reads EncodeHistogram's form back. It never panics:
// hdrhistogram-go's Decode slices the decoded bytes without checking their
// length, and a result file is user input.
func DecodeHistogram(enc string) (h *hdr.Histogram, err error) {
	defer func() {
		if p := recover(); p != nil {
			h, err = nil, fmt.Errorf("malformed histogram (%v)", p)
		}
	}()
	return hdr.Decode([]byte(enc))
}

// Totals is what a recorder holds at the end of a run, merged over shards.
type Totals struct {
	Kinds        []KindTotals
	Latency      *hdr.Histogram // all kinds
	Service      *hdr.Histogram // all kinds; nil in closed loop
	Ops          int64
	Errors       int64
	ErrorKinds   map[string]int64
	WarmupOps    int64
	WarmupErrors int64
	Clamped      int64 // latencies over 60 s, recorded as 60 s
}

// KindTotals is the share of one operation kind.
type KindTotals struct {
	Name    string
	Latency *hdr.Histogram
	Service *hdr.Histogram
	Ops     int64
	Errors  int64
}

// Totals merges the shards. Call it once the workers have stopped.
func (r *Recorder) Totals() Totals {
	t := Totals{Latency: NewHistogram(), ErrorKinds: map[string]int64{}}
	if r.open {
		t.Service = NewHistogram()
	}
	for k, name := range r.kinds {
		kt := KindTotals{Name: name, Latency: NewHistogram()}
		if r.open {
			kt.Service = NewHistogram()
		}
		for i := range r.shards {
			kr := &r.shards[i].kinds[k]
			kt.Latency.Merge(kr.latency)
			if r.open {
				kt.Service.Merge(kr.service)
			}
			kt.Ops += kr.ops
			kt.Errors += kr.errs
		}
		t.Latency.Merge(kt.Latency)
		if r.open {
			t.Service.Merge(kt.Service)
		}
		t.Ops += kt.Ops
		t.Errors += kt.Errors
		t.Kinds = append(t.Kinds, kt)
	}
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		for kind, n := range s.errKinds {
			t.ErrorKinds[kind] += n
		}
		t.WarmupOps += s.warmOps
		t.WarmupErrors += s.warmErrs
		t.Clamped += s.clamped
		s.mu.Unlock()
	}
	return t
}

// cloneCounts copies a count map, so a result never shares one with a recorder.
func cloneCounts(m map[string]int64) map[string]int64 {
	if len(m) == 0 {
		return map[string]int64{}
	}
	return maps.Clone(m)
}
